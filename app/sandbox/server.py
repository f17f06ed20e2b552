"""The sandbox store: HTTP server (stdlib ThreadingHTTPServer) and the `Sandbox` object.

Paths: /api/v1/... (the store API: token, call limit, faults), /api/oauth... (OAuth),
/images/... (PNG tiles, no auth), /_sandbox/<method> (control, needs X-Sandbox-Key).
"""

from __future__ import annotations

import gc
import json
import secrets
import socket
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import api, images
from .clock import Clock, parse_ticks
from .config import SandboxConfig
from .control import Control
from .counters import Counters
from .data import generate
from .errors import ApiError, error_body
from .faults import Faults, FaultSettings
from .mutations import Mutations
from .oauth import OAuth
from .quirks import POISONS, Quirks
from .ratelimit import RateLimiter
from .resources import RawJson, embedded_fields
from .store import TABLES, Store

JSON_TYPE = "application/json; charset=utf-8"
_IDLE_TIMEOUT = 30.0  # seconds an idle keep-alive connection is kept


class _Response:
    def __init__(self, status: int, payload: Any = None, headers: dict[str, str] | None = None,
                 content_type: str = JSON_TYPE) -> None:
        self.status = status
        if isinstance(payload, bytes):
            self.body = payload
        elif isinstance(payload, RawJson):
            self.body = payload.encode()
        else:
            self.body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        self.headers = headers or {}
        self.content_type = content_type


