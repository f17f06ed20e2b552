from __future__ import annotations

import email.utils
import logging
import ssl
import threading
import time

import httpx
import pytest
import respx

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
from app.integrations.americommerce.client import (
    DEFAULT_TIMEOUT,
    AmeriCommerceClient,
    Page,
    make_http_client,
)
from app.integrations.americommerce.throttle import CallLimit
from tests.unit.americommerce.ac_fakes import API, TOKEN


def _json(status=200, body=None, limit="1/10", **headers):
    if limit:
        headers["X-AC-Call-Limit"] = limit
    return httpx.Response(status, json=body if body is not None else {}, headers=headers)


def _error(status, message="Bad", details=""):
    return _json(status, {"status_code": status, "message": message, "details": details})


# --- requests ---------------------------------------------------------------------------------

def test_every_request_carries_token_and_cache_headers(mock, client):
    route = mock.get("/orders/5").mock(return_value=_json(body={"id": 5}))
    assert client.get("/orders/5", {"expand": "items"}) == {"id": 5}
    request = route.calls.last.request
    assert request.headers["X-AC-Auth-Token"] == TOKEN
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Cache-Control"] == "no-cache"
    assert request.headers["User-Agent"].startswith("PackDesk/")
    assert request.url.params["expand"] == "items"


def test_token_is_fetched_per_request(mock, address, clock):
    tokens = iter(["first", "second"])
    route = mock.get("/stores").mock(return_value=_json(body={"stores": []}))
    with make_http_client(address) as http:
        client = AmeriCommerceClient(http, address, lambda: next(tokens), sleep=clock.sleep)
        client.get("/stores")
        client.get("/stores")
    assert [c.request.headers["X-AC-Auth-Token"] for c in route.calls] == ["first", "second"]


def test_factory_sets_explicit_timeouts_and_no_redirects(address):
    with make_http_client(address) as http:
        assert http.timeout == DEFAULT_TIMEOUT
        timeout = http.timeout
        assert timeout.connect and timeout.read and timeout.write and timeout.pool
        assert http.follow_redirects is False


def test_injected_client_without_timeouts_gets_them(mock, address, clock):
    route = mock.get("/stores").mock(return_value=_json(body={"stores": []}))
    with httpx.Client(timeout=None) as http:  # noqa: S113 - the case under test
        AmeriCommerceClient(http, address, lambda: TOKEN, sleep=clock.sleep).get("/stores")
    assert route.calls.last.request.extensions["timeout"]["read"] == DEFAULT_TIMEOUT.read


def test_repr_never_shows_the_token(client):
    assert TOKEN not in repr(client) and TOKEN not in str(client)
    assert "mystore.example.com" in repr(client)


def test_post_and_put(mock, client):
    mock.post("/order_shipments").mock(return_value=_json(201, {"id": 9}))
    mock.put("/orders/5/status").mock(return_value=_json(200, {"id": 5, "order_status_id": 3}))
    assert client.post("/order_shipments", {"order_id": 5}) == (201, {"id": 9})
    assert client.put("/orders/5/status", {"order_status_id": 3})["order_status_id"] == 3
    assert mock.calls[0].request.content == b'{"order_id":5}'


# --- paging -----------------------------------------------------------------------------------

def test_get_list_follows_next_page_verbatim_and_reads_the_one_array(mock, client):
    next_url = (f"{API}/order_addresses?count=2&page=2"
                "&updated_at=gt:2021-01-01T00:00:00Z+AND+lt:2022")
    page2 = mock.get(next_url).mock(
        return_value=_json(body={"total_count": 3, "addresses": [{"id": 3}]}))
    page1 = mock.get("/order_addresses").mock(return_value=_json(body={
        "total_count": 3, "next_page": next_url, "addresses": [{"id": 1}, {"id": 2}]}))
    pages = list(client.get_list("/order_addresses", {"count": 2}))
    assert pages == [Page([{"id": 1}, {"id": 2}], 3, next_url), Page([{"id": 3}], 3, None)]
    assert str(page2.calls.last.request.url) == next_url
    assert page1.call_count == 1


