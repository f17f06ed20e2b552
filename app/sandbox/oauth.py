"""OAuth 2 as the store does it (API.md §1), auto-approving in the sandbox.

GET /api/oauth -> 302 to redirect_uri?auth_id&code (or error, error_reason, error_description);
POST /api/oauth/access_token and /api/oauth/refresh check sha256 signatures made with the app
secret. Issued access tokens are API tokens (kept in the store, so they survive a restart).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from typing import Any
from urllib.parse import urlencode

from .clock import TICKS_PER_DAY, Clock, format_ticks
from .errors import ApiError
from .store import Store

TOKEN_LIFETIME_DAYS = 30
NO_EXPIRY_DAYS = 3650


def sign_code(secret: str, code: str, client_id: str, scope: str, redirect_uri: str) -> str:
    return hashlib.sha256((secret + code + client_id + scope + redirect_uri.lower())
                          .encode()).hexdigest()


def sign_refresh(secret: str, refresh_token: str, client_id: str) -> str:
    return hashlib.sha256((secret + refresh_token + client_id).encode()).hexdigest()


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


class OAuth:
    def __init__(self, store: Store, clock: Clock, clients: dict[str, str]) -> None:
        self.store = store
        self.clock = clock
        self.clients = dict(clients)
        self._pending: dict[str, dict[str, str]] = {}  # auth_id -> grant waiting for exchange
        self._lock = threading.Lock()

    def authorize(self, params: dict[str, str]) -> str:
        """URL to redirect the browser to."""
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri:
            raise ApiError(400, "'redirect_uri' is required.")
        client_id = params.get("client_id", "")
        if client_id not in self.clients:
            return _with_query(redirect_uri, {
                "error": "invalid_client", "error_reason": "unknown_client",
                "error_description": f"No app with client_id '{client_id}'."})
        auth_id, code = secrets.token_hex(8), secrets.token_urlsafe(24)
        with self._lock:
            self._pending[auth_id] = {"client_id": client_id, "code": code,
                                      "scope": params.get("scope", ""),
                                      "redirect_uri": redirect_uri}
        return _with_query(redirect_uri, {"auth_id": auth_id, "code": code})

    def _secret(self, client_id: str) -> str:
        secret = self.clients.get(client_id)
        if secret is None:
            raise ApiError(403, f"Unknown client_id '{client_id}'.")
        return secret

    def exchange(self, body: dict[str, Any]) -> dict[str, Any]:
        client_id = str(body.get("client_id", ""))
        secret = self._secret(client_id)
        with self._lock:
            grant = self._pending.get(str(body.get("auth_id", "")))
            if grant is None or grant["client_id"] != client_id:
                raise ApiError(403, "Unknown or already used auth_id.")
            expected = sign_code(secret, grant["code"], client_id, grant["scope"],
                                 grant["redirect_uri"])
            if not hmac.compare_digest(expected, str(body.get("signature", "")).lower()):
                raise ApiError(403, "Invalid signature.")
            del self._pending[str(body["auth_id"])]  # codes are single-use
        refresh = secrets.token_urlsafe(32)
        self.store.save_token("refresh:" + refresh, {"client_id": client_id,
                                                      "scope": grant["scope"]})
        return self._issue(client_id, grant["scope"], refresh)

    def refresh(self, body: dict[str, Any]) -> dict[str, Any]:
        client_id = str(body.get("client_id", ""))
        secret = self._secret(client_id)
        refresh = str(body.get("refresh_token", ""))
        info = self.store.token("refresh:" + refresh)
        if info is None or info["client_id"] != client_id:
            raise ApiError(403, "Unknown refresh_token.")
        if not hmac.compare_digest(sign_refresh(secret, refresh, client_id),
                                   str(body.get("signature", "")).lower()):
            raise ApiError(403, "Invalid signature.")
        return self._issue(client_id, info["scope"], refresh)  # refresh tokens are reusable

    def _issue(self, client_id: str, scope: str, refresh: str) -> dict[str, Any]:
        days = NO_EXPIRY_DAYS if "no_expiry" in scope.split(",") else TOKEN_LIFETIME_DAYS
        expires = self.clock.now() + days * TICKS_PER_DAY
        token = secrets.token_hex(16)
        self.store.save_token(token, {"client_id": client_id, "scope": scope, "expires": expires})
        return {"access_token": token, "refresh_token": refresh, "expires": format_ticks(expires),
                "username": f"{client_id}@sandbox"}

    def valid(self, token: str) -> bool:
        """An OAuth-issued access token that has not expired by the sandbox clock."""
        info = self.store.token(token)
        return bool(info and "expires" in info and info["expires"] > self.clock.now())
