"""HTTP client for one AmeriCommerce store: paging, batching, pacing, retries, error mapping.

Qt-free and database-free: the sync and the outbox worker share one instance per connection
(it is thread-safe as long as the injected httpx.Client is, which it is).

Security rules kept here:
* The token is asked for per request (`token()`), put in a header, never stored on this object,
  never logged, and redacted from any text the store echoes back into an error.
* Redirects are never followed by httpx (it would forward our custom token header). We follow a
  redirect ourselves once, and only within the store's own origin.
* An absolute URL from the store (`next_page`) is only requested on the store's origin.

Retries: 5xx, 429, timeouts, dropped connections and cut-off JSON bodies are retried with
exponential backoff and jitter (429 waits through the throttle for Retry-After). Writes (POST/PUT)
are retried on those too only when the caller passes `retry_writes=True`: PackDesk's shipment push
is an upsert keyed by `shipment_name` and status changes are idempotent, so repeating them is
harmless; a plain create (POST /products) is not, hence POST defaults to False. Failures where the
request surely never reached the store (connect errors, 429) are retried for writes either way.
"""
from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

import app
from app.errors import (
    StoreAuthError,
    StoreError,
    StoreIncompleteAnswerError,
    StoreNotFoundError,
    StoreRejectedError,
    StoreResponseError,
    StoreTLSError,
)

