from fastapi import APIRouter

router = APIRouter(prefix="/experts", tags=["Admin: experts"])
