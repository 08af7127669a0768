"""Why a limit service refused; the doors map each to its HTTP status (docs/limits.md)."""

from __future__ import annotations


class LimitError(Exception):
    """Base of the limits app's refusals; ``str()`` is the message shown to the user."""


class LimitInputError(LimitError):
    """Bad input (HTTP 400): names the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class LimitStateConflict(LimitInputError):
    """Input that does not fit the stored limit (HTTP 409): a value of the wrong sign for its
    kind, past its paired limit, or no change at all. Names the field."""


class LimitNotFound(LimitError):
    """No limit with that key or id (HTTP 404)."""


class RequestNotFound(LimitError):
    """No change request with that id (HTTP 404)."""


class FourEyesViolation(LimitError):
    """The proposer tried to approve their own change (HTTP 403)."""


class RequestConflict(LimitError):
    """The request is no longer open, or the limit changed since it was proposed (HTTP 409)."""


class NotAllowed(LimitError):
    """The user lacks the role permission for this step (HTTP 403)."""
