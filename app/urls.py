"""Absolute URLs of this API: built on PUBLIC_API_URL, never on the request's `Host`.

A `Host` header is whatever the client sent, so a URL built from it (in a `Link`, a
`Location`, a preview link or a feed) points wherever the client likes, and a shared cache
would hand that URL to everyone. Paths and queries are percent-encoded here, so no request
byte reaches a header unescaped.
"""

from urllib.parse import quote

from fastapi import Request
from starlette.types import Scope

from app.config import Settings

# RFC 3986 sub-delims and the pchar extras: left as they are in a path or a query.
_PATH_SAFE = "/:@!$&'()*+,;="
_QUERY_SAFE = _PATH_SAFE + "?%"  # a query arrives still encoded: keep its escapes


def absolute(settings: Settings, path: str, query: str = "") -> str:
    """PUBLIC_API_URL + `path` (decoded, as routing sees it) + `?query` (as received)."""
    url = settings.api_url + quote(path, safe=_PATH_SAFE)
    return f"{url}?{quote(query, safe=_QUERY_SAFE)}" if query else url


def url_for(request: Request, name: str, /, **params: object) -> str:
    """The absolute URL of the route called `name`."""
    return absolute(request.app.state.settings, request.app.url_path_for(name, **params))


def this_url(scope: Scope, *, path: str | None = None) -> str:
    """The absolute URL of this request (its path replaced by `path` if given)."""
    query = scope.get("query_string", b"").decode("latin-1")
    return absolute(scope["app"].state.settings, path or scope["path"], query)