def test_a_404_after_the_first_page_ends_the_list(mock, client):
    mock.get("/orders", params={"page": "2"}).mock(return_value=_error(404, "Not Found"))
    mock.get("/orders").mock(return_value=_json(body={
        "total_count": 2, "orders": [{"id": 1}], "next_page": f"{API}/orders?page=2"}))
    assert client.get_all("/orders") == [{"id": 1}]


def test_a_404_on_the_first_page_is_an_error(mock, client):
    mock.get("/nothing").mock(return_value=_error(404, "Not Found"))
    with pytest.raises(StoreNotFoundError):
        list(client.get_list("/nothing"))


def test_an_empty_list_has_no_array(mock, client):
    mock.get("/orders").mock(return_value=_json(body={"total_count": 0}))
    assert list(client.get_list("/orders")) == [Page([], 0, None)]


def test_several_arrays_prefer_the_resource_name_or_fail(mock, client):
    mock.get("/orders").mock(return_value=_json(body={"orders": [{"id": 1}], "warnings": []}))
    mock.get("/things").mock(return_value=_json(body={"a": [], "b": []}))
    assert client.get_all("/orders") == [{"id": 1}]
    with pytest.raises(StoreResponseError, match="several lists"):
        client.get_all("/things")


def test_next_page_on_another_host_stays_on_our_origin(mock, client):
    mock.get("/orders", params={"page": "2"}).mock(return_value=_json(body={"orders": [{"id": 2}]}))
    mock.get("/orders").mock(return_value=_json(body={
        "orders": [{"id": 1}], "next_page": "http://internal-node:8080/api/v1/orders?page=2"}))
    assert client.get_all("/orders") == [{"id": 1}, {"id": 2}]
    assert {c.request.url.host for c in mock.calls} == {"mystore.example.com"}


def test_next_page_outside_the_api_is_refused(mock, client):
    mock.get("/orders").mock(return_value=_json(body={
        "orders": [{"id": 1}], "next_page": "https://evil.example.net/collect?page=2"}))
    with pytest.raises(StoreResponseError, match=r"evil\.example\.net"):
        client.get_all("/orders")


def test_a_next_page_loop_is_stopped(mock, client):
    mock.get("/orders").mock(return_value=_json(body={
        "orders": [{"id": 1}], "next_page": f"{API}/orders"}))
    with pytest.raises(StoreResponseError, match="twice"):
        client.get_all("/orders")


# --- select_many ------------------------------------------------------------------------------

def test_select_many_batches_and_dedupes(mock, client):
    route = mock.get("/customers/select_many").mock(
        side_effect=lambda request: _json(body={"customers": [
            {"id": int(i)} for i in request.url.params["ids"].split(",")]}))
    got = client.select_many("customers", [1, 2, 2, 3, 4, 5], expand=["addresses"], batch=2)
    assert [c["id"] for c in got] == [1, 2, 3, 4, 5]
    assert [c.request.url.params["ids"] for c in route.calls] == ["1,2", "3,4", "5"]
    assert route.calls.last.request.url.params["expand"] == "addresses"


def _paged_select(page_size=100, drop=()):
    """A store that pages select_many at `page_size` like any list and leaves out `drop`."""
    def answer(request):
        ids = [int(i) for i in request.url.params["ids"].split(",") if int(i) not in drop]
        page = int(request.url.params.get("page", 1))
        items = ids[(page - 1) * page_size:page * page_size]
        body = {"total_count": len(ids), "customers": [{"id": i} for i in items]}
        if page * page_size < len(ids):
            body["next_page"] = str(request.url.copy_set_param("page", page + 1))
        return _json(body=body)
    return answer


def test_select_many_sends_count_and_follows_next_page(mock, client):
    route = mock.get("/customers/select_many").mock(side_effect=_paged_select())
    ids = list(range(1000, 1250))
    got = client.select_many("customers", ids, batch=200)
    assert sorted(c["id"] for c in got) == ids
    first = route.calls[0].request.url.params
    assert first["count"] == "200" and "page" not in first
    assert route.call_count == 3  # 200 ids in two pages of 100, then the last 50


