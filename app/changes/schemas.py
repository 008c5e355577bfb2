from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_ARTICLE = {"id": 42, "slug": "china-and-the-gulf", "title": "China and the Gulf"}


class ChangeEntry(BaseModel):
    """One resource that changed: its state now, as the reader may see it."""

    seq: int = Field(description="Position in the feed; entries are in increasing `seq`.")
    resource: Literal["article", "expert", "event", "page", "topic", "program"]
    id: int = Field(description="The resource's id (stable across slug changes).")
    action: Literal["upsert", "delete"] = Field(
        description="`upsert`: store `object`; `delete`: drop the resource if you hold it."
    )
    object: dict[str, Any] | None = Field(
        description="The object exactly as the public detail endpoint shows it to this key; "
        "null for a delete."
    )
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "seq": 118,
                    "resource": "article",
                    "id": 42,
                    "action": "upsert",
                    "object": _ARTICLE,
                },
                {"seq": 119, "resource": "event", "id": 7, "action": "delete", "object": None},
            ]
        }
    )


class ChangeMeta(BaseModel):
    next_cursor: str = Field(
        description="Pass as `since` to read on. Opaque (today a decimal number); never "
        "smaller than the `since` you sent."
    )
    has_more: bool = Field(description="More changes follow: read again at once.")
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"next_cursor": "118", "has_more": False}]}
    )


class ChangePage(BaseModel):
    """A page of the change feed."""

    data: list[ChangeEntry]
    meta: ChangeMeta
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "data": [
                        {
                            "seq": 118,
                            "resource": "article",
                            "id": 42,
                            "action": "upsert",
                            "object": _ARTICLE,
                        }
                    ],
                    "meta": {"next_cursor": "118", "has_more": False},
                }
            ]
        }
    )
