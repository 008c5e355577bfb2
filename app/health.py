from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import text

from app.errors import DatabaseUnavailable
from app.openapi import problem_responses

router = APIRouter(tags=["Health"])


class Health(BaseModel):
    status: str
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz() -> Health:
    """The process is up. Does not touch the database."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, summary="Readiness", responses=problem_responses(503))
async def readyz(request: Request) -> Health:
    """The database answers a query."""
    try:
        async with request.app.state.sessionmaker() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        raise DatabaseUnavailable("The database did not answer.") from exc
    return Health(status="ok")
