from pydantic import ConfigDict, Field

from app.refs import ASIA, CHINA, TopicRef, TopicWithParent


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
