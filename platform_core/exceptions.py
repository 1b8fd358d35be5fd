"""The ApplicationError hierarchy: services raise these; one handler maps them to one JSON shape."""


class ApplicationError(Exception):
    code = "application_error"
    status_code = 400

    def __init__(self, message: str, *, details: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    status_code = 400


class NotFound(ApplicationError):
    """Also what a foreign tenant's object answers: exactly like a missing one."""

    code = "not_found"
    status_code = 404


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status_code = 403


class Conflict(ApplicationError):
    code = "conflict"
    status_code = 409


class RateLimited(ApplicationError):
    code = "rate_limited"
    status_code = 429
