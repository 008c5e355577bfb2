from fastapi import APIRouter

router = APIRouter(prefix="/site", tags=["Admin: site"])
