from fastapi import APIRouter

router = APIRouter(prefix="/audit", tags=["Admin: audit"])
