"""The small shapes one resource takes inside another (a topic in an article, an author).

They live together because every domain embeds the others; keeping them here avoids
import cycles between the domain packages.
"""

from pydantic import ConfigDict, Field

from app.schemas import ReadModel

CHINA = {"slug": "china", "name": "China"}
ASIA = {"slug": "asia", "name": "Asia"}
ASIA_PROGRAM = {"slug": "asia-program", "name": "Asia Program"}
LYLE = {
    "slug": "lyle-goldstein",
    "name": "Lyle Goldstein",
    "title": "Director, Asia Program",
    "photo_url": "https://cdn.example.org/experts/lyle-goldstein.jpg",
}


class TopicRef(ReadModel):
    """A topic as it appears inside other objects."""

    slug: str = Field(examples=["china"])
    name: str = Field(examples=["China"])
    model_config = ConfigDict(json_schema_extra={"examples": [CHINA]})


class TopicWithParent(TopicRef):
    """A topic with its parent: the breadcrumb and the "More on Asia" rail."""

    parent: TopicRef | None = Field(
        default=None, description="The broader topic, if any (Asia for China)."
    )
    model_config = ConfigDict(json_schema_extra={"examples": [{**CHINA, "parent": ASIA}]})


class ProgramRef(ReadModel):
    """A program as it appears inside other objects."""

    slug: str = Field(examples=["asia-program"])
    name: str = Field(examples=["Asia Program"])
    model_config = ConfigDict(json_schema_extra={"examples": [ASIA_PROGRAM]})


class ExpertRef(ReadModel):
    """An expert as shown in a by-line or a "Featuring" box."""

    slug: str = Field(examples=["lyle-goldstein"])
    name: str = Field(examples=["Lyle Goldstein"])
    title: str | None = Field(default=None, examples=["Director, Asia Program"])
    photo_url: str | None = Field(default=None)
    model_config = ConfigDict(json_schema_extra={"examples": [LYLE]})
