"""Body HTML is cleaned on the way in, against an allowlist (nh3, the Ammonia sanitizer)."""

import nh3

_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "blockquote": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def clean_html(html: str) -> str:
    """The HTML with scripts, event handlers, styles and unsafe URLs removed."""
    return nh3.clean(
        html,
        tags=set(nh3.ALLOWED_TAGS),
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
