from app.errors import AppError, Forbidden, Unauthorized


class InvalidCredentials(Unauthorized):
    code = "invalid-credentials"
    title = "Invalid credentials"
    commit_session = True  # the failure must be counted even though the request fails

    def __init__(self) -> None:
        super().__init__("The email or password is wrong, or the account is disabled.")


class TooManyAttempts(AppError):
    status_code = 429
    code = "too-many-attempts"
    title = "Too many failed sign-ins"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed sign-ins. Try again in {retry_after} seconds.")
        self.headers = {"Retry-After": str(retry_after)}


class InvalidToken(Unauthorized):
    code = "invalid-token"
    title = "Invalid or expired token"
    commit_session = True  # a reused refresh token revokes its family, and that must stick

    def __init__(self, detail: str = "The token is invalid, expired or revoked.") -> None:
        super().__init__(detail)


class RoleRequired(Forbidden):
    def __init__(self, *roles: str) -> None:
        super().__init__(f"This needs the role {' or '.join(roles)}.")


class InvalidApiKey(Unauthorized):
    code = "invalid-api-key"
    title = "Invalid API key"
    headers = {"WWW-Authenticate": "ApiKey"}

    def __init__(self) -> None:
        super().__init__("The X-API-Key is unknown, revoked or expired.")


class ScopeRequired(Forbidden):
    code = "scope-required"
    title = "Scope required"

    def __init__(self, scope: str) -> None:
        super().__init__(f"This needs an API key with the scope {scope}.")
