from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, field_validator

from app.articles.models import KIND_LABELS
from app.editorial.schemas import HttpUrlText, ShortText, Text, WriteModel, reject_null
from app.events.models import FORMAT_LABELS
from app.schemas import ReadModel, Timestamp

_MISSION = (
    "Our mission is to inform citizens, thought leaders, and policymakers of the importance "
    "of a strong, dynamic military—used more judiciously to protect America’s narrowly "
    "defined national interests—and promote a realistic grand strategy prioritizing "
    "restraint, diplomacy, and free trade to ensure U.S. security."
)
_NEWSLETTER_EXAMPLE = {
    "heading": "Receive expert foreign policy analysis",
    "subheading": "Join the hub of realism and restraint",
    "body": "Expert updates and analysis to enhance your understanding of vital U.S. "
    "national security issues",
    "button_label": "Subscribe",
}
_CHINA_ITEM = {"label": "China", "url": "/topics/china", "children": []}
_MENU_ITEM_EXAMPLE = {"label": "Policy Topics", "url": None, "children": [_CHINA_ITEM]}


class MenuItemRead(ReadModel):
    """A navigation entry; its children make its dropdown, in order."""

    label: str = Field(examples=["Policy Topics"])
    url: str | None = Field(default=None, description="Absent for a heading that only opens.")
    children: list["MenuItemRead"] = Field(default_factory=list)
    model_config = ConfigDict(json_schema_extra={"examples": [_MENU_ITEM_EXAMPLE]})


class NewsletterCta(ReadModel):
    """The newsletter sign-up box."""

    heading: str | None = None
    subheading: str | None = None
    body: str | None = None
    button_label: str | None = None
    model_config = ConfigDict(json_schema_extra={"examples": [_NEWSLETTER_EXAMPLE]})


class DisplayLabel(ReadModel):
    """A value the API sends and the words to show for it."""

    value: str = Field(examples=["in-the-media"])
    label: str = Field(examples=["In the media"])
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"value": "in-the-media", "label": "In the media"}]}
    )


class SiteRead(ReadModel):
    """What every page of the site draws on: name, menus, footer, newsletter box, labels."""

    name: str = Field(examples=["Defense Priorities"])
    tagline: str | None = None
    mission: str | None = Field(default=None, description="The footer's mission text.")
    logo_url: str | None = None
    copyright: str | None = None
    url: str = Field(description="The public website, for canonical links.")
    timezone: str = Field(
        description="IANA time zone the site shows dates in.", examples=["America/New_York"]
    )
    newsletter: NewsletterCta | None = Field(default=None, description="The sign-up box.")
    menus: dict[str, list[MenuItemRead]] = Field(
        description='Navigation menus by slug ("main", "footer"), each an ordered tree.'
    )
    article_kinds: list[DisplayLabel] = Field(description="Display labels of every article `kind`.")
    event_formats: list[DisplayLabel] = Field(description="Display labels of every event `format`.")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Defense Priorities",
                    "tagline": None,
                    "mission": _MISSION,
                    "logo_url": "https://cdn.example.org/site/logo.svg",
                    "copyright": "© 2025 Defense Priorities All Right Reserved",
                    "url": "https://www.defensepriorities.org/",
                    "timezone": "America/New_York",
                    "newsletter": _NEWSLETTER_EXAMPLE,
                    "menus": {
                        "main": [
                            _MENU_ITEM_EXAMPLE,
                            {"label": "Experts", "url": "/experts", "children": []},
                        ],
                        "footer": [{"label": "About", "url": "/about", "children": []}],
                    },
                    "article_kinds": [{"value": k, "label": v} for k, v in KIND_LABELS.items()],
                    "event_formats": [{"value": f, "label": v} for f, v in FORMAT_LABELS.items()],
                }
            ]
        }
    )


SiteName = Text(min_length=1, max_length=200)
MenuLabel = Text(min_length=1, max_length=200)
MENU_DEPTH = 3
_MENU_URL_SCHEMES = ("http://", "https://", "mailto:", "tel:")


