"""Connecting as an OAuth app: loopback sign-in, tokens in the keyring, refresh on 401."""
from __future__ import annotations

import httpx
import pytest

from app.domain.connection_settings import ConnectionSettings
from app.errors import StoreAuthError
from app.integrations.americommerce.address import parse_store_address
from app.integrations.americommerce.client import make_http_client
from app.services.oauth_signin import OAuthApp, OAuthSignIn


def browser_allows(url: str) -> None:
    """What the store owner's browser does: open the consent page, follow the redirect."""
    consent = httpx.get(url, follow_redirects=False, timeout=10)
    assert consent.status_code == 302
    assert httpx.get(consent.headers["location"], timeout=10).status_code == 200


def test_sign_in_connect_sync_and_refresh_an_expired_token(station, sandbox, memory_keyring):
    client_id, secret = next(iter(sandbox.config.oauth_clients.items()))
    address = parse_store_address(sandbox.domain)
    app = OAuthApp(client_id, secret)
    with make_http_client(address) as http:
        sign_in = OAuthSignIn(http, address, app)
        assert sign_in.redirect_uri.startswith("http://127.0.0.1:")
        browser_allows(sign_in.url)
        tokens = sign_in.wait(timeout=10)
    record = station.connections.add_oauth(
        ConnectionSettings(name="app", address=sandbox.domain), app, tokens)
    assert record.auth_kind == "oauth" and record.oauth_client_id == client_id
    stored = {user.split(":", 1)[1] for (_, user) in memory_keyring.passwords}
    assert stored == {f"{record.id}:token", f"{record.id}:refresh_token",
                      f"{record.id}:client_secret"}
    # the access token went bad (expired, revoked): the client refreshes it once and goes on
    station.secrets.put(record.id, "token", "expired-access-token-000")
    result = station.sync.sync(record.id)
    assert result.outcome == "ok", result.error
    assert station.secrets.get(record.id, "token") != "expired-access-token-000"
    with station.storage.db.read() as session:
        for table in ("connections",):
            rows = session.connection().exec_driver_sql(f"SELECT * FROM {table}").fetchall()
            assert secret not in repr(rows) and tokens.access_token not in repr(rows)


def test_a_declined_or_abandoned_sign_in_says_so(sandbox):
    address = parse_store_address(sandbox.domain)
    with make_http_client(address) as http:
        sign_in = OAuthSignIn(http, address, OAuthApp("unknown-app", "x"))
        httpx.get(httpx.get(sign_in.url).headers["location"])  # the store's error redirect
        with pytest.raises(StoreAuthError):
            sign_in.wait(timeout=10)
        abandoned = OAuthSignIn(http, address, OAuthApp("packdesk-sandbox", "x"))
        with pytest.raises(StoreAuthError, match="did not come back"):
            abandoned.wait(timeout=0.5)


def test_a_refused_refresh_token_fails_the_sync_plainly_and_keeps_the_tokens(station, sandbox):
    client_id, secret = next(iter(sandbox.config.oauth_clients.items()))
    address = parse_store_address(sandbox.domain)
    app = OAuthApp(client_id, secret)
    with make_http_client(address) as http:
        sign_in = OAuthSignIn(http, address, app)
        browser_allows(sign_in.url)
        tokens = sign_in.wait(timeout=10)
    record = station.connections.add_oauth(
        ConnectionSettings(name="app", address=sandbox.domain), app, tokens)
    # Both went bad (the app was removed from the store): one refresh is tried, then it stops.
    station.secrets.put(record.id, "token", "revoked-access-token-000")
    station.secrets.put(record.id, "refresh_token", "revoked-refresh-token-000")
    result = station.sync.sync(record.id)
    assert result.outcome == "failed" and result.orders_new == 0
    # the advice fits an app sign-in (connect it again), not a pasted token
    assert "no longer accepts PackDesk's app sign-in" in result.error
    assert "Sign in to the store again" in result.error and "paste" not in result.error
    assert "revoked-" not in result.error
    assert station.secrets.get(record.id, "refresh_token") == "revoked-refresh-token-000"
    assert station.secrets.get(record.id, "token") == "revoked-access-token-000"


def test_a_revoked_app_connection_signs_in_again_and_syncs(station, sandbox):
    client_id, secret = next(iter(sandbox.config.oauth_clients.items()))
    app = OAuthApp(client_id, secret)
    sign_in = station.connections.begin_oauth(sandbox.domain, app)
    browser_allows(sign_in.url)
    record = station.connections.add_oauth(
        ConnectionSettings(name="app", address=sandbox.domain), app, sign_in.wait(timeout=10))
    station.secrets.put(record.id, "token", "revoked-access-token-000")
    station.secrets.put(record.id, "refresh_token", "revoked-refresh-token-000")
    assert station.sync.sync(record.id).outcome == "failed"
    seen = []
    station.changes.subscribe(seen.append)
    again = station.connections.begin_oauth(record.settings.address, app, accept_idn=True)
    browser_allows(again.url)
    changes = station.connections.reauthorize(record.id, app, again.wait(timeout=10))
    assert seen == [changes] and changes.connections == {record.id}
    assert station.secrets.get(record.id, "token") != "revoked-access-token-000"
    assert station.secrets.get(record.id, "refresh_token") != "revoked-refresh-token-000"
    result = station.sync.sync(record.id)
    assert result.outcome == "ok", result.error


def test_signing_in_again_with_a_token_the_store_refuses_keeps_the_old_tokens(station,
                                                                               sandbox):
    from app.integrations.americommerce.oauth import OAuthTokens

    client_id, secret = next(iter(sandbox.config.oauth_clients.items()))
    app = OAuthApp(client_id, secret)
    sign_in = station.connections.begin_oauth(sandbox.domain, app)
    browser_allows(sign_in.url)
    tokens = sign_in.wait(timeout=10)
    record = station.connections.add_oauth(
        ConnectionSettings(name="app", address=sandbox.domain), app, tokens)
    with pytest.raises(StoreAuthError):
        station.connections.reauthorize(record.id, app, OAuthTokens(
            "not-a-token-of-this-store", "not-a-refresh-token", None))
    assert station.secrets.get(record.id, "token") == tokens.access_token
    assert station.secrets.get(record.id, "refresh_token") == tokens.refresh_token