def test_select_many_asks_once_more_for_ids_left_out_then_leaves_them_absent(mock, client):
    route = mock.get("/customers/select_many").mock(side_effect=_paged_select(drop={5}))
    got = client.select_many("customers", [4, 5, 6])
    assert [c["id"] for c in got] == [4, 6]
    assert [c.request.url.params["ids"] for c in route.calls] == ["4,5,6", "5"]


def test_select_many_falls_back_to_an_or_filter_and_remembers(mock, client):
    select = mock.get("/order_addresses/select_many").mock(return_value=_error(404, "Not Found"))
    listing = mock.get("/order_addresses").mock(
        side_effect=lambda request: _json(body={"addresses": [
            {"id": int(i)} for i in request.url.params["id"].split(" OR ")]}))
    assert client.select_many("order_addresses", [7, 8]) == [{"id": 7}, {"id": 8}]
    assert client.select_many("order_addresses", [9]) == [{"id": 9}]
    assert select.call_count == 1
    assert listing.calls[0].request.url.params["id"] == "7 OR 8"
    assert listing.calls[0].request.url.params["count"] == "2"
    assert b"id=7+OR+8" in listing.calls[0].request.url.raw_path


def test_select_many_keeps_urls_short(mock, make_client):
    client = make_client(max_url_length=300)
    route = mock.get("/products/select_many").mock(
        side_effect=lambda request: _json(body={"products": [
            {"id": int(i)} for i in request.url.params["ids"].split(",")]}))
    ids = list(range(100000, 100100))
    client.select_many("products", ids, expand=["pictures", "custom_fields"], batch=100)
    assert route.call_count > 1
    for call in route.calls:
        assert len(str(call.request.url)) <= 300
    sent = [i for call in route.calls for i in call.request.url.params["ids"].split(",")]
    assert sent == [str(i) for i in ids]


# --- retries ----------------------------------------------------------------------------------

def test_5xx_is_retried_with_backoff(mock, client, clock):
    route = mock.get("/orders/1").mock(side_effect=[
        _error(503, "Busy"), _error(500, "Oops"), _json(body={"id": 1})])
    assert client.get("/orders/1") == {"id": 1}
    assert route.call_count == 3
    assert client.stats.retries == 2
    first, second = clock.sleeps
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0  # equal jitter around 0.5 s, 1 s


def test_5xx_after_all_retries_is_unavailable(mock, make_client, clock):
    client = make_client(max_retries=2)
    route = mock.get("/orders/1").mock(return_value=_error(502, "Bad gateway"))
    with pytest.raises(StoreUnavailableError, match="HTTP 502") as info:
        client.get("/orders/1")
    assert route.call_count == 3 and info.value.retryable


@pytest.mark.parametrize("exc", [
    httpx.ConnectError("refused"), httpx.ReadTimeout("slow"),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
    httpx.ReadError("reset"),
])
def test_transport_errors_are_retried(mock, client, exc):
    route = mock.get("/orders/1").mock(side_effect=[exc, _json(body={"id": 1})])
    assert client.get("/orders/1") == {"id": 1}
    assert route.call_count == 2


def test_connect_error_after_retries_says_offline(mock, make_client):
    client = make_client(max_retries=1)
    mock.get("/orders/1").mock(
        side_effect=httpx.ConnectError("[Errno -2] Name or service not known"))
    with pytest.raises(StoreUnavailableError, match=r"Cannot reach mystore\.example\.com: offline"):
        client.get("/orders/1")


def test_429_waits_for_retry_after_plus_a_margin(mock, client, clock):
    route = mock.get("/orders/1").mock(side_effect=[
        _json(429, {"message": "Too many"}, limit="10/10", **{"Retry-After": "3"}),
        _json(body={"id": 1})])
    assert client.get("/orders/1") == {"id": 1}
    assert route.call_count == 2
    assert clock.sleeps[0] >= 3.0 + 0.5
    stats = client.stats
    assert stats.responses_429 == 1 and stats.retries == 1
    assert stats.last_call_limit == CallLimit(1, 10)


