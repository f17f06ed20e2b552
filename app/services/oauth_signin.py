"""OAuth sign-in for stores connected as an app (Celigo's way: client id + secret + scopes).

A desktop app cannot host a public callback, so it listens on a loopback port for the store's
redirect (RFC 8252, section 7.3): the browser is sent to the store's consent page with
`redirect_uri=http://127.0.0.1:{port}/callback`, the store redirects back there with
`auth_id` and `code`, and the code is exchanged for tokens.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx

from app.errors import StoreAuthError
from app.integrations.americommerce.address import StoreAddress
from app.integrations.americommerce.oauth import OAuthTokens as OAuthTokens
from app.integrations.americommerce.oauth import authorize_url, exchange_code, parse_callback

# What a shipping station needs (API.md §1): people view, orders view+change, catalog view,
# settings + system tasks, and no expiry.
DEFAULT_SCOPES = ("read_people", "orders", "read_catalog", "settings", "system", "no_expiry")

_DONE_PAGE = ("<!doctype html><meta charset=utf-8><title>PackDesk</title>"
              "<p style='font:16px sans-serif'>{message} You can close this window.</p>")


@dataclass(frozen=True)
class OAuthApp:
    client_id: str
    client_secret: str
    scopes: Sequence[str] = DEFAULT_SCOPES


class _CallbackServer(HTTPServer):
    query: str | None = None


class _CallbackHandler(BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path, _, query = self.path.partition("?")
        if path != "/callback":
            self.send_error(404)
            return
        self.server.query = query
        ok = "error=" not in query
        body = _DONE_PAGE.format(message="PackDesk is connected to the store." if ok else
                                 "The store did not grant access.").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002 - the query holds the code
        pass


class OAuthSignIn:
    """One sign-in: `url` to open in the browser, then `wait()` for the tokens."""

    def __init__(self, http: httpx.Client, address: StoreAddress, app: OAuthApp, *,
                 owns_http: bool = False) -> None:
        self._http = http
        self._owns_http = owns_http  # closed with the sign-in (made for it alone)
        self._address = address
        self._app = app
        self._server = _CallbackServer(("127.0.0.1", 0), _CallbackHandler)
        self.redirect_uri = f"http://127.0.0.1:{self._server.server_address[1]}/callback"
        self.url = authorize_url(address, app.client_id, app.scopes, self.redirect_uri)
        self._thread = threading.Thread(target=self._serve, name="oauth-callback", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while self._server.query is None:
            self._server.handle_request()

    def wait(self, timeout: float = 300.0, cancelled: Callable[[], bool] = lambda: False
             ) -> OAuthTokens:
        """Block until the store redirects back (or time out), then exchange the code."""
        try:
            waited = 0.0
            while self._thread.is_alive() and waited < timeout and not cancelled():
                self._thread.join(0.2)
                waited += 0.2
            if self._server.query is None:
                raise StoreAuthError("The store's sign-in page did not come back to PackDesk.",
                                     hint="Start again, and allow access in the browser window.")
            callback = parse_callback(self._server.query)
            return exchange_code(self._http, self._address, client_id=self._app.client_id,
                                 app_secret=self._app.client_secret, callback=callback,
                                 scopes=self._app.scopes, redirect_uri=self.redirect_uri)
        finally:
            self.close()

    def close(self) -> None:
        if self._server.query is None:
            self._server.query = ""  # lets the serving loop end
            try:  # wake handle_request() with a throwaway request
                httpx.get(self.redirect_uri.replace("/callback", "/closing"), timeout=1)
            except httpx.HTTPError:
                pass
        self._server.server_close()
        if self._owns_http:
            self._http.close()
