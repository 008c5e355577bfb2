from typing import Annotated

from pydantic import ConfigDict, Field

from app.editorial.schemas import LongText, Slug, Text, WriteModel
from app.refs import ASIA, CHINA, TopicRef, TopicWithParent
from app.schemas import Timestamp


class TopicRead(TopicWithParent):
    """A topic."""

    description: str | None = Field(default=None, examples=["U.S. policy toward China."])
    featured: bool = Field(
        description="Listed among the navigation's featured policy topics.", examples=[True]
    )
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**CHINA, "parent": ASIA, "description": None, "featured": True}]
        }
    )


class TopicDetail(TopicRead):
    """A topic with its subtopics."""

    children: list[TopicRef] = Field(description="Narrower topics, by name.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **ASIA,
                    "parent": None,
                    "description": None,
                    "featured": False,
                    "children": [CHINA, {"slug": "north-korea", "name": "North Korea"}],
                }
            ]
        }
    )


_Name = Text(min_length=1, max_length=200)


_Position = Annotated[int, Field(ge=0, le=1_000_000, description="Lower comes first.")]
_FEATURED = "Listed among the navigation's featured policy topics."


class _TopicFields(WriteModel):
    description: LongText | None = None
    parent: Slug | None = Field(
        default=None, description="The broader topic's slug; `null` makes it top-level."
    )


class TopicCreate(_TopicFields):
    """A new topic. The slug comes from the name if absent."""

    name: _Name
    slug: Slug | None = None
    featured: bool = Field(default=False, description=_FEATURED)
    position: _Position = 0
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name": "China", "parent": "asia", "featured": True}]}
    )


class TopicUpdate(_TopicFields):
    """Changes to a topic: only the fields sent are touched."""

    # Omit a field to leave it; `null` is refused where the column needs a value.
    name: _Name = Field(default=None)
    slug: Slug = Field(default=None, description="A new slug; the old one redirects.")
    featured: bool = Field(default=None, description=_FEATURED)
    position: _Position = Field(default=None)
    model_config = ConfigDict(json_schema_extra={"examples": [{"description": "Beijing."}]})


_ADMIN_EXTRA = {
    "id": 3,
    "position": 0,
    "version": 2,
    "created_at": "2023-01-09T10:00:00+00:00",
    "updated_at": "2025-06-13T13:00:00+00:00",
}


class TopicAdminSummary(TopicRead):
    """A topic as editors list it."""

    id: int
    position: int = Field(description="Ordering hint for menus; lower first.")
    version: int = Field(description="Bumped by every save; the ETag carries it.")
    created_at: Timestamp
    updated_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {**CHINA, "parent": ASIA, "description": None, "featured": True, **_ADMIN_EXTRA}
            ]
        }
    )


class TopicAdminRead(TopicDetail, TopicAdminSummary):
    """A topic with its subtopics and everything editors can change."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **CHINA,
                    "parent": ASIA,
                    "description": None,
                    "featured": True,
                    "children": [{"slug": "taiwan-strait", "name": "Taiwan Strait"}],
                    **_ADMIN_EXTRA,
                }
            ]
        }
    )
