"""The one place where HTTP answers and transport failures become PackDesk errors.

Messages are written for a warehouse user and never contain the token: they are built from the
status, the store's own `message`/`details` (redacted) and the address, never from headers.
"""
from __future__ import annotations

import json
import ssl
from collections.abc import Iterable
from typing import Any

import httpx

from app.errors import (
    StoreAuthError,
    StoreError,
    StoreIncompleteAnswerError,
    StoreNotFoundError,
    StoreRateLimitedError,
    StoreRejectedError,
    StoreResponseError,
    StoreTLSError,
    StoreUnavailableError,
)

from .address import StoreAddress
from .throttle import parse_call_limit, parse_retry_after

TOKEN_HINT = ("In the store's admin open Tools → Apps & Addons → API Apps & Integrations, "
              "create an access token with the scopes PackDesk needs (orders, read_catalog, "
              "read_people, settings, system, no_expiry) and paste it again.")
# An OAuth connection whose refresh was refused: its tokens come from a sign-in, not a paste.
OAUTH_HINT = ("In the store's admin, allow PackDesk's app again, then choose the connection in "
              "Connections and Sign in to the store again.")
NOT_A_STORE = "{where} answered, but not like an AmeriCommerce store."
_REDACTED = "[hidden]"
_TLS_MARKS = ("CERTIFICATE_VERIFY_FAILED", "[SSL", "SSL:", "TLSV1_ALERT")


def redact(text: str, secrets: Iterable[str | None]) -> str:
    for secret in secrets:
        if secret and text:
            text = text.replace(secret, _REDACTED)
    return text


def store_error_for_response(response: httpx.Response, address: StoreAddress, *,
                             secrets: Iterable[str | None] = ()) -> StoreError:
    """Map a non-2xx (or unreadable) answer to the matching StoreError."""
    status = response.status_code
    message, details = _store_words(response, tuple(secrets))
    where = address.display
    if status == 401:
        return StoreAuthError(f"The store {where} refused the access token.", hint=TOKEN_HINT,
                              status_code=status, details=details)
    if status == 403:
        return StoreAuthError(
            f"The store {where} does not allow this with the current access token ({message}).",
            hint="Give the token the missing scope in the store's API Token Manager, or create a "
                 "new token with the scopes PackDesk needs.", status_code=status, details=details)
    if status == 404:
        return StoreNotFoundError(f"The store {where} has no {_path(response)} ({message}).",
                                  status_code=status, details=details)
    if status == 429:
        limit = parse_call_limit(response.headers.get("X-AC-Call-Limit"))
        plan = f"{limit.max} calls per 10 s" if limit else "its plan's calls per 10 s"
        return StoreRateLimitedError(
            f"The store {where} keeps answering 'too many requests': its plan allows {plan}.",
            hint="Wait a minute and try again; other apps using the same store share this limit.",
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            status_code=status, details=details)
    if status >= 500:
        return StoreUnavailableError(
            f"The store {where} had a problem answering (HTTP {status}). Try again later.",
            status_code=status, details=details)
    if 400 <= status < 500:
        return StoreRejectedError(f"The store {where} refused the request: {message}.",
                                  status_code=status, details=details)
    return StoreResponseError(f"The store {where} answered with an unexpected HTTP {status}.",
                              status_code=status, details=details)


def store_error_for_body(response: httpx.Response, address: StoreAddress) -> StoreResponseError:
    """A 2xx answer whose body is not the JSON we expect (HTML login page, truncated text...)."""
    kind = "a web page" if _looks_like_html(response) else "something that is not JSON"
    return StoreResponseError(
        f"{NOT_A_STORE.format(where=address.display)} It sent {kind} for {_path(response)}.",
        hint="Check the store address: it should be the domain of an AmeriCommerce / Cart.com "
             "store.",
        status_code=response.status_code)


def store_error_for_transport(exc: Exception, address: StoreAddress) -> StoreError:
    """Map httpx transport failures (offline, DNS, TLS, timeouts, dropped connections)."""
    where = address.display
    if _is_tls_failure(exc):
        return StoreTLSError(
            f"The secure connection to {where} failed (certificate or TLS problem).",
            hint="Check the address, the computer's date and time, and any proxy or antivirus "
                 "that inspects HTTPS.")
    if isinstance(exc, httpx.TimeoutException):
        return StoreUnavailableError(f"The store {where} did not answer in time.",
                                     hint="The store or the network is slow; try again later.",
                                     unreachable=isinstance(exc, httpx.ConnectTimeout))
    if isinstance(exc, httpx.ConnectError):
        return StoreUnavailableError(f"Cannot reach {where}: offline, or a wrong address?",
                                     hint="Check the network connection and the store's domain.",
                                     unreachable=True)
    return StoreUnavailableError(f"The connection to {where} broke off ({type(exc).__name__}).",
                                 hint="Try again later.")


def decode_json(response: httpx.Response, address: StoreAddress) -> Any:
    """The JSON body of a 2xx answer; an HTML or malformed body raises StoreResponseError."""
    if not response.content:
        return {}
    if _looks_like_html(response):
        raise store_error_for_body(response, address)
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        if _looks_cut_off(response.content):
            raise StoreIncompleteAnswerError(
                f"The store {address.display} sent an incomplete answer for {_path(response)} "
                "(it was cut off on the way).",
                hint="Usually a network or store hiccup; try again in a moment.",
                status_code=response.status_code) from None
        raise store_error_for_body(response, address) from None


def _looks_cut_off(content: bytes) -> bool:
    """JSON that starts well but ends inside a string or with brackets still open: a body cut
    short (not another kind of answer). Only looked at once decoding has failed."""
    body = content.strip()
    if body[:1] not in (b"{", b"["):
        return False
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):
            depth += 1
        elif byte in (0x7D, 0x5D):
            depth -= 1
    return in_string or depth > 0


def _store_words(response: httpx.Response, secrets: tuple[str | None, ...]) -> tuple[str, str]:
    """The store's `message` and `details` from `{status_code, message, details}`, redacted."""
    message, details = response.reason_phrase or f"HTTP {response.status_code}", ""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        body = None
    if isinstance(body, dict):
        message = str(body.get("message") or message)
        details = str(body.get("details") or "")
    message = redact(message, secrets)[:300]
    details = redact(details, secrets)[:2000]
    return (f"{message}: {details}" if details else message), details


def _path(response: httpx.Response) -> str:
    return response.request.url.path if response.request else "resource"


def _looks_like_html(response: httpx.Response) -> bool:
    ctype = response.headers.get("Content-Type", "").lower()
    return "html" in ctype or response.content.lstrip()[:1] == b"<"


def _is_tls_failure(exc: BaseException) -> bool:
    """True if an ssl error is anywhere in the exception's cause/context chain."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        text = str(current)
        if isinstance(current, ssl.SSLError) or any(mark in text for mark in _TLS_MARKS):
            return True
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return False