def _check_menu_url(value: str) -> str:
    if value.startswith(("/", "#")) and not value.startswith("//"):
        return value
    if value.lower().startswith(_MENU_URL_SCHEMES) and not any(c.isspace() for c in value):
        return value
    raise ValueError("must be a path like /topics/china or an http(s), mailto: or tel: URL")


MenuUrl = Annotated[Text(max_length=2000), AfterValidator(_check_menu_url)]


class NewsletterCtaWrite(WriteModel):
    """The newsletter sign-up box; the fields left out are empty."""

    heading: ShortText | None = None
    subheading: ShortText | None = None
    body: Text(max_length=2000, lines=True, strip=True) | None = None
    button_label: ShortText | None = None
    model_config = ConfigDict(json_schema_extra={"examples": [_NEWSLETTER_EXAMPLE]})


_SITE_WRITE_EXAMPLE = {
    "name": "Defense Priorities",
    "tagline": "Realism and restraint",
    "mission": _MISSION,
    "logo_url": "https://cdn.example.org/site/logo.svg",
    "copyright": "© 2025 Defense Priorities All Right Reserved",
    "newsletter": _NEWSLETTER_EXAMPLE,
}


class SiteWrite(WriteModel):
    """The whole site row: fields left out become empty."""

    name: SiteName
    tagline: ShortText | None = None
    mission: Text(max_length=5000, lines=True, strip=True) | None = None
    logo_url: HttpUrlText | None = None
    copyright: ShortText | None = None
    newsletter: NewsletterCtaWrite | None = None
    model_config = ConfigDict(json_schema_extra={"examples": [_SITE_WRITE_EXAMPLE]})


class SiteUpdate(WriteModel):
    """Changes to the site row: only the fields sent are touched (`newsletter` as a whole)."""

    name: SiteName | None = Field(default=None, description="Required to create the site.")
    tagline: ShortText | None = None
    mission: Text(max_length=5000, lines=True, strip=True) | None = None
    logo_url: HttpUrlText | None = None
    copyright: ShortText | None = None
    newsletter: NewsletterCtaWrite | None = None

    _name_not_null = field_validator("name")(reject_null)

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"tagline": "Realism and restraint"}]}
    )


class SiteAdminRead(ReadModel):
    """The site row as editors change it, with the version its `ETag` carries."""

    id: int
    name: str
    tagline: str | None = None
    mission: str | None = None
    logo_url: str | None = None
    copyright: str | None = None
    newsletter: NewsletterCta | None = Field(default=None, validation_alias="newsletter_cta")
    version: int = Field(description="Bumped by every save; the ETag carries it.")
    updated_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    **_SITE_WRITE_EXAMPLE,
                    "version": 4,
                    "updated_at": "2026-11-28T14:05:00+00:00",
                }
            ]
        }
    )


class MenuItemWrite(WriteModel):
    """A navigation entry and its dropdown, in order."""

    label: MenuLabel
    url: MenuUrl | None = Field(default=None, description="Leave out for a heading that opens.")
    children: list["MenuItemWrite"] = Field(default_factory=list, max_length=100)
    model_config = ConfigDict(json_schema_extra={"examples": [_MENU_ITEM_EXAMPLE]})


class MenuWrite(WriteModel):
    """A whole menu: it replaces every item the menu had. Items nest at most 3 levels."""

    name: SiteName
    position: int | None = Field(
        default=None, ge=0, le=1000, description="Order among menus; a new menu goes last."
    )
    items: list[MenuItemWrite] = Field(max_length=100)
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Main",
                    "items": [
                        _MENU_ITEM_EXAMPLE,
                        {"label": "Experts", "url": "/experts", "children": []},
                    ],
                }
            ]
        }
    )


class MenuAdminRead(ReadModel):
    """A menu as editors change it: its items as an ordered tree, and its version."""

    id: int
    slug: str = Field(examples=["main"])
    name: str = Field(examples=["Main"])
    position: int
    items: list[MenuItemRead]
    version: int = Field(description="Bumped by every save; the ETag carries it.")
    updated_at: Timestamp
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "slug": "main",
                    "name": "Main",
                    "position": 0,
                    "items": [_MENU_ITEM_EXAMPLE],
                    "version": 2,
                    "updated_at": "2026-11-28T14:05:00+00:00",
                }
            ]
        }
    )