def test_429_with_an_http_date(mock, client, clock):
    date = email.utils.formatdate(time.time() + 5, usegmt=True)
    mock.get("/orders/1").mock(side_effect=[
        _json(429, {"message": "Too many"}, **{"Retry-After": date}), _json(body={"id": 1})])
    client.get("/orders/1")
    assert 4.0 + 0.5 <= clock.sleeps[0] <= 6.0 + 1.0


def test_429_storm_names_the_plan_limit(mock, make_client):
    client = make_client(max_retries=3)
    mock.get("/orders/1").mock(return_value=_json(
        429, {"message": "Too many"}, limit="5/5", **{"Retry-After": "1"}))
    with pytest.raises(StoreRateLimitedError, match="5 calls per 10 s") as info:
        client.get("/orders/1")
    assert info.value.retry_after == 1.0
    assert client.stats.responses_429 == 4


def test_writes_are_not_retried_after_they_may_have_arrived(mock, client):
    route = mock.post("/products").mock(side_effect=[_error(503), _json(201, {"id": 1})])
    with pytest.raises(StoreUnavailableError):
        client.post("/products", {"item_name": "x"})
    assert route.call_count == 1
    route = mock.post("/orders").mock(side_effect=[httpx.ReadTimeout("slow"), _json(201)])
    with pytest.raises(StoreUnavailableError, match="did not answer in time"):
        client.post("/orders", {})


def test_writes_retry_when_the_caller_says_they_are_upserts(mock, client):
    route = mock.post("/order_shipments").mock(side_effect=[
        _error(500), httpx.ReadTimeout("slow"), _json(200, {"id": 4})])
    answer = client.post("/order_shipments", {"shipment_name": "PD-1-2"}, retry_writes=True)
    assert answer == (200, {"id": 4})
    assert route.call_count == 3


def test_writes_retry_when_nothing_was_sent(mock, client):
    route = mock.post("/products").mock(side_effect=[
        httpx.ConnectError("refused"), _json(429, {}, **{"Retry-After": "0"}),
        _json(201, {"id": 1})])
    assert client.post("/products", {}) == (201, {"id": 1})
    assert route.call_count == 3


# --- permanent errors -------------------------------------------------------------------------

@pytest.mark.parametrize("status, kind", [
    (400, StoreRejectedError), (401, StoreAuthError), (403, StoreAuthError),
    (404, StoreNotFoundError), (409, StoreRejectedError), (422, StoreRejectedError)])
def test_permanent_errors_raise_at_once(mock, client, status, kind):
    route = mock.put("/orders/5").mock(return_value=_error(status, "No", "order is locked"))
    with pytest.raises(kind) as info:
        client.put("/orders/5", {"x": 1})
    assert route.call_count == 1
    assert info.value.status_code == status
    assert info.value.details == "order is locked"


def test_rejection_carries_the_stores_words(mock, client):
    mock.post("/order_shipments").mock(return_value=_error(
        409, "Validation failed", "quantity_shipped exceeds quantity"))
    with pytest.raises(StoreRejectedError, match="quantity_shipped exceeds quantity"):
        client.post("/order_shipments", {})


def test_401_hints_how_to_make_a_token(mock, client):
    mock.get("/stores").mock(
        return_value=_error(401, "Unauthorized", "Invalid or missing access token."))
    with pytest.raises(StoreAuthError) as info:
        client.get("/stores")
    assert "refused the access token" in info.value.message
    assert "scopes" in info.value.hint


# --- bodies -----------------------------------------------------------------------------------

