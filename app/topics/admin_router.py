from fastapi import APIRouter

router = APIRouter(prefix="/topics", tags=["Admin: topics"])
