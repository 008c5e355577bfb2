from fastapi import APIRouter

router = APIRouter(prefix="/events", tags=["Events"])
