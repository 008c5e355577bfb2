from fastapi import APIRouter

router = APIRouter(prefix="/users", tags=["Admin: users"])
