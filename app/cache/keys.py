"""What is cached under which name: the public-path rule, request keys, entity tags and the
surrogate keys that name what a response contains.

Surrogate keys are derived from the response JSON, so no router has to declare them:
`list-{type}` for a list (`list-articles`), `{type}-{id}` (or `{type}-{slug}` where the
JSON carries no id) for the detail and for each list item, and `{type}-{slug}` for every
topic, expert and program nested under the field names in `NESTED`. The invalidation side
(`app.cache.invalidation`) names touched rows the same way. A key is made only of an id or
of a value that has the shape of a slug: nothing a client sends reaches the header as sent.
"""

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import unquote_plus

# First match wins. True: a public GET, conditional and shared; False: left alone.
PATH_RULES: tuple[tuple[str, bool], ...] = (
    ("/api/v1/admin", False),  # who asks decides what they see
    ("/api/v1/preview", False),  # preview links carry their own no-store
    ("/api/v1/newsletter", False),  # confirm and unsubscribe links write
    ("/api/v1", True),
    ("/feeds", True),
    ("/sitemap.xml", True),
    ("/sitemap-", True),  # the child sitemaps of the index: /sitemap-1.xml ...
)

# Field names under which other resources are embedded, and the type they embed.
NESTED: dict[str, str] = {
    "primary_topic": "topic",
    "topic": "topic",
    "topics": "topic",
    "parent": "topic",
    "children": "topic",
    "authors": "expert",
    "featured_experts": "expert",
    "speakers": "expert",
    "members": "expert",
    "director": "expert",
    "expert": "expert",
    "experts": "expert",
    "program": "program",
    "programs": "program",
}

# Types whose rows can be hidden (a draft expert is left out of an article's authors), so
# a response embedding them changes when one turns public: it carries `refs-{type}`.
_NESTED_FIELDS = frozenset(NESTED)
HIDEABLE = frozenset({"article", "event", "page", "expert"})

# Query parameters that name a resource by slug (`?topic=china`): an empty answer today
# still depends on that topic.
QUERY_REFS: dict[str, str] = {
    "topic": "topic",
    "exclude_topic": "topic",
    "expert": "expert",
    "program": "program",
}

# Documents that are not JSON (feeds, sitemap) cannot be read for keys: any content write
# purges them.
ANY_CONTENT = "any-content"
EVERYTHING = "*"

# The shape of a slug (`app.editorial.schemas.SLUG_PATTERN`) and of a type name: anything
# else (a space, a control character, `%0D`) names no resource and makes no key.
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# What a key may hold in the header: visible ASCII, no space (the separator).
_KEY = re.compile(r"[\x21-\x7e]+")


def is_public_path(path: str) -> bool:
    """Whether GETs of this path get conditional GET and may be shared."""
    for prefix, public in PATH_RULES:
        if path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "?"):
            return public
        if prefix.endswith("-") and path.startswith(prefix):
            return public
    return False


def resource_type(path: str) -> tuple[str, str] | None:
    """(`articles`, `article`) for /api/v1/articles/...; None off the JSON API."""
    parts = path.split("/", 4)
    if len(parts) < 4 or parts[1:3] != ["api", "v1"] or not parts[3]:
        return None
    plural = parts[3]
    return plural, plural.removesuffix("s")


def canonical_query(query_string: bytes) -> bytes:
    """The query string with its parameters ordered by name; values of one name keep their
    order, since that order can matter."""
    if b"&" not in query_string:
        return query_string
    pairs = [p for p in query_string.split(b"&") if p]
    return b"&".join(sorted(pairs, key=_param_name))


def _param_name(pair: bytes) -> str:
    name = pair.split(b"=", 1)[0].decode("latin-1")
    return unquote_plus(name) if "%" in name or "+" in name else name


def request_key(path: str, query_string: bytes) -> str:
    """The cache key of a GET. No host: every URL in an answer is on PUBLIC_API_URL, so
    a client choosing its `Host` gets the same answer and cannot add entries."""
    key = f"GET {path}"
    return f"{key}?{canonical_query(query_string).decode('latin-1')}" if query_string else key


def entity_tag(body: bytes) -> bytes:
    """A strong ETag: a hash of the exact body bytes."""
    return b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'