from .address import StoreAddress
from .client_stats import ClientStats, StatsRecorder
from .http_errors import (
    NOT_A_STORE,
    OAUTH_HINT,
    decode_json,
    store_error_for_response,
    store_error_for_transport,
)
from .pages import Page, page_from_body
from .throttle import Throttle, parse_call_limit, parse_retry_after

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=30.0)
MAX_CONNECT_RETRIES = 2
MAX_URL_LENGTH = 2000  # IIS and proxies start refusing long query strings around here
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Statuses that keep method and body on redirect; 301/302/303 would turn a write into a GET.
_BODY_KEEPING_REDIRECTS = frozenset({307, 308})
# Raised before any byte of the request reached the store: safe to retry even for writes.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def make_http_client(address: StoreAddress, *, timeout: httpx.Timeout = DEFAULT_TIMEOUT,
                     transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The httpx.Client PackDesk uses for a store: explicit timeouts, no automatic redirects."""
    return httpx.Client(
        timeout=timeout, follow_redirects=False, transport=transport,
        headers={"User-Agent": f"PackDesk/{app.__version__}"})


@dataclass(frozen=True)
class ConnectionCheck:
    """What a successful `test_connection` saw."""

    address: StoreAddress
    storefronts: list[dict[str, Any]]
    call_limit_max: int | None  # the plan's calls per 10 s, when the store said


@dataclass
class _Call:
    """One logical call, possibly sent several times (retries, one redirect)."""

    method: str
    url: httpx.URL
    params: Mapping[str, Any] | None = None
    json: Any = None
    retry_writes: bool = True
    attempt: int = 0
    redirected: bool = False
    reauthorized: bool = False

    @property
    def is_write(self) -> bool:
        return self.method in _WRITE_METHODS


class AmeriCommerceClient:
    """Talks to one store's REST API (`/api/v1`). Every failure surfaces as a StoreError."""

    def __init__(self, http: httpx.Client, address: StoreAddress, token: Callable[[], str], *,
                 throttle: Throttle | None = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, max_retries: int = 5,
                 backoff_base: float = 0.5, backoff_cap: float = 30.0,
                 rng: random.Random | None = None, max_url_length: int = MAX_URL_LENGTH,
                 reauthorize: Callable[[], bool] | None = None) -> None:
        self._http = http
        self.address = address
        self._token = token
        # OAuth connections get a new access token on a 401 (once per call); tokens from the
        # admin console do not expire, so they have no such hook.
        self._reauthorize = reauthorize
        self.throttle = throttle or Throttle(clock=clock, sleep=sleep)
        self._sleep = sleep
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._rng = rng or random.Random()
        self._max_url_length = max_url_length
        self._stats = StatsRecorder()
        self._no_select_many: set[str] = set()  # resources whose select_many route failed
        self._lock = threading.Lock()
        # An injected client without timeouts would hang a worker forever on a dead store.
        self._timeout = DEFAULT_TIMEOUT if http.timeout == httpx.Timeout(None) else None

    def __repr__(self) -> str:
        return f"AmeriCommerceClient({self.address.display!r})"

    @property
    def stats(self) -> ClientStats:
        return self._stats.snapshot()

    def close(self) -> None:
        self._http.close()

    # --- public API -------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        body = self._exchange(_Call("GET", self._url(path), params))[1]
        if not isinstance(body, dict):
            raise StoreResponseError(f"The store {self.address.display} sent an unexpected "
                                     f"answer for {path} (not a JSON object).")
        return body

    def get_list(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Yield every page of a list, following the store's `next_page` URLs as given.

        A 404 after the first page means we walked past the end (the store's way of saying so);
        a 404 on the first page is a real error.
        """
        url: httpx.URL | None = self._url(path)
        seen: set[str] = set()
        while url is not None:
            first = not seen
            seen.add(str(url))
            try:
                body = self._exchange(_Call("GET", url, params))[1]
            except StoreNotFoundError:
                if first:
                    raise
                return
            page = page_from_body(body, path)
            yield page
            if not page.next_url or not page.items:
                return
            url, params = self._url(page.next_url), None
            if str(url) in seen:
                raise StoreResponseError(f"The store {self.address.display} sent the same page "
                                         f"of {path} twice; stopped reading it.")

    def get_all(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return [item for page in self.get_list(path, params) for item in page.items]

    def select_many(self, resource: str, ids: Iterable[int | str], *,
                    expand: Iterable[str] | None = None, batch: int = 100) -> list[dict[str, Any]]:
        """Fetch many records by id in few calls (`/{resource}/select_many?ids=...`).

        The answer is an ordinary list and may be paged at the store's default count (100):
        every call sends `count` and follows `next_page`. Ids the store left out are asked for
        once more; ids still missing are absent from the result (callers check what they need).
        Stores (or proxies) that refuse select_many get an `id=1 OR 2 OR 3` filter on the list
        endpoint instead; the fallback is remembered per resource.
        """
        unique = list(dict.fromkeys(str(i) for i in ids))
        expand_text = ",".join(expand) if expand else None
        results = self._select(resource, unique, expand_text, batch)
        missing = _missing(unique, results)
        if missing:
            log.info("%s: %d of %d id(s) missing from the store's answer; asking once more",
                     resource, len(missing), len(unique))
            results += self._select(resource, missing, expand_text, batch)
            still = _missing(missing, results)
            if still:
                log.warning("%s: the store did not return %d id(s): %s", resource, len(still),
                            ", ".join(still[:20]))
        return results

    def post(self, path: str, json: Any, *,
             retry_writes: bool = False) -> tuple[int, dict[str, Any]]:
        """POST; returns (status, body): 201 created / 200 updated for upserts."""
        response, body = self._exchange(_Call("POST", self._url(path), json=json,
                                              retry_writes=retry_writes))
        return response.status_code, body if isinstance(body, dict) else {"items": body}

    def put(self, path: str, json: Any, *, retry_writes: bool = True) -> dict[str, Any]:
        """PUT (partial update; idempotent, so retried by default)."""
        body = self._exchange(_Call("PUT", self._url(path), json=json,
                                    retry_writes=retry_writes))[1]
        return body if isinstance(body, dict) else {"items": body}

    def delete(self, path: str, *, retry_writes: bool = True) -> None:
        """DELETE; 204 per the docs, 200 per the OpenAPI file: both mean done. A repeat of a
        DELETE is harmless (a 404 then means an earlier try already deleted it)."""
        self._send(_Call("DELETE", self._url(path), retry_writes=retry_writes))

    def test_connection(self) -> ConnectionCheck:
        """Call `GET /stores`; on failure raise one StoreError that says what to fix."""
        where = self.address.display
        try:
            storefronts = self.get_all("/stores")
        except StoreNotFoundError as exc:
            raise StoreNotFoundError(
                f"No AmeriCommerce store answers at {where}.",
                hint="Check the domain: use the store's own domain or name.americommerce.com.",
                status_code=exc.status_code) from exc
        except StoreAuthError as exc:
            if exc.status_code != 403:
                raise
            raise StoreAuthError(
                f"The access token for {where} is valid but may not read the store list.",
                hint="Tick the 'system' and 'settings' scopes on the token in the store's API "
                     "Token Manager.", status_code=403) from exc
        except StoreIncompleteAnswerError:
            raise  # a store whose answers keep getting cut off is still a store
        except StoreResponseError as exc:
            raise StoreResponseError(NOT_A_STORE.format(where=f"This address ({where})"),
                                     hint="Check the store address.",
                                     status_code=exc.status_code) from exc
        limit = self.stats.last_call_limit
        return ConnectionCheck(self.address, storefronts, limit.max if limit else None)

    # --- paging and batching ----------------------------------------------------------------

    def _select(self, resource: str, ids: list[str], expand: str | None,
                batch: int) -> list[dict[str, Any]]:
        return [item for chunk in self._id_chunks(resource, ids, expand, batch)
                for item in self._select_chunk(resource, chunk, expand)]

    def _select_chunk(self, resource: str, ids: list[str],
                      expand: str | None) -> list[dict[str, Any]]:
        if resource not in self._no_select_many:
            params = _without_none({"ids": ",".join(ids), "count": len(ids), "expand": expand})
            try:
                return self.get_all(f"/{resource}/select_many", params)
            except (StoreNotFoundError, StoreRejectedError) as exc:
                log.info("select_many on %s refused (%s); using an id filter", resource,
                         exc.status_code)
                with self._lock:
                    self._no_select_many.add(resource)
        params = _without_none({"id": " OR ".join(ids), "count": len(ids), "expand": expand})
        try:
            return self.get_all(f"/{resource}", params)
        except StoreNotFoundError:
            return []

    def _id_chunks(self, resource: str, ids: list[str], expand: str | None,
                   batch: int) -> Iterator[list[str]]:
        """Split ids so that each call's URL stays under max_url_length (both forms)."""
        # Sized for the longer fallback form `id=1+OR+2&count=N`; select_many's is shorter.
        fixed = len(str(httpx.URL(f"{self.address.api_base}/{resource}/select_many",
                                  params=_without_none({"id": "", "count": batch,
                                                        "expand": expand}))))
        chunk: list[str] = []
        length = fixed
        for item in ids:
            cost = len(httpx.URL("", params={"i": item}).query) + 2  # encoded id + "+OR+"
            if chunk and (len(chunk) >= batch or length + cost > self._max_url_length):
                yield chunk
                chunk, length = [], fixed
            chunk.append(item)
            length += cost
        if chunk:
            yield chunk

    # --- sending ----------------------------------------------------------------------------

    def _url(self, path_or_url: str) -> httpx.URL:
        """An API path, or an absolute URL the store sent, as a URL on the store's origin."""
        if "://" not in path_or_url:
            return httpx.URL(self.address.api_base + "/" + path_or_url.lstrip("/"))
        url = httpx.URL(path_or_url)
        if _origin(url) == self.address.origin:
            return url
        # Stores behind proxies sometimes name another host or http:// in next_page. Keep its
        # path and query verbatim but stay on our origin: the token goes nowhere else.
        if not url.path.lower().startswith("/api/v1/"):
            raise StoreResponseError(f"The store {self.address.display} pointed to {url.host}, "
                                     "which is not its API; stopped there.")
        log.warning("store sent a link to %s; reading it from %s", url.host, self.address.host)
        return httpx.URL(self.address.origin + url.raw_path.decode("ascii"))

    def _exchange(self, call: _Call) -> tuple[httpx.Response, Any]:
        """Send and decode; a cut-off JSON body is asked for again like a dropped connection
        (same retry budget and rules for writes), and named "incomplete answer" if it stays."""
        while True:
            response = self._send(call)
            try:
                return response, self._json(response)
            except StoreIncompleteAnswerError:
                if call.attempt >= self._max_retries or (call.is_write and not call.retry_writes):
                    raise
                log.info("%s %s: the answer was cut off; retrying", call.method, call.url.path)
            call.attempt += 1
            self._stats.retry()
            self._sleep(self._backoff(call.attempt))

    def _send(self, call: _Call) -> httpx.Response:
        """Send with retries; return a 2xx response or raise the mapped StoreError."""
        while True:
            try:
                response = self._send_once(call)
            except httpx.TransportError as exc:
                error = store_error_for_transport(exc, self.address)
                if isinstance(error, StoreTLSError) or not self._may_retry_transport(call, exc):
                    raise error from exc
                log.info("%s %s failed (%s); retrying", call.method, call.url.path,
                         type(exc).__name__)
                wait = self._backoff(call.attempt + 1)
            else:
                if response.is_success:
                    return response
                if (response.status_code == 401 and self._reauthorize is not None
                        and not call.reauthorized):
                    call.reauthorized = True
                    if self._reauthorize():
                        continue
                    raise StoreAuthError(
                        f"The store {self.address.display} no longer accepts PackDesk's app "
                        "sign-in (the app may have been removed or its access revoked).",
                        hint=OAUTH_HINT, status_code=401)
                if not self._may_retry_status(call, response.status_code):
                    raise store_error_for_response(response, self.address,
                                                   secrets=(self._safe_token(),))
                log.info("%s %s answered %s; retrying", call.method, call.url.path,
                         response.status_code)
                wait = self._retry_wait(call, response)
            call.attempt += 1
            self._stats.retry()
            if wait > 0:
                self._sleep(wait)

    def _retry_wait(self, call: _Call, response: httpx.Response) -> float:
        """After a 429 the throttle does the waiting (Retry-After + margin); else back off."""
        if response.status_code == 429:
            self.throttle.block_for(parse_retry_after(response.headers.get("Retry-After")))
            return 0.0
        return self._backoff(call.attempt + 1)

    def _send_once(self, call: _Call) -> httpx.Response:
        """One request through the throttle; follows one same-origin redirect."""
        request = self._http.build_request(
            call.method, call.url, params=call.params, json=call.json,
            headers={"X-AC-Auth-Token": self._token(), "Accept": "application/json",
                     "Cache-Control": "no-cache"},
            timeout=self._timeout or httpx.USE_CLIENT_DEFAULT)
        permit = self.throttle.acquire()
        started = time.perf_counter()
        try:
            response = self._http.send(request, follow_redirects=False)
        except _NOT_SENT_ERRORS:
            # Never reached the store, so it counted nothing: offline retries must not use up
            # the allowance (before the first answer we assume the smallest plan's 5 calls).
            self.throttle.release(permit)
            raise
        except BaseException:
            self.throttle.done(permit, None)
            raise
        limit = parse_call_limit(response.headers.get("X-AC-Call-Limit"))
        self.throttle.done(permit, limit)
        self._stats.response(response, limit)
        log.debug("%s %s -> %s in %.0f ms (limit %s)", call.method, request.url.path,
                  response.status_code, (time.perf_counter() - started) * 1000, limit)
        if response.is_redirect:
            return self._follow_redirect(call, response)
        return response

    def _follow_redirect(self, call: _Call, response: httpx.Response) -> httpx.Response:
        target = response.request.url.join(response.headers["Location"])
        where = self.address.display
        if _origin(target) != self.address.origin:
            raise StoreError(f"The store {where} redirected to {_origin(target)}, another address; "
                             "PackDesk does not send the access token there.",
                             hint="If the store moved, enter its new address in the connection.",
                             status_code=response.status_code)
        if call.redirected or (call.is_write
                               and response.status_code not in _BODY_KEEPING_REDIRECTS):
            raise StoreError(f"The store {where} redirected {call.url.path} again and again "
                             "or in a way that would lose the change.",
                             status_code=response.status_code)
        return self._send_once(_Call(call.method, target, None, call.json, call.retry_writes,
                                     call.attempt, redirected=True))

    # --- retry policy -----------------------------------------------------------------------

    def _may_retry_status(self, call: _Call, status: int) -> bool:
        if call.attempt >= self._max_retries:
            return False
        if status == 429:
            return True  # refused before processing: safe even for writes
        return status >= 500 and (not call.is_write or call.retry_writes)

    def _may_retry_transport(self, call: _Call, exc: httpx.TransportError) -> bool:
        if call.attempt >= self._max_retries:
            return False
        if isinstance(exc, httpx.ConnectError) and call.attempt >= MAX_CONNECT_RETRIES:
            # Nobody answering (offline, store down) rarely mends within seconds; say so
            # quickly and let the poll timer or the outbox try again later.
            return False
        return not call.is_write or call.retry_writes or isinstance(exc, _NOT_SENT_ERRORS)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with 'equal jitter': half fixed, half random."""
        delay = min(self._backoff_cap, self._backoff_base * 2.0 ** (attempt - 1))
        return delay / 2 + self._rng.uniform(0, delay / 2)

    def _json(self, response: httpx.Response) -> Any:
        return decode_json(response, self.address)

    def _safe_token(self) -> str | None:
        try:
            return self._token()
        except Exception:  # noqa: BLE001 - the token is only wanted for redaction here
            return None


def _missing(asked: list[str], got: list[dict[str, Any]]) -> list[str]:
    found = {str(item.get("id")) for item in got if isinstance(item, dict)}
    return [i for i in asked if i not in found]


def _origin(url: httpx.URL) -> str:
    raw = url.raw_host.decode("ascii")  # punycode, as StoreAddress keeps it
    host = f"[{raw}]" if ":" in raw else raw
    default = {"https": 443, "http": 80}.get(url.scheme)
    port = "" if url.port in (None, default) else f":{url.port}"
    return f"{url.scheme}://{host}{port}"


def _without_none(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value is not None}


