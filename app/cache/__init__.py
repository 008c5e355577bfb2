"""Conditional GET, surrogate keys and a response cache for public GETs.

`install_cache` puts `CacheMiddleware` innermost among the user middleware, so a cache hit
is answered before FastAPI routes the request, yet passes through every middleware added
after it (CORS here; logging or rate limits later).
"""

from fastapi import FastAPI

from app.cache.core import ResponseCache
from app.cache.middleware import CacheMiddleware
from app.config import Settings

__all__ = ["CacheMiddleware", "ResponseCache", "install_cache"]


def install_cache(app: FastAPI, settings: Settings) -> ResponseCache:
    """Attach the response cache to `app.state.cache` and its middleware to the app."""
    cache = ResponseCache(settings, state=app.state)
    app.state.cache = cache
    app.add_middleware(CacheMiddleware, cache=cache)
    return cache
