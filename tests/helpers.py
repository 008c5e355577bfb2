"""Small assertions shared by the API tests."""

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
