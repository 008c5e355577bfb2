from pydantic import ConfigDict, Field

from app.articles.models import KIND_LABELS
from app.events.models import FORMAT_LABELS
from app.schemas import ReadModel

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