def none_match(header: bytes, etag: bytes) -> bool:
    """Whether an If-None-Match header matches (`*`, one tag or a list; weak comparison)."""
    for candidate in header.split(b","):
        candidate = candidate.strip()
        if candidate == b"*" or candidate.removeprefix(b"W/") == etag:
            return True
    return False


def http_date(moment: datetime) -> str:
    """An IMF-fixdate for Last-Modified."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def last_modified(document: Any, *, default: datetime) -> datetime:
    """The newest `updated_at` (or `published_at`) of the detail or of the list items."""
    items = document.get("data") if isinstance(document, dict) else None
    candidates = items if isinstance(items, list) else [document]
    newest: datetime | None = None
    for item in candidates:
        if not isinstance(item, dict):
            continue
        for field in ("updated_at", "published_at"):
            value = item.get(field)
            if isinstance(value, str):
                try:
                    moment = datetime.fromisoformat(value)
                except ValueError:
                    continue
                if moment.tzinfo is not None and (newest is None or moment > newest):
                    newest = moment
    return newest or default


def surrogate_keys(path: str, query_string: bytes, document: Any) -> list[str]:
    """What a JSON response contains, as surrogate keys, in a stable order."""
    resource = resource_type(path)
    if resource is None:
        return [ANY_CONTENT]
    plural, kind = resource
    keys: dict[str, None] = {}
    items = document.get("data") if isinstance(document, dict) else None
    if isinstance(items, list):
        keys[f"list-{plural}"] = None
        for item in items:
            if isinstance(item, dict):
                _add(keys, _own_key(_item_type(kind, item), item))
                _walk(keys, item)
        _facets(keys, document.get("meta"))
    elif isinstance(document, dict):
        _add(keys, _own_key(kind, document) or kind)
        _walk(keys, document)
    _query_refs(keys, query_string)
    return list(keys)


def _item_type(kind: str, item: dict[str, Any]) -> str:
    # Search answers mix types; each result says which.
    if kind == "search" and isinstance(item.get("type"), str):
        return item["type"]
    return kind


def _own_key(kind: str, item: dict[str, Any]) -> str | None:
    for field in ("id", "slug"):
        value = item.get(field)
        if isinstance(value, int | str) and not isinstance(value, bool):
            return named(kind, value)
    return None


def named(kind: str, value: int | str) -> str | None:
    """`{kind}-{value}`, or None when either is not an id or slug-shaped name."""
    if not _NAME.fullmatch(kind):
        return None
    if isinstance(value, int) or _NAME.fullmatch(value):
        return f"{kind}-{value}"
    return None


def _add(keys: dict[str, None], key: str | None) -> None:
    if key is not None:
        keys[key] = None


def _walk(keys: dict[str, None], node: dict[str, Any]) -> None:
    for field, value in node.items():
        kind = NESTED.get(field)
        if kind is None:
            continue
        if kind in HIDEABLE and isinstance(value, dict | list | type(None)):
            keys[f"refs-{kind}"] = None
        for child in _children(value):
            slug = child.get("slug")
            if isinstance(slug, str):
                _add(keys, named(kind, slug))
            if not _NESTED_FIELDS.isdisjoint(child):  # most refs are leaves: skip the walk
                _walk(keys, child)


def _children(value: Any) -> Iterable[dict[str, Any]]:
    if isinstance(value, dict):
        return (value,)
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return ()


def _facets(keys: dict[str, None], meta: Any) -> None:
    facets = meta.get("facets") if isinstance(meta, dict) else None
    if isinstance(facets, dict):
        for name in facets:
            if kind := QUERY_REFS.get(name):
                keys[f"list-{kind}s"] = None


def _query_refs(keys: dict[str, None], query_string: bytes) -> None:
    if not query_string:
        return
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        kind = QUERY_REFS.get(_param_name(name))
        if kind and value:
            for slug in unquote_plus(value.decode("latin-1")).split(","):
                _add(keys, named(kind, slug.strip()))


def header_value(keys: Iterable[str]) -> bytes:
    """The Surrogate-Key header: space-separated keys (any other key is left out)."""
    return " ".join(key for key in keys if _KEY.fullmatch(key)).encode("ascii")