def test_html_body_is_not_a_store(mock, client):
    mock.get("/orders/1").mock(return_value=httpx.Response(
        200, text="<html><body>Welcome</body></html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(StoreResponseError, match="not like an AmeriCommerce store"):
        client.get("/orders/1")


def _cut(content=b'{"id": 1, "items": [{"sku": "AB'):
    return httpx.Response(200, content=content, headers={"Content-Type": "application/json",
                                                         "X-AC-Call-Limit": "1/10"})


def test_truncated_json_is_retried_like_a_dropped_connection(mock, client):
    route = mock.get("/orders/1").mock(side_effect=[_cut(), _cut(b'{"id": 1, "ite'),
                                                    _json(body={"id": 1})])
    assert client.get("/orders/1") == {"id": 1}
    assert route.call_count == 3 and client.stats.retries == 2


def test_truncated_json_that_persists_is_named_an_incomplete_answer(mock, make_client):
    client = make_client(max_retries=2)
    route = mock.get("/orders").mock(return_value=_cut())
    with pytest.raises(StoreIncompleteAnswerError, match="incomplete answer") as info:
        client.get_all("/orders")
    assert route.call_count == 3
    assert "not like an AmeriCommerce" not in str(info.value) and info.value.retryable


def test_truncated_answer_to_a_plain_post_is_not_repeated(mock, client):
    route = mock.post("/products").mock(return_value=_cut())
    with pytest.raises(StoreIncompleteAnswerError):
        client.post("/products", {"item_name": "x"})
    assert route.call_count == 1  # the product may exist now: a repeat could make two


def test_malformed_json_that_is_not_cut_off_is_still_not_a_store(mock, client):
    mock.get("/orders/1").mock(return_value=_cut(b'{"id": 1,, "x": 2}'))
    with pytest.raises(StoreResponseError, match="not JSON") as info:
        client.get("/orders/1")
    assert not isinstance(info.value, StoreIncompleteAnswerError)


def test_tls_failure_is_not_retried(address, clock):
    calls = []

    def handshake(request):  # as httpx raises it: chained from the ssl error
        calls.append(request)
        try:
            raise ssl.SSLCertVerificationError("certificate verify failed")
        except ssl.SSLError as exc:
            raise httpx.ConnectError("handshake failed", request=request) from exc

    # respx would drop the exception chain, so a plain MockTransport here.
    with make_http_client(address, transport=httpx.MockTransport(handshake)) as http:
        client = AmeriCommerceClient(http, address, lambda: TOKEN, sleep=clock.sleep)
        with pytest.raises(StoreTLSError):
            client.get("/orders/1")
    assert len(calls) == 1


# --- redirects --------------------------------------------------------------------------------

def test_redirect_to_another_host_is_refused_without_sending_the_token(mock, client):
    elsewhere = respx.get("https://other.example.net/api/v1/orders/1").mock(return_value=_json())
    mock.get("/orders/1").mock(return_value=httpx.Response(
        301, headers={"Location": "https://other.example.net/api/v1/orders/1"}))
    with pytest.raises(StoreError, match=r"redirected to https://other\.example\.net") as info:
        client.get("/orders/1")
    assert type(info.value) is StoreError
    assert not elsewhere.called


def test_redirect_to_http_on_the_same_host_is_refused(mock, client):
    mock.get("/orders/1").mock(return_value=httpx.Response(
        302, headers={"Location": "http://mystore.example.com/api/v1/orders/1"}))
    with pytest.raises(StoreError, match="another address"):
        client.get("/orders/1")


def test_same_origin_redirect_is_followed_once(mock, client):
    target = mock.get("/orders/1/").mock(return_value=_json(body={"id": 1}))
    mock.get("/orders/1").mock(
        return_value=httpx.Response(301, headers={"Location": "/api/v1/orders/1/"}))
    assert client.get("/orders/1") == {"id": 1}
    assert target.calls.last.request.headers["X-AC-Auth-Token"] == TOKEN


def test_redirect_loops_are_stopped(mock, client):
    mock.get("/a").mock(return_value=httpx.Response(302, headers={"Location": "/api/v1/b"}))
    mock.get("/b").mock(return_value=httpx.Response(302, headers={"Location": "/api/v1/a"}))
    with pytest.raises(StoreError, match="redirected"):
        client.get("/a")


def test_a_write_is_only_redirected_when_the_body_survives(mock, client):
    mock.post("/x").mock(return_value=httpx.Response(302, headers={"Location": "/api/v1/y"}))
    with pytest.raises(StoreError, match="lose the change"):
        client.post("/x", {"a": 1})
    target = mock.post("/z").mock(return_value=_json(201, {"ok": True}))
    mock.post("/w").mock(return_value=httpx.Response(307, headers={"Location": "/api/v1/z"}))
    assert client.post("/w", {"a": 1}) == (201, {"ok": True})
    assert target.calls.last.request.content == b'{"a":1}'


# --- secrets ----------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    _error(400, f"Bad token {TOKEN}", f"you sent {TOKEN}"), _error(401, "Unauthorized", TOKEN),
    _error(403, TOKEN), _error(404, TOKEN), _error(409, "x", TOKEN), _error(500, TOKEN, TOKEN),
    _json(429, {"message": TOKEN}), httpx.ConnectError(f"failed {TOKEN}"),
    httpx.Response(200, text=f"<html>{TOKEN}</html>"),
])
def test_the_token_never_appears_in_errors_or_logs(mock, make_client, caplog, answer):
    client = make_client(max_retries=1)
    caplog.set_level(logging.DEBUG)
    mock.get("/orders/1").mock(side_effect=answer if isinstance(answer, Exception) else None,
                               return_value=None if isinstance(answer, Exception) else answer)
    with pytest.raises(StoreError) as info:
        client.get("/orders/1")
    error = info.value
    for text in (str(error), repr(error), error.message, error.hint, error.details):
        assert TOKEN not in text
    assert TOKEN not in caplog.text


