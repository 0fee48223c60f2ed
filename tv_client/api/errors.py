"""The catalog client's one exception tree.

::

    ClientError                 anything the catalog client raises on purpose
     ├── ApiError               the backend answered 4xx with its error body; never retried
     └── Offline                the backend cannot be reached and nothing is stored for the request

Transient failures (connect errors, timeouts, 5xx) never escape on their own: they are retried,
then answered from the disk cache (``Fetched.offline``), and only become ``Offline`` when there
is no stored copy to show.
"""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    """Base of every error the catalog client raises."""


class ApiError(ClientError):
    """The backend refused the request: ``{"code", "status", "message", "errors"}``."""

    def __init__(
        self, status: int, code: str, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or {}


class Offline(ClientError):
    """The backend is unreachable and there is no stored copy of what was asked for."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
