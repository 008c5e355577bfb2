from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.config import SettingsDep
from app.db import SessionDep
from app.newsletter import service, tokens
from app.newsletter.schemas import (
    ACCEPTED_DETAIL,
    PreferencesUpdate,
    SignupAccepted,
    SubscriptionRequest,
    SubscriptionStatus,
    TokenRequest,
)
from app.openapi import problem_responses

router = APIRouter(prefix="/newsletter", tags=["Newsletter"])

LINK_ERRORS = problem_responses(400, 422)


def _client(request: Request) -> service.Client:
    address = request.client.host if request.client else "unknown"
    return service.Client(address=address, user_agent=request.headers.get("user-agent"))


def _status(row, preferences_token: str | None = None) -> SubscriptionStatus:
    return SubscriptionStatus(
        email=row.email,
        state=row.state,
        interests=row.interests,
        preferences_token=preferences_token,
    )


@router.post(
    "/subscriptions",
    status_code=202,
    response_model=SignupAccepted,
    summary="Sign up for the newsletter",
    responses=problem_responses(422, 429),
)
async def subscribe(
    body: SubscriptionRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> SignupAccepted:
    """Ask for the newsletter. A confirmation email goes out (double opt-in); the answer is
    the same whether the address is new, pending, confirmed or unsubscribed. A pending
    address gets at most one email per `NEWSLETTER_RESEND_MINUTES`. Signups are limited
    per client address and per email address (429 with `Retry-After`). `website` is a
    honeypot: leave it empty (a filled-in one is answered 202, and nothing happens)."""
    await service.signup(session, settings, data=body, client=_client(request))
    return SignupAccepted(detail=ACCEPTED_DETAIL)


@router.post(
    "/confirm",
    response_model=SubscriptionStatus,
    summary="Confirm a signup",
    responses=problem_responses(400, 409, 422),
)
async def confirm(
    body: TokenRequest, session: SessionDep, settings: SettingsDep
) -> SubscriptionStatus:
    """Confirm with the token from the confirmation email's link. Each link works once
    (409 after that) and expires (400). The answer carries a token for the preferences
    page."""
    row = await service.confirm(session, settings, token=body.token)
    return _status(row, tokens.issue(settings, row, purpose=tokens.PREFERENCES))


@router.post(
    "/unsubscribe",
    response_model=SubscriptionStatus,
    summary="Unsubscribe",
    responses=LINK_ERRORS,
)
async def unsubscribe(
    body: TokenRequest, session: SessionDep, settings: SettingsDep
) -> SubscriptionStatus:
    """Unsubscribe at once with the token of an unsubscribe link. Doing it twice is fine."""
    return _status(await service.unsubscribe(session, settings, token=body.token))


@router.post(
    "/unsubscribe/one-click",
    response_model=SubscriptionStatus,
    summary="One-click unsubscribe (RFC 8058)",
    responses=LINK_ERRORS,
)
async def one_click_unsubscribe(
    token: Annotated[str, Query(max_length=2000, description="From `List-Unsubscribe`.")],
    session: SessionDep,
    settings: SettingsDep,
) -> SubscriptionStatus:
    """The `List-Unsubscribe` URL of every email: mail clients POST
    `List-Unsubscribe=One-Click` to it, and the address is unsubscribed at once. A GET
    changes nothing."""
    return _status(await service.unsubscribe(session, settings, token=token))


@router.get(
    "/preferences",
    response_model=SubscriptionStatus,
    summary="Read interests with a preferences link",
    responses=LINK_ERRORS,
)
async def read_preferences(
    token: Annotated[str, Query(max_length=2000, description="From the preferences link.")],
    session: SessionDep,
    settings: SettingsDep,
) -> SubscriptionStatus:
    """The subscription a preferences link is for: its state and interests."""
    return _status(await service.preferences(session, settings, token=token))


@router.put(
    "/preferences",
    response_model=SubscriptionStatus,
    summary="Change interests with a preferences link",
    responses=LINK_ERRORS,
)
async def update_preferences(
    body: PreferencesUpdate, session: SessionDep, settings: SettingsDep
) -> SubscriptionStatus:
    """Replace the interests (topic and program slugs) of the subscription a preferences
    link is for."""
    row = await service.update_preferences(
        session, settings, token=body.token, interests=body.interests
    )
    return _status(row)
