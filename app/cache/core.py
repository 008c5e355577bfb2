"""The response cache an app serves from: a backend, the headers it sends, and the next
instant at which content changes by itself."""

import logging
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from app import clock
from app.cache.backends import NEVER, UNKNOWN, Backend, Entry, Lookup, MemoryBackend, RedisBackend
from app.cache.invalidation import PENDING, Touched, resolve, subscribe_to_flushes
from app.cache.schedule import next_change_statement
from app.config import Settings
from app.db import utcnow

log = logging.getLogger("app.cache")

RETRY_SECONDS = 1.0
FALLBACK_TTL = 5.0
"""Seconds an answer lives in the in-process stand-in while Redis is down. Other workers'
writes cannot purge it, so this bounds how stale it may be; this worker's own writes purge
it at once."""
FALLBACK_MAX_ENTRIES = 1000


class CacheUnavailable(Exception):
    """The backend did not answer, or owes a purge: answer without the cache for now."""


class _FallbackToken(tuple):
    """The token of a lookup answered by the in-process stand-in: its store goes there."""


def make_backend(settings: Settings) -> Backend:
    """Redis when REDIS_URL is set (workers share it), else an LRU in this process."""
    if settings.redis_url:
        return RedisBackend(
            settings.redis_url, prefix=settings.cache_prefix, max_bytes=settings.cache_max_bytes
        )
    return MemoryBackend(max_entries=settings.cache_max_entries, max_bytes=settings.cache_max_bytes)


class ResponseCache:
    """Shared answers to anonymous public GETs, purged by content writes."""

    def __init__(self, settings: Settings, *, state: Any, backend: Backend | None = None) -> None:
        self.settings = settings
        self.enabled = settings.cache_enabled
        self.backend = backend or make_backend(settings)
        self.ttl = settings.cache_ttl
        self.public_cache_control = (
            f"public, max-age={settings.cache_max_age}, "
            f"stale-while-revalidate={settings.cache_stale_while_revalidate}"
        ).encode()
        self._state = state  # app.state: the lifespan sets its sessionmaker after we exist
        # Purges that did not reach the backend: settled before the cache is used again.
        self._owed: set[str] = set()
        self._owed_next_change: Any = UNKNOWN
        self._down_until = 0.0
        # While a shared backend (Redis) is down, answers are kept a few seconds in this
        # process instead (see FALLBACK_TTL), so an outage does not send every read to the
        # database. An in-process backend needs no stand-in.
        self.fallback: MemoryBackend | None = None
        if not isinstance(self.backend, MemoryBackend):
            self.fallback = MemoryBackend(
                max_entries=min(settings.cache_max_entries, FALLBACK_MAX_ENTRIES),
                max_bytes=settings.cache_max_bytes,
            )
        subscribe_to_flushes(self)

    async def lookup(self, key: str) -> Lookup:
        """The cached answer. While the shared backend is down or owes a purge, the answer
        of the in-process stand-in (see `fallback`); CacheUnavailable when there is none
        (the request is then answered without the cache)."""
        if time.monotonic() < self._down_until:
            return await self._fallback_lookup(key, "backend down; retrying soon")
        try:
            if self._owed:
                await self._purge(set(), UNKNOWN)
            found = await self.backend.lookup(key)
        except Exception as exc:
            self._down_until = time.monotonic() + RETRY_SECONDS
            return await self._fallback_lookup(key, str(exc) or repr(exc))
        if self.fallback is not None and len(self.fallback):
            await self.fallback.clear()  # back: what was kept during the outage is dropped
        return found

    async def _fallback_lookup(self, key: str, reason: str) -> Lookup:
        if self.fallback is None:
            raise CacheUnavailable(reason)
        found = await self.fallback.lookup(key)
        return found._replace(token=_FallbackToken(("fallback", found.token)))

    async def store(self, key: str, entry: Entry, tags: list[str], seen: Lookup) -> bool:
        """Keep an answer until its TTL, the next scheduled change, or a purge."""
        now = clock.timestamp()
        next_change, fresh = seen.next_change, UNKNOWN
        if next_change is UNKNOWN or next_change <= now:
            next_change = fresh = await self.next_change()
        expires_at = min(now + self.ttl, next_change)
        if isinstance(seen.token, _FallbackToken):
            assert self.fallback is not None
            expires_at = min(expires_at, now + FALLBACK_TTL)
            if expires_at <= now:
                return False
            return await self.fallback.store(
                key, entry, tags, token=seen.token[1], expires_at=expires_at, next_change=fresh
            )
        if expires_at <= now:
            return False
        return await self.backend.store(
            key, entry, tags, token=seen.token, expires_at=expires_at, next_change=fresh
        )

    async def next_change(self) -> float:
        """The next scheduled change, read with a short session of its own."""
        async with self._state.sessionmaker() as session:
            moment = await session.scalar(next_change_statement(utcnow()))
        return moment.timestamp() if moment is not None else NEVER

    async def committed(self, session: AsyncSession) -> None:
        """After `session` committed: purge what it wrote and refresh the next change."""
        touched: Touched | None = session.info.pop(PENDING, None)
        if not touched or not self.enabled:
            return
        keys = await resolve(session, touched)
        moment = await session.scalar(next_change_statement(utcnow()))
        if self.fallback is not None:
            self.fallback.purge_now(keys)
        try:
            await self._purge(keys, moment.timestamp() if moment is not None else NEVER)
        except Exception:
            # The write is saved. This worker answers without the cache until the purge
            # goes through (see `lookup`); others may lag until then or their TTL.
            log.exception("cache purge failed for %s; retrying before the next lookup", keys)

    async def _purge(self, keys: set[str], next_change: Any) -> None:
        self._owed |= keys
        if next_change is not UNKNOWN:
            owed = self._owed_next_change
            self._owed_next_change = next_change if owed is UNKNOWN else min(owed, next_change)
        await self.backend.purge(set(self._owed), next_change=self._owed_next_change)
        self._owed, self._owed_next_change = set(), UNKNOWN

    def flushed(self, session: Session, touched: Touched) -> None:
        """Any flush in this process, on our database: drop what it touched right away and
        make sure nothing outlives an instant it wrote. (The in-process cache, or the
        stand-in for a shared one.)"""
        if isinstance(self.backend, MemoryBackend):
            backend = self.backend
        elif self.fallback is not None and len(self.fallback):
            backend = self.fallback  # the outage's stand-in, while it holds anything
        else:
            return
        if not self.enabled or not self._is_ours(session):
            return
        backend.purge_now(touched.keys)
        if backend.next_change is UNKNOWN:
            moment = session.connection().scalar(next_change_statement(utcnow()))
            backend.next_change = moment.timestamp() if moment is not None else NEVER
        now = clock.timestamp()
        for moment in touched.moments:
            if moment > now:
                backend.lower_next_change(moment)

    def _is_ours(self, session: Session) -> bool:
        """Whether `session` writes where our sessions read (the same engine or connection)."""
        sessionmaker = getattr(self._state, "sessionmaker", None)
        bind = getattr(sessionmaker, "kw", {}).get("bind")
        if isinstance(bind, AsyncConnection):
            return session.get_bind() is bind.sync_connection
        if isinstance(bind, AsyncEngine):
            return session.get_bind() is bind.sync_engine
        return False

    async def close(self) -> None:
        await self.backend.close()
