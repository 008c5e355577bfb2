from typing import Annotated

from pydantic import ConfigDict, Field, field_validator

from app.editorial.schemas import LongText, Slug, Text, WriteModel
from app.refs import ASIA_PROGRAM, LYLE, ExpertRef, ProgramRef
from app.schemas import Timestamp, drop_hidden


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


_Name = Text(min_length=1, max_length=200)
_Position = Annotated[int, Field(ge=0, le=1_000_000, description="Lower comes first.")]


class _ProgramFields(WriteModel):
    description: LongText | None = None
    director: Slug | None = Field(default=None, description="The director's expert slug.")
    members: list[Slug] | None = Field(default=None, description="Member expert slugs.")


class ProgramCreate(_ProgramFields):
    """A new program. Experts are given by slug; the slug comes from the name if absent."""

    name: _Name
    slug: Slug | None = None
    position: _Position = 0
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Asia Program",
                    "director": "lyle-goldstein",
                    "members": ["lyle-goldstein"],
                }
            ]
        }
    )


class ProgramUpdate(_ProgramFields):
    """Changes to a program: only the fields sent are touched."""

    # Omit a field to leave it; `null` is refused where the column needs a value.
    name: _Name = Field(default=None)
    slug: Slug = Field(default=None, description="A new slug; the old one redirects.")
    position: _Position = Field(default=None)
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"members": ["lyle-goldstein", "daniel-depetris"]}]}
    )


_ADMIN_EXTRA = {
    "id": 1,
    "position": 0,
    "version": 2,
    "created_at": "2023-01-09T10:00:00+00:00",
    "updated_at": "2025-06-13T13:00:00+00:00",
}


class ProgramAdminSummary(ProgramRead):
    """A program as editors list it; its director shows whatever their status."""

    id: int
    director: ExpertRef | None = Field(default=None, description="The director, in any status.")
    position: int = Field(description="Lists show programs in this order.")
    version: int = Field(description="Bumped by every save; the ETag carries it.")
    created_at: Timestamp
    updated_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**ASIA_PROGRAM, "description": None, "director": LYLE, **_ADMIN_EXTRA}]
        }
    )


class ProgramAdminRead(ProgramAdminSummary):
    """A program with every member, in any status."""

    members: list[ExpertRef] = Field(description="Member experts, by family name.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **ASIA_PROGRAM,
                    "description": None,
                    "director": LYLE,
                    "members": [LYLE],
                    **_ADMIN_EXTRA,
                }
            ]
        }
    )
