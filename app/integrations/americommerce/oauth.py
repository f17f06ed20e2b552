"""OAuth 2 for AmeriCommerce apps (API.md §1): authorize URL, callback, code exchange, refresh.

The endpoints live under `/api/oauth`, not `/api/v1`. Requests go through the injected
httpx.Client; failures become StoreErrors through the same mapping as the API client. Tokens are
kept out of every repr so a logged object or a traceback never shows them.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from app.errors import StoreAuthError, StoreResponseError

from .address import StoreAddress
from .http_errors import decode_json, store_error_for_response, store_error_for_transport


@dataclass(frozen=True)
class OAuthTokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires: str | None = None  # as the store sent it
    username: str | None = None

    @property
    def expires_at(self) -> datetime | None:
        """`expires` as an aware datetime when it is ISO 8601 or epoch seconds, else None."""
        if not self.expires:
            return None
        try:
            return datetime.fromtimestamp(float(self.expires), tz=UTC)
        except ValueError:
            pass
        try:
            when = datetime.fromisoformat(self.expires)
        except ValueError:
            return None
        return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class OAuthCallback:
    auth_id: str
    code: str = field(repr=False)


def scope_text(scopes: Sequence[str] | str) -> str:
    """Scopes as the store wants them, comma-separated (also what the signature uses)."""
    return scopes if isinstance(scopes, str) else ",".join(scopes)


def authorize_url(address: StoreAddress, client_id: str, scopes: Sequence[str] | str,
                  redirect_uri: str) -> str:
    """The page to open in the browser where the store owner grants access."""
    query = urlencode({"client_id": client_id, "scope": scope_text(scopes),
                       "redirect_uri": redirect_uri}, safe=",")
    return f"{address.oauth_base}?{query}"


def access_token_signature(app_secret: str, code: str, client_id: str, scope: str,
                           redirect_uri: str) -> str:
    return _sha256_hex(app_secret + code + client_id + scope + redirect_uri.lower())


def refresh_signature(app_secret: str, refresh_token: str, client_id: str) -> str:
    return _sha256_hex(app_secret + refresh_token + client_id)


def parse_callback(url_or_query: str | Mapping[str, str]) -> OAuthCallback:
    """Read the redirect back from the store: `auth_id` + `code`, or an error to explain."""
    params = _query_params(url_or_query)
    if params.get("error"):
        reason = params.get("error_description") or params.get("error_reason") or params["error"]
        if params["error"] == "access_denied":
            raise StoreAuthError("Access was declined in the store's window.",
                                 hint="Start the connection again and choose Allow.",
                                 details=reason)
        raise StoreAuthError(f"The store did not grant access: {reason}.", details=reason)
    if not params.get("auth_id") or not params.get("code"):
        raise StoreAuthError("The store's answer to the sign-in lacked its code.",
                             hint="Start the connection again.")
    return OAuthCallback(params["auth_id"], params["code"])


def exchange_code(http: httpx.Client, address: StoreAddress, *, client_id: str, app_secret: str,
                  callback: OAuthCallback, scopes: Sequence[str] | str,
                  redirect_uri: str) -> OAuthTokens:
    """Trade the callback's code for tokens (`POST /api/oauth/access_token`)."""
    signature = access_token_signature(app_secret, callback.code, client_id, scope_text(scopes),
                                       redirect_uri)
    body = _post(http, address, "access_token",
                 {"client_id": client_id, "auth_id": callback.auth_id, "signature": signature},
                 secrets=(app_secret, callback.code))
    return _tokens_from(body, address)


def refresh(http: httpx.Client, address: StoreAddress, *, client_id: str, app_secret: str,
            refresh_token: str) -> OAuthTokens:
    """Get a new access token (`POST /api/oauth/refresh`); refresh tokens are reusable."""
    body = _post(http, address, "refresh",
                 {"client_id": client_id, "refresh_token": refresh_token,
                  "signature": refresh_signature(app_secret, refresh_token, client_id)},
                 secrets=(app_secret, refresh_token))
    tokens = _tokens_from(body, address)
    if not tokens.refresh_token:  # some stores do not send it back; the old one stays valid
        tokens = OAuthTokens(tokens.access_token, refresh_token, tokens.expires, tokens.username)
    return tokens


def _post(http: httpx.Client, address: StoreAddress, endpoint: str, payload: dict[str, str],
          *, secrets: Sequence[str]) -> Any:
    try:
        response = http.post(f"{address.oauth_base}/{endpoint}", json=payload,
                             headers={"Accept": "application/json"}, follow_redirects=False)
    except httpx.TransportError as exc:
        raise store_error_for_transport(exc, address) from exc
    if not response.is_success:
        # The store may echo a code or token back in its message: hide them.
        raise store_error_for_response(response, address,
                                       secrets=(*secrets, payload.get("signature")))
    return decode_json(response, address)


def _tokens_from(body: Any, address: StoreAddress) -> OAuthTokens:
    if not isinstance(body, dict) or not body.get("access_token"):
        raise StoreResponseError(f"The store {address.display} did not send an access token.")
    return OAuthTokens(access_token=str(body["access_token"]),
                       refresh_token=str(body.get("refresh_token") or ""),
                       expires=None if body.get("expires") is None else str(body["expires"]),
                       username=body.get("username"))


def _query_params(url_or_query: str | Mapping[str, str]) -> dict[str, str]:
    if isinstance(url_or_query, Mapping):
        return {key: str(value) for key, value in url_or_query.items()}
    text = url_or_query
    query = urlsplit(text).query if "?" in text or "://" in text else text
    return {key: values[0] for key, values in parse_qs(query).items()}


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