# --- connection check -------------------------------------------------------------------------

def test_connection_check_lists_storefronts_and_the_plan(mock, client):
    mock.get("/stores").mock(return_value=_json(
        body={"total_count": 2, "stores": [{"id": 1, "name": "Main"}, {"id": 2, "name": "Outlet"}]},
        limit="1/20"))
    check = client.test_connection()
    assert [s["name"] for s in check.storefronts] == ["Main", "Outlet"]
    assert check.call_limit_max == 20


@pytest.mark.parametrize("answer, kind, words", [
    (_error(401, "Unauthorized"), StoreAuthError, "refused the access token"),
    (_error(403, "Forbidden"), StoreAuthError, "'system'"),
    (_error(404, "Not Found"), StoreNotFoundError, "No AmeriCommerce store answers"),
    (httpx.Response(200, text="<!doctype html><title>Shop</title>"), StoreResponseError,
     "answered, but not like an AmeriCommerce store"),
    (httpx.ConnectError("[Errno -3] Temporary failure in name resolution"), StoreUnavailableError,
     "offline"),
    (_json(429, {"message": "Too many"}, limit="5/5", **{"Retry-After": "2"}),
     StoreRateLimitedError, "5 calls per 10 s"),
])
def test_connection_check_explains_failures(mock, make_client, answer, kind, words):
    client = make_client(max_retries=2)
    route = mock.get("/stores")
    if isinstance(answer, Exception):
        route.mock(side_effect=answer)
    else:
        route.mock(return_value=answer)
    with pytest.raises(kind, match=words):
        client.test_connection()


def test_connection_check_tls(mock, client):
    exc = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    mock.get("/stores").mock(side_effect=exc)
    with pytest.raises(StoreTLSError, match="secure connection"):
        client.test_connection()


# --- threads ----------------------------------------------------------------------------------

def test_stats_are_counted_across_threads(mock, make_client):
    client = make_client(throttle=None)
    client.throttle._max = 1000  # pacing is tested elsewhere; here only the counters
    mock.get("/orders/1").mock(return_value=_json(body={"id": 1}, limit="3/1000"))

    def worker():
        for _ in range(20):
            client.get("/orders/1")

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = client.stats
    assert stats.requests == 80 and stats.retries == 0
    assert stats.bytes_received == 80 * len(b'{"id":1}')
    assert stats.last_call_limit == CallLimit(3, 1000)
