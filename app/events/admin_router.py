from fastapi import APIRouter

router = APIRouter(prefix="/events", tags=["Admin: events"])