class _Drop(Exception):
    """Close the connection without answering."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections as with the real store
    server_version = "AmeriCommerceSandbox/1.0"
    timeout = _IDLE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms stalls
    server: _Server

    def _dispatch(self) -> None:
        self.server.sandbox.handle(self)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: tests and the CLI print what matters


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.open_sockets: set[socket.socket] = set()
        self._sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Unblock keep-alive handler threads so stop() is prompt."""
        with self._sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Sandbox:
    """A running (or startable) sandbox store. Use as a context manager or start()/stop()."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        cfg = self.config
        self.store = Store(cfg.state_path, embedded_fields())
        self.clock = Clock()
        self.counters = Counters()
        self.limiter = RateLimiter(cfg.rate_limit, cfg.retry_after_style)
        self.faults = Faults(self._fault_settings(), cfg.seed)
        self.quirks = Quirks()
        self._load_or_generate()
        self.mutations = Mutations(self.store, self.clock)
        self._configure_quirks()
        self.oauth = OAuth(self.store, self.clock, cfg.oauth_clients)
        self.token = cfg.token or self.store.meta_get("token") or secrets.token_hex(16)
        self.store.meta_set("token", self.token)
        self._tokens = {self.token, *cfg.extra_tokens}
        self.control_key = cfg.control_key or secrets.token_hex(16)
        self.control = Control(self)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- data ------------------------------------------------------------------------------
    def _fault_settings(self) -> FaultSettings:
        cfg = self.config
        return FaultSettings(latency_ms=cfg.latency_ms, fail_rate=cfg.fail_rate,
                             drop_rate=cfg.drop_rate,
                             drop_after_write_rate=cfg.drop_after_write_rate,
                             truncate_rate=cfg.truncate_rate)

    def _load_or_generate(self) -> None:
        """Restore a state file as it was (data, writes, clock), or generate a fresh store."""
        if not self.store.is_empty():
            self.clock = Clock(int(self.store.meta_get("clock_offset") or 0))
            return
        cfg = self.config
        now = self.clock.now()
        if cfg.clock_start is not None:  # exact start instant: same seed, same data
            now = parse_ticks(cfg.clock_start.isoformat())
            self.clock.set_now(now)
        collecting = gc.isenabled()  # an embedding app may have its own policy: restore it
        gc.disable()  # millions of fresh acyclic dicts: cycle collection only costs time here
        try:
            dataset = generate(cfg.seed, cfg.orders, now, cfg.custom_statuses, cfg.products)
            with self.store.transaction():
                for table in TABLES:
                    self.store.insert_many(table, dataset.get(table, []))
                self.store.meta_set("clock_offset", str(self.clock.offset_ticks))
                self.store.meta_set("seed", str(cfg.seed))
                self.store.meta_set("generated", str(cfg.orders))
        finally:
            if collecting:
                gc.enable()

    def _configure_quirks(self) -> None:
        """`page_cap` and `poison_orders` from the config: the newest orders get one poison each,
        in the order of POISONS, so a developer meets every case with --poison-orders 15."""
        self.quirks.reset()
        self.quirks.page_cap = self.config.page_cap
        if self.config.poison_orders:
            newest = self.store.select("orders", "1", [], "id DESC", self.config.poison_orders)
            for order, kind in zip(newest, list(POISONS) * len(newest), strict=False):
                self.quirks.poison(order["id"], kind, None, order.get("order_shipping_address_id"))

    def reset(self) -> None:
        token = self.token
        with self.store.lock:
            self.store.clear()
            self.clock = Clock()
            self._load_or_generate()
            self.mutations = Mutations(self.store, self.clock)
            self._configure_quirks()
            self.oauth = OAuth(self.store, self.clock, self.config.oauth_clients)
            self.store.meta_set("token", token)
        self.faults = Faults(self._fault_settings(), self.config.seed)
        self.limiter.configure(self.config.rate_limit, self.config.retry_after_style)
        self.counters.reset()

    def add_token(self, token: str) -> None:
        self._tokens.add(token)

    def _token_ok(self, token: str | None) -> bool:
        return bool(token) and (token in self._tokens or self.oauth.valid(token or ""))

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("sandbox not started")
        return int(self._server.server_address[1])

    @property
    def domain(self) -> str:
        return f"{self.config.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.domain}"

    def start(self) -> Sandbox:
        if self._server is None:
            self._server = _Server((self.config.host, self.config.port), self)
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.1},
                                            name="sandbox-http", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def close(self) -> None:
        self.stop()
        self.store.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP ------------------------------------------------------------------------------
    def handle(self, h: _Handler) -> None:
        url = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw_body = h.rfile.read(length) if length else b""
        try:
            if url.path.startswith("/api/v1/") or url.path == "/api/v1":
                response = self._api(h, url.path[len("/api/v1"):], url.query, raw_body)
            elif url.path.startswith("/api/oauth"):
                response = self._oauth(h, url.path, url.query, raw_body)
            elif url.path.startswith("/images/"):
                response = self._image(url.path, url.query)
            elif url.path.startswith("/_sandbox/"):
                response = self._control(h, url.path[len("/_sandbox/"):], raw_body)
            else:
                response = _Response(404, error_body(404, f"No route {url.path}."))
        except _Drop:
            h.close_connection = True
            return
        self._send(h, response)

    @staticmethod
    def _send(h: _Handler, response: _Response) -> None:
        h.send_response(response.status)
        h.send_header("Content-Type", response.content_type)
        h.send_header("Content-Length", str(len(response.body)))
        for key, value in response.headers.items():
            h.send_header(key, value)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(response.body)

    def _base(self, h: _Handler) -> str:
        return f"http://{h.headers.get('Host') or self.domain}"

    @staticmethod
    def _json_body(raw: bytes) -> Any:
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, "The request body is not valid JSON.") from None

    def _api(self, h: _Handler, path: str, query: str, raw_body: bytes) -> _Response:
        method = h.command
        token = h.headers.get("X-AC-Auth-Token")
        found = api.match(method, path)
        self.counters.request(f"{method} {found[0] if found else '(unknown)'}", token)
        if not self._token_ok(token):
            self.counters.outcome(401)
            return _Response(401, error_body(401, "Invalid or missing access token."))
        verdict = self.limiter.hit(token or "")
        headers = {"X-AC-Call-Limit": verdict.header}
        if not verdict.allowed:
            self.counters.outcome(429)
            headers["Retry-After"] = verdict.retry_after or "1"
            return _Response(429, error_body(429, "API call limit exceeded."), headers)
        if self.faults.settings.latency_ms:
            time.sleep(self.faults.settings.latency_ms / 1000)
        if self.faults.roll("drop"):
            self.counters.outcome("drop")
            raise _Drop
        if self.faults.roll("fail"):
            self.counters.outcome(500)
            return _Response(500, error_body(500, "An unexpected error occurred (injected)."),
                             headers)
        try:
            pairs = self.quirks.cap(parse_qsl(query, keep_blank_values=True))
            request = api.ApiRequest(method, path, pairs,
                                     query, self._json_body(raw_body) if method in ("POST", "PUT")
                                     else None, self._base(h), token)
            status, payload = api.dispatch(self.store, self.mutations, request)
            if method == "GET" and status == 200 and found:
                payload = self.quirks.apply(found[0], payload)
        except ApiError as exc:
            status, payload = exc.status, exc.body()
        except Exception:  # noqa: BLE001 - the real store leaks internal text in 500s too
            status, payload = 500, error_body(500, traceback.format_exc(limit=1))
        if method in ("POST", "PUT") and status < 400 and self.faults.roll("drop_after_write"):
            self.counters.outcome("drop_after_write")
            raise _Drop
        response = _Response(status, payload, headers)
        if self.faults.roll("truncate"):
            response.body = response.body[: self.faults.cut(len(response.body))]
        self.counters.outcome(status)
        return response

    def _oauth(self, h: _Handler, path: str, query: str, raw_body: bytes) -> _Response:
        try:
            if path == "/api/oauth" and h.command == "GET":
                location = self.oauth.authorize(dict(parse_qsl(query)))
                return _Response(302, b"", {"Location": location})
            if h.command == "POST" and path in ("/api/oauth/access_token", "/api/oauth/refresh"):
                if "json" in (h.headers.get("Content-Type") or ""):
                    body = self._json_body(raw_body)
                else:
                    body = dict(parse_qsl(raw_body.decode("utf-8", "replace")))
                if not isinstance(body, dict):
                    raise ApiError(400, "The request body must be an object.")
                action = (self.oauth.exchange if path.endswith("access_token")
                          else self.oauth.refresh)
                return _Response(200, action(body))
            raise ApiError(404, f"No route {h.command} {path}.")
        except ApiError as exc:
            return _Response(exc.status, exc.body())

    def _image(self, path: str, query: str) -> _Response:
        # /images/products/{product id}-{n}.png, /images/stores/{store id}.png
        parts = path.strip("/").split("/")
        if len(parts) != 3 or not parts[2].endswith(".png"):
            return _Response(404, error_body(404, "No such image."))
        kind, stem = parts[1], parts[2][:-4]
        table = {"products": "products", "stores": "stores"}.get(kind)
        try:
            doc = self.store.get(table, int(stem.split("-")[0])) if table else None
        except ValueError:
            doc = None
        if doc is None:
            return _Response(404, error_body(404, "No such image."))
        label = doc.get("item_number") or doc.get("name") or stem
        size = dict(parse_qsl(query)).get("size", "160")
        png = images.tile(label, int(size) if size.isdigit() else 160)
        return _Response(200, png, {"Cache-Control": "max-age=86400"}, "image/png")

    def _control(self, h: _Handler, name: str, raw_body: bytes) -> _Response:
        if h.headers.get("X-Sandbox-Key") != self.control_key:
            return _Response(403, error_body(403, "Missing or wrong X-Sandbox-Key."))
        try:
            kwargs = self._json_body(raw_body)
            if not isinstance(kwargs, dict):
                raise ApiError(400, "The body must be a JSON object of keyword arguments.")
            return _Response(200, {"result": self.control.call(name.strip("/"), kwargs)})
        except ApiError as exc:
            return _Response(exc.status, exc.body())
