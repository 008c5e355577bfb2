"""Where cached responses live: in this process (bounded LRU) or in Redis (shared).

Both keep the same three things: entries tagged with surrogate keys, a purge sequence
number, and the next instant content changes by itself (a scheduled `published_at`).

The sequence number closes the race between a miss and a write: a miss remembers the
number it saw at lookup and its entry is stored only if no purge happened since, so an
answer read from the database before a commit is never stored after that commit's purge.
"""

import math
import struct
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import orjson

from app.clock import timestamp

Headers = list[tuple[bytes, bytes]]

NOT_MODIFIED_HEADERS = frozenset(
    {b"etag", b"cache-control", b"last-modified", b"vary", b"surrogate-key", b"link"}
)


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
"""The next change instant has not been computed (or must be recomputed)."""

NEVER = math.inf
"""No scheduled change at all."""


@dataclass(slots=True)
class Entry:
    """A cached 200 answer, with the header lists a hit sends ready-made."""

    etag: bytes
    headers: Headers
    body: bytes
    hit_headers: Headers = field(init=False)
    not_modified_headers: Headers = field(init=False)

    def __post_init__(self) -> None:
        self.hit_headers = [*self.headers, (b"x-cache", b"HIT")]
        self.not_modified_headers = [
            *(h for h in self.headers if h[0] in NOT_MODIFIED_HEADERS),
            (b"x-cache", b"HIT"),
        ]

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)

    def encode(self) -> bytes:
        meta = orjson.dumps(
            [
                self.etag.decode("latin-1"),
                [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers],
            ]
        )
        return struct.pack(">I", len(meta)) + meta + self.body

    @classmethod
    def decode(cls, blob: bytes) -> "Entry":
        (length,) = struct.unpack_from(">I", blob)
        etag, headers = orjson.loads(blob[4 : 4 + length])
        return cls(
            etag=etag.encode("latin-1"),
            headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
            body=blob[4 + length :],
        )


class Lookup(NamedTuple):
    entry: Entry | None
    token: Any
    """The purge sequence seen; hand it back to `store`."""
    next_change: Any
    """Epoch seconds of the next scheduled change, NEVER, or UNKNOWN."""


class Backend(Protocol):
    async def lookup(self, key: str) -> Lookup: ...

    async def store(
        self,
        key: str,
        entry: Entry,
        tags: list[str],
        *,
        token: Any,
        expires_at: float,
        next_change: Any = UNKNOWN,
    ) -> bool: ...

    async def purge(self, tags: set[str], *, next_change: Any = UNKNOWN) -> None: ...

    async def clear(self) -> None: ...

    async def close(self) -> None: ...


def merge_next_change(current: Any, computed: Any, *, now: float) -> Any:
    """What a writer leaves as the next change: its own result, unless a known, still future
    instant is earlier (a concurrent writer may have seen a row this one did not)."""
    if computed is UNKNOWN:
        return current
    if current is UNKNOWN or current <= now:
        return computed
    return min(current, computed)


@dataclass(slots=True)
class _Stored:
    entry: Entry
    expires_at: float
    tags: list[str]
    size: int


class MemoryBackend:
    """An LRU in this process, bounded by entry count and by bytes."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, _Stored] = OrderedDict()
        self._tags: dict[str, set[str]] = {}
        self._bytes = 0
        self._seq = 0
        self.next_change: Any = UNKNOWN

    def __len__(self) -> int:
        return len(self._entries)

    async def lookup(self, key: str) -> Lookup:
        stored = self._entries.get(key)
        if stored is not None:
            if stored.expires_at > timestamp():
                self._entries.move_to_end(key)
                return Lookup(stored.entry, self._seq, self.next_change)
            self._drop(key)
        return Lookup(None, self._seq, self.next_change)

    async def store(
        self,
        key: str,
        entry: Entry,
        tags: list[str],
        *,
        token: Any,
        expires_at: float,
        next_change: Any = UNKNOWN,
    ) -> bool:
        if token != self._seq:
            return False
        if next_change is not UNKNOWN:
            self.next_change = next_change
        size = entry.size
        if size > self.max_bytes:
            return False
        self._drop(key)
        self._entries[key] = _Stored(entry, expires_at, tags, size)
        self._bytes += size
        for tag in tags:
            self._tags.setdefault(tag, set()).add(key)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            self._drop(next(iter(self._entries)))
        return True

    async def purge(self, tags: set[str], *, next_change: Any = UNKNOWN) -> None:
        self.purge_now(tags)
        self.next_change = merge_next_change(self.next_change, next_change, now=timestamp())

    def purge_now(self, tags: set[str]) -> None:
        """Drop every entry carrying one of `tags` (`*`: all of them)."""
        self._seq += 1
        if "*" in tags:
            self._entries.clear()
            self._tags.clear()
            self._bytes = 0
            return
        for tag in tags:
            for key in self._tags.pop(tag, ()):
                self._drop(key)

    def lower_next_change(self, moment: float) -> None:
        """A row just written will change content at `moment`: expire no later than that."""
        if self.next_change is not UNKNOWN and moment < self.next_change:
            self.next_change = moment

    async def clear(self) -> None:
        self.purge_now({"*"})
        self.next_change = UNKNOWN

    async def close(self) -> None:
        return None

    def _drop(self, key: str) -> None:
        stored = self._entries.pop(key, None)
        if stored is None:
            return
        self._bytes -= stored.size
        for tag in stored.tags:
            keys = self._tags.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tags[tag]


# Lua keeps each step atomic on the server: a store checks the purge sequence it saw, a
# purge deletes every tagged entry, bumps the sequence and sets the next change instant.
_STORE = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4]) end
redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
local ttl = tonumber(ARGV[3])
for i = 4, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[3])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1
"""

