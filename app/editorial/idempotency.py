"""Idempotency-Key on creates (Stripe's pattern): a retry answers the first response.

A retry sent while the first request is still running waits for it to finish, then
answers its stored response (or, if the first failed and stored nothing, runs itself)."""

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from sqlalchemy import select

from app.auth.dependencies import CurrentUser
from app.auth.models import User
from app.db import SessionDep, hold_lock
from app.editorial.models import IdempotencyRecord
from app.errors import AppError

_REPLAYED_HEADERS = ("location", "etag", "content-type")


class IdempotencyKeyReused(AppError):
    status_code = 422
    code = "idempotency-key-reused"
    title = "Idempotency-Key reused with another request"


@dataclass(slots=True)
class Idempotency:
    """The key a create came with (if any) and how to replay or remember its answer."""

    request: Request
    session: SessionDep
    user: User
    key: str | None

    async def _fingerprint(self) -> str:
        raw = await self.request.body()
        try:
            canonical = json.dumps(json.loads(raw or b"null"), sort_keys=True)
        except ValueError:
            canonical = raw.decode(errors="replace")
        seed = f"{self.request.method} {self.request.url.path}\n{canonical}"
        # Keyed, because a body can hold a secret (a new user's password).
        secret = self.request.app.state.settings.secret_key.encode()
        return hmac.new(secret, seed.encode(), hashlib.sha256).hexdigest()

    async def replay(self) -> Response | None:
        """The stored answer to an earlier request with this key, if there was one."""
        if self.key is None:
            return None
        # Held until commit: a concurrent request with this key waits here for our answer.
        await hold_lock(self.session, f"idempotency {self.user.id} {self.key}")
        record = await self.session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == self.user.id, IdempotencyRecord.key == self.key
            )
        )
        if record is None:
            return None
        if record.fingerprint != await self._fingerprint():
            raise IdempotencyKeyReused(
                "This Idempotency-Key was used with a different request; use a new key.",
                errors=[{"field": "Idempotency-Key", "in": "header", "message": "already used"}],
            )
        headers = {**record.headers, "Idempotent-Replayed": "true"}
        return Response(record.body, status_code=record.status_code, headers=headers)

    async def remember(self, response: Response) -> None:
        """Store this answer for retries with the same key."""
        if self.key is None:
            return
        self.session.add(
            IdempotencyRecord(
                user_id=self.user.id,
                key=self.key,
                method=self.request.method,
                path=self.request.url.path,
                fingerprint=await self._fingerprint(),
                status_code=response.status_code,
                body=bytes(response.body).decode(),
                headers={k: v for k, v in response.headers.items() if k in _REPLAYED_HEADERS},
            )
        )
        await self.session.flush()


async def idempotency(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            description="Any unique string; a retry with the same key and body creates nothing "
            "new and answers the first response.",
        ),
    ] = None,
) -> Idempotency:
    return Idempotency(request=request, session=session, user=user, key=key)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
