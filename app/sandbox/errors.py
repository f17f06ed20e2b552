"""The store's error body: {"status_code", "message", "details"}."""

from __future__ import annotations

from typing import Any

MESSAGES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error", 503: "Service Unavailable"}


class ApiError(Exception):
    def __init__(self, status: int, details: str) -> None:
        super().__init__(details)
        self.status = status
        self.details = details

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.details)


def error_body(status: int, details: str) -> dict[str, Any]:
    return {"status_code": status, "message": MESSAGES.get(status, "Error"), "details": details}
