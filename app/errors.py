"""Errors the app reports to people.

Every failure that reaches a person (dialog, CLI line, outbox reason) is a PackDeskError whose
message is written for a warehouse user and never contains a secret. HTTP errors become these in
one place (the AmeriCommerce client); services and the UI only ever see these.
"""
from __future__ import annotations


class PackDeskError(Exception):
    """Base for errors with a message meant for the user."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class ConfigurationError(PackDeskError):
    """A setting or input that cannot be used as given."""


class UsageError(ConfigurationError):
    """A command-line value that names nothing known (exit 2, as argparse's own errors)."""


class DatabaseError(PackDeskError):
    """The local database cannot be opened, migrated or written."""


class DatabaseTooNewError(DatabaseError):
    """The database was written by a newer PackDesk; we refuse to touch it."""


class DatabaseDamagedError(DatabaseError):
    """The database failed its integrity check: nothing writes to it until it is restored.
    `report` is the check's HealthReport (the GUI offers its newest backup)."""

    def __init__(self, message: str, *, hint: str = "", report=None) -> None:
        super().__init__(message, hint=hint)
        self.report = report


class SecretsUnavailableError(PackDeskError):
    """No usable OS keyring, or the secret is missing."""


class StoreError(PackDeskError):
    """Talking to a store failed. `retryable` tells the caller whether trying later may help."""

    retryable = False

    def __init__(self, message: str, *, hint: str = "", status_code: int | None = None,
                 details: str = "") -> None:
        super().__init__(message, hint=hint)
        self.status_code = status_code
        self.details = details


class StoreAuthError(StoreError):
    """401: the token is wrong, revoked or lacks a scope."""


class StoreNotFoundError(StoreError):
    """404 for a resource, or the domain is not an AmeriCommerce store."""


class StoreRejectedError(StoreError):
    """400/409 and other permanent refusals; `details` holds the store's own words."""


class StoreRateLimitedError(StoreError):
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class StoreUnavailableError(StoreError):
    """Offline, DNS, timeouts, dropped connections, 5xx: try again later. `unreachable`: the
    connection itself could not be made, so other requests to the store will fail too (a
    connection dropped after sending says nothing about the next request)."""

    retryable = True

    def __init__(self, message: str, *, unreachable: bool = False, **kw) -> None:
        super().__init__(message, **kw)
        self.unreachable = unreachable


class StoreTLSError(StoreError):
    """The TLS handshake or certificate check failed."""


class StoreResponseError(StoreError):
    """The store answered with something that is not the JSON we expect (HTML, truncated body)."""

    retryable = True


class StoreIncompleteAnswerError(StoreResponseError):
    """The store's JSON was cut off (a connection or proxy hiccup): retried like a dropped call."""
