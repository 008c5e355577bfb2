from fastapi import APIRouter

router = APIRouter(prefix="/pages", tags=["Admin: pages"])
