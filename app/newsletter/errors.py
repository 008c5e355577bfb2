from app.errors import AppError, Conflict, NotFound


class SubscriptionNotFound(NotFound):
    def __init__(self, subscription_id: int) -> None:
        super().__init__(f"No newsletter subscription with id {subscription_id}.")


class InvalidLink(AppError):
    """A token that is forged, expired, or for a subscription that is gone."""

    status_code = 400
    code = "invalid-newsletter-token"
    title = "Invalid or expired link"

    def __init__(self) -> None:
        super().__init__(
            "This link is invalid or has expired. Sign up again to get a new one.",
            errors=[{"field": "token", "in": "body", "message": "invalid or expired"}],
        )


class LinkAlreadyUsed(Conflict):
    code = "newsletter-token-used"
    title = "Link already used"

    def __init__(self) -> None:
        super().__init__("This confirmation link has already been used.")


class TooManySignups(AppError):
    status_code = 429
    code = "too-many-signups"
    title = "Too many signups"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many signups. Try again in {retry_after} seconds.")
        self.headers = {"Retry-After": str(retry_after)}
