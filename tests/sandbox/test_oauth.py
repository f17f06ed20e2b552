"""OAuth: authorize redirect, code exchange and refresh with sha256 signatures."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx

from app.sandbox import Sandbox

CLIENT_ID, SECRET = "packdesk-sandbox", "sandbox-secret"
REDIRECT = "http://127.0.0.1:53682/Callback"
SCOPE = "read_orders,orders,system,no_expiry"


def _authorize(sb: Sandbox, client_id: str = CLIENT_ID) -> dict[str, list[str]]:
    response = httpx.get(sb.base_url + "/api/oauth", params={
        "client_id": client_id, "scope": SCOPE, "redirect_uri": REDIRECT})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return parse_qs(urlsplit(location).query)


def test_full_flow_issues_working_tokens(sb: Sandbox) -> None:
    grant = _authorize(sb)
    code, auth_id = grant["code"][0], grant["auth_id"][0]
    signature = hashlib.sha256((SECRET + code + CLIENT_ID + SCOPE + REDIRECT.lower())
                               .encode()).hexdigest()
    tokens = httpx.post(sb.base_url + "/api/oauth/access_token", json={
        "client_id": CLIENT_ID, "auth_id": auth_id, "signature": signature}).json()
    assert set(tokens) == {"access_token", "refresh_token", "expires", "username"}
    orders = httpx.get(sb.base_url + "/api/v1/orders?count=1",
                       headers={"X-AC-Auth-Token": tokens["access_token"]})
    assert orders.status_code == 200
    # a code is single-use
    replay = httpx.post(sb.base_url + "/api/oauth/access_token", json={
        "client_id": CLIENT_ID, "auth_id": auth_id, "signature": signature})
    assert replay.status_code == 403
    # refresh, form-encoded this time; the refresh token stays usable
    refresh_sig = hashlib.sha256(
        (SECRET + tokens["refresh_token"] + CLIENT_ID).encode()).hexdigest()
    for _ in range(2):
        renewed = httpx.post(sb.base_url + "/api/oauth/refresh", data={
            "client_id": CLIENT_ID, "refresh_token": tokens["refresh_token"],
            "signature": refresh_sig})
        assert renewed.status_code == 200
        fresh = renewed.json()["access_token"]
        assert fresh != tokens["access_token"]
        assert httpx.get(sb.base_url + "/api/v1/stores",
                         headers={"X-AC-Auth-Token": fresh}).status_code == 200


def test_bad_signatures_are_403(sb: Sandbox) -> None:
    grant = _authorize(sb)
    bad = httpx.post(sb.base_url + "/api/oauth/access_token", json={
        "client_id": CLIENT_ID, "auth_id": grant["auth_id"][0], "signature": "00" * 32})
    assert bad.status_code == 403 and set(bad.json()) == {"status_code", "message", "details"}
    refresh = httpx.post(sb.base_url + "/api/oauth/refresh", json={
        "client_id": CLIENT_ID, "refresh_token": "nope", "signature": "00"})
    assert refresh.status_code == 403


def test_unknown_client_gets_an_error_redirect(sb: Sandbox) -> None:
    params = _authorize(sb, client_id="stranger")
    assert set(params) == {"error", "error_reason", "error_description"}


def test_tokens_expire_by_the_store_clock(sb: Sandbox) -> None:
    response = httpx.get(sb.base_url + "/api/oauth", params={
        "client_id": CLIENT_ID, "scope": "read_orders", "redirect_uri": REDIRECT})
    grant = parse_qs(urlsplit(response.headers["Location"]).query)
    signature = hashlib.sha256((SECRET + grant["code"][0] + CLIENT_ID + "read_orders"
                                + REDIRECT.lower()).encode()).hexdigest()
    token = httpx.post(sb.base_url + "/api/oauth/access_token", json={
        "client_id": CLIENT_ID, "auth_id": grant["auth_id"][0],
        "signature": signature}).json()["access_token"]
    headers = {"X-AC-Auth-Token": token}
    assert httpx.get(sb.base_url + "/api/v1/stores", headers=headers).status_code == 200
    sb.control.advance_clock(days=31)
    assert httpx.get(sb.base_url + "/api/v1/stores", headers=headers).status_code == 401
