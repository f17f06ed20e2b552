from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.errors import StoreAuthError, StoreResponseError, StoreUnavailableError
from app.integrations.americommerce import oauth
from app.integrations.americommerce.address import parse_store_address

ADDRESS = parse_store_address("mystore.example.com")
OAUTH = "https://mystore.example.com/api/oauth"
REDIRECT = "http://127.0.0.1:8765/Callback"


def test_authorize_url():
    url = oauth.authorize_url(ADDRESS, "app42", ["read_orders", "orders", "system"], REDIRECT)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == OAUTH
    assert parse_qs(parts.query) == {"client_id": ["app42"], "scope": ["read_orders,orders,system"],
                                     "redirect_uri": [REDIRECT]}
    assert "scope=read_orders,orders,system" in url


def test_signatures():
    expected = hashlib.sha256(
        ("s3cret" + "CODE" + "app42" + "orders,system" + REDIRECT.lower()).encode()).hexdigest()
    signature = oauth.access_token_signature("s3cret", "CODE", "app42", "orders,system", REDIRECT)
    assert signature == expected
    refresh = oauth.refresh_signature("s3cret", "RT", "app42")
    assert refresh == hashlib.sha256(b"s3cretRTapp42").hexdigest()


def test_parse_callback():
    cb = oauth.parse_callback(f"{REDIRECT}?auth_id=77&code=CODE-XYZ")
    assert (cb.auth_id, cb.code) == ("77", "CODE-XYZ")
    assert "CODE-XYZ" not in repr(cb)
    assert oauth.parse_callback("auth_id=1&code=2").code == "2"
    assert oauth.parse_callback({"auth_id": "1", "code": "2"}).auth_id == "1"


@pytest.mark.parametrize("query, words", [
    ("error=access_denied&error_reason=user_denied", "declined"),
    ("error=invalid_scope&error_description=Unknown+scope+foo", "Unknown scope foo"),
    ("error=server_error&error_reason=oops", "oops"),
    ("auth_id=1", "lacked its code"),
])
def test_parse_callback_errors(query, words):
    with pytest.raises(StoreAuthError, match=words):
        oauth.parse_callback(f"{REDIRECT}?{query}")


def _transport(handler):
    seen = []

    def record(request):
        seen.append(request)
        return handler(request)

    return httpx.Client(transport=httpx.MockTransport(record)), seen


def test_exchange_code_posts_the_signature_and_hides_tokens():
    http, seen = _transport(lambda r: httpx.Response(200, json={
        "access_token": "AT-1", "refresh_token": "RT-1", "expires": "2030-01-01T00:00:00Z",
        "username": "owner"}))
    cb = oauth.OAuthCallback("77", "CODE")
    tokens = oauth.exchange_code(http, ADDRESS, client_id="app42", app_secret="s3cret", callback=cb,
                                 scopes=["orders", "system"], redirect_uri=REDIRECT)
    assert str(seen[0].url) == f"{OAUTH}/access_token"
    assert json.loads(seen[0].content) == {
        "client_id": "app42", "auth_id": "77",
        "signature": oauth.access_token_signature("s3cret", "CODE", "app42", "orders,system",
                                                  REDIRECT)}
    assert (tokens.access_token, tokens.refresh_token, tokens.username) == ("AT-1", "RT-1", "owner")
    assert tokens.expires_at.year == 2030
    assert "AT-1" not in repr(tokens) and "RT-1" not in repr(tokens)


def test_refresh_keeps_the_old_refresh_token_if_none_comes_back():
    http, seen = _transport(lambda r: httpx.Response(200, json={"access_token": "AT-2",
                                                                "expires": 1893456000}))
    tokens = oauth.refresh(http, ADDRESS, client_id="app42", app_secret="s3cret",
                           refresh_token="RT-1")
    assert str(seen[0].url) == f"{OAUTH}/refresh"
    body = json.loads(seen[0].content)
    assert body["refresh_token"] == "RT-1"
    assert body["signature"] == oauth.refresh_signature("s3cret", "RT-1", "app42")
    assert (tokens.access_token, tokens.refresh_token) == ("AT-2", "RT-1")
    assert tokens.expires_at.year == 2030


def test_refusal_is_an_auth_error_without_secrets():
    http, _ = _transport(lambda r: httpx.Response(403, json={
        "status_code": 403, "message": "Bad signature", "details": "refresh token RT-1 rejected"}))
    with pytest.raises(StoreAuthError) as info:
        oauth.refresh(http, ADDRESS, client_id="app42", app_secret="s3cret", refresh_token="RT-1")
    assert "RT-1" not in str(info.value) and "RT-1" not in info.value.details
    assert "s3cret" not in str(info.value)


def test_missing_access_token_and_offline():
    http, _ = _transport(lambda r: httpx.Response(200, json={"error": "nope"}))
    with pytest.raises(StoreResponseError):
        oauth.refresh(http, ADDRESS, client_id="a", app_secret="s", refresh_token="r")

    def offline(request):
        raise httpx.ConnectError("no route", request=request)

    http, _ = _transport(offline)
    with pytest.raises(StoreUnavailableError, match="Cannot reach"):
        oauth.refresh(http, ADDRESS, client_id="a", app_secret="s", refresh_token="r")
