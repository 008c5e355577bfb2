"""Rate limits per partner key and per anonymous client address, and per-key usage counts.

`install_rate_limit` must run after `install_cache`, so that this middleware wraps the
cache and a cache hit is limited and counted like any other answer.
"""

from fastapi import FastAPI

from app.config import Settings
from app.ratelimit.middleware import RateLimitMiddleware, RateLimits

__all__ = ["RATE_LIMIT_HEADERS", "RateLimitMiddleware", "RateLimits", "install_rate_limit"]

# What browsers may read of a cross-origin answer (CORS expose_headers).
RATE_LIMIT_HEADERS = [
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    "Retry-After",
]


def install_rate_limit(app: FastAPI, settings: Settings) -> RateLimits:
    """Attach the limits to `app.state.rate_limits` and their middleware to the app."""
    limits = RateLimits(settings, state=app.state)
    app.state.rate_limits = limits
    app.add_middleware(RateLimitMiddleware, limits=limits)
    return limits