_PURGE = """
for i = 3, #KEYS do
  local members = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #members, 1000 do
    redis.call('DEL', unpack(members, j, math.min(j + 999, #members)))
  end
  redis.call('DEL', KEYS[i])
end
redis.call('INCR', KEYS[1])
if ARGV[1] ~= '' then
  local computed = tonumber(ARGV[1])
  local current = tonumber(redis.call('GET', KEYS[2]) or '')
  local now = tonumber(ARGV[2])
  if current == nil or current <= now or computed < current then
    redis.call('SET', KEYS[2], ARGV[1])
  end
end
return 1
"""

# A stored entry starts with its own expiry (epoch seconds), checked on every read.
_EXPIRES = struct.Struct(">d")

# Epoch milliseconds stand for "no scheduled change" (9999-12-31).
_NEVER_MS = 253402300799000


def _to_ms(moment: Any) -> str:
    if moment is UNKNOWN:
        return ""
    return str(_NEVER_MS if moment == NEVER else math.floor(moment * 1000))


def _from_ms(raw: bytes | None) -> Any:
    if raw is None:
        return UNKNOWN
    value = int(raw)
    return NEVER if value >= _NEVER_MS else value / 1000


class RedisBackend:
    """Entries, tag sets, the purge sequence and the next change instant in Redis, under one
    key prefix, so that every worker pointed at the same Redis agrees."""

    def __init__(self, url: str, *, prefix: str, max_bytes: int, client: Any = None) -> None:
        from redis.asyncio import Redis

        self.prefix = prefix
        self.max_bytes = max_bytes
        # Short timeouts: a Redis that does not answer costs the cache, not the request.
        self.redis = client or Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self._seq_key = f"{prefix}seq"
        self._next_key = f"{prefix}next-change"
        self._store = self.redis.register_script(_STORE)
        self._purge = self.redis.register_script(_PURGE)

    def _entry_key(self, key: str) -> str:
        # "e2": entries carry their expiry; ones in the older layout are never read.
        return f"{self.prefix}e2:{key}"

    def _tag_key(self, tag: str) -> str:
        return f"{self.prefix}t:{tag}"

    async def lookup(self, key: str) -> Lookup:
        blob, seq, next_change = await self.redis.mget(
            self._entry_key(key), self._seq_key, self._next_key
        )
        entry = None
        # Redis expires the key in real time; the app's clock (which tests move) decides.
        if blob is not None and _EXPIRES.unpack_from(blob)[0] > timestamp():
            entry = Entry.decode(blob[_EXPIRES.size :])
        return Lookup(entry, (seq or b"0").decode(), _from_ms(next_change))

    async def store(
        self,
        key: str,
        entry: Entry,
        tags: list[str],
        *,
        token: Any,
        expires_at: float,
        next_change: Any = UNKNOWN,
    ) -> bool:
        ttl_ms = math.floor((expires_at - timestamp()) * 1000)
        if ttl_ms <= 0 or entry.size > self.max_bytes:
            return False
        keys = [self._seq_key, self._next_key, self._entry_key(key)]
        keys += [self._tag_key(tag) for tag in [*tags, "*"]]
        blob = _EXPIRES.pack(expires_at) + entry.encode()
        args = [token, blob, ttl_ms, _to_ms(next_change)]
        return bool(await self._store(keys=keys, args=args))

    async def purge(self, tags: set[str], *, next_change: Any = UNKNOWN) -> None:
        keys = [self._seq_key, self._next_key, *(self._tag_key(t) for t in sorted(tags))]
        now_ms = math.floor(timestamp() * 1000)
        await self._purge(keys=keys, args=[_to_ms(next_change), now_ms])

    async def clear(self) -> None:
        """Delete every key under this prefix (tests; never in the request path)."""
        async for name in self.redis.scan_iter(match=f"{self.prefix}*", count=1000):
            await self.redis.delete(name)

    async def close(self) -> None:
        await self.redis.aclose()
