"""Errors of the portal: an HTTP status, a stable code and one French message, served as JSON by the API."""
from __future__ import annotations


class PortalError(Exception):
    """A request the portal refuses; ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra

    def as_dict(self) -> dict:
        return {"error": self.code, "message": self.message, **self.extra}


class NotAuthenticated(PortalError):
    status = 401


class Forbidden(PortalError):
    status = 403


class NotFound(PortalError):
    status = 404


class Conflict(PortalError):
    status = 409


class Gone(PortalError):
    status = 410


class TooLarge(PortalError):
    status = 413


class Invalid(PortalError):
    status = 422


class Throttled(PortalError):
    status = 429
