"""Small assertions shared by the API tests."""

import re
from datetime import timedelta

from httpx import Response

# (status, published_at offset from now) pairs that must keep an item off every public path.
HIDDEN = [
    ("draft", None),
    ("scheduled", timedelta(hours=1)),
    ("published", timedelta(hours=1)),
    ("archived", -timedelta(days=1)),
]


def slugs(response: Response) -> list[str]:
    """The slugs of a list answer, in order; fails on anything but 200."""
    assert response.status_code == 200, response.text
    return [item["slug"] for item in response.json()["data"]]


# RFC 9110 `token`: what a header name may be made of.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Control characters a field value must not carry (tab is allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def assert_legal_headers(response: Response) -> None:
    """Every header name is a token and no value carries CR, LF, NUL or another control
    character: what a server may put on the wire."""
    for name, value in response.headers.raw:
        assert _TOKEN.fullmatch(name.decode("latin-1")), f"header name {name!r}"
        assert not _CONTROL.search(value.decode("latin-1")), f"{name.decode()}: {value!r}"
