from pydantic import ConfigDict, Field, field_validator

from app.refs import ASIA_PROGRAM, LYLE, ExpertRef, ProgramRef
from app.schemas import drop_hidden


class ProgramRead(ProgramRef):
    """A research program."""

    description: str | None = None
    director: ExpertRef | None = Field(
        default=None, description="The program's director, when public."
    )
    model_config = ConfigDict(
        json_schema_extra={"examples": [{**ASIA_PROGRAM, "description": None, "director": LYLE}]}
    )


class ProgramDetail(ProgramRead):
    """A program with its public member experts."""

    members: list[ExpertRef] = Field(description="Public experts of the program, by family name.")
    _drop = field_validator("members", mode="before")(drop_hidden)
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**ASIA_PROGRAM, "description": None, "director": LYLE, "members": [LYLE]}]
        }
    )
