"""Connecting stores: which two connections are one account, and what is refused before the
token leaves the station."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import httpx
import pytest

from app.__main__ import main
from app.domain.connection_settings import ConnectionSettings
from app.errors import ConfigurationError
from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client
from app.sandbox import Sandbox, SandboxConfig
from app.services.connections import UnconfirmedIdnError
from app.services.store_clients import StoreClients


def test_two_stores_with_the_same_storefront_ids_and_names_are_not_one_account(station):
    # Same seed: the same storefront ids, names and /stores answers, but two stores.
    with Sandbox(SandboxConfig(orders=5, seed=4)) as first, \
            Sandbox(SandboxConfig(orders=5, seed=4)) as second:
        one = station.connections.check_store(first.domain, first.token)
        two = station.connections.check_store(second.domain, second.token)
        assert [(s.store_id, s.name) for s in one.storefronts] == [
            (s.store_id, s.name) for s in two.storefronts]
        station.connections.add(ConnectionSettings(name="first", address=first.domain),
                                first.token)
        added = station.connections.add(ConnectionSettings(name="second", address=second.domain),
                                        second.token)
        assert added.name == "second" and one.fingerprint != two.fingerprint
        with pytest.raises(ConfigurationError,
                           match="same store account as the connection 'first'"):
            station.connections.add(ConnectionSettings(name="again", address=first.domain),
                                    first.token)


@pytest.fixture
def sent(monkeypatch):
    """Every address a token was about to be sent to, with a 404 answer from a mock store."""
    hosts: list[str] = []

    def for_new_store(self, address, token):
        def handler(request: httpx.Request) -> httpx.Response:
            hosts.append(request.url.raw_host.decode("ascii"))
            return httpx.Response(404, json={"message": "Not found"})
        return AmeriCommerceClient(make_http_client(address, transport=httpx.MockTransport(
            handler)), address, lambda: token, sleep=lambda _s: None)
    monkeypatch.setattr(StoreClients, "for_new_store", for_new_store)
    return hosts


@pytest.mark.parametrize("typed", ["xn--80ak6aa92e.com", "аррӏе.com"])
def test_connect_sends_no_token_to_an_international_domain_without_accept_idn(
        paths, capsys, sent, typed):
    data = ["--data-dir", str(paths.data_dir)]
    with patch("sys.stdin", io.StringIO("tok-lookalike-000111\n")):
        assert main(["connect", "shop", "--domain", typed, "--token-stdin", *data]) == 1
    err = capsys.readouterr().err
    assert "аррӏе.com (xn--80ak6aa92e.com)" in err and "--accept-idn" in err
    assert err.strip().count("\n") == 0 and sent == []
    with patch("sys.stdin", io.StringIO("tok-lookalike-000111\n")):
        assert main(["connect", "shop", "--domain", typed, "--token-stdin", "--accept-idn",
                     *data]) == 1
    assert sent == ["xn--80ak6aa92e.com"]  # confirmed: the store is asked
    assert "No AmeriCommerce store answers at аррӏе.com (xn--80ak6aa92e.com)" in \
        capsys.readouterr().err


def test_the_service_asks_for_the_same_confirmation(station, sent):
    with pytest.raises(UnconfirmedIdnError, match=r"xn--80ak6aa92e\.com"):
        station.connections.check_store("аррӏе.com", "tok-lookalike-000222")
    with pytest.raises(UnconfirmedIdnError):
        station.connections.add(ConnectionSettings(name="x", address="аррӏе.com"),
                                "tok-lookalike-000222")
    assert sent == []


def test_connect_with_a_taken_name_is_refused_before_the_token_is_sent(
        station, sandbox, paths, capsys):
    station.connections.add(ConnectionSettings(name="main", address=sandbox.domain),
                            sandbox.token)
    with Sandbox(SandboxConfig(orders=1, seed=9)) as elsewhere:
        with patch("sys.stdin", io.StringIO(elsewhere.token + "\n")):
            assert main(["connect", "main", "--domain", elsewhere.domain, "--token-stdin",
                         "--data-dir", str(paths.data_dir)]) == 1
        assert "A connection named 'main' already exists" in capsys.readouterr().err
        with pytest.raises(ConfigurationError, match="already exists"):
            station.connections.add(ConnectionSettings(name="main", address=elsewhere.domain),
                                    elsewhere.token)
        assert elsewhere.control.counters()["total"] == 0  # the token never reached it


def test_orders_with_an_unknown_view_lists_the_valid_ones(connected, paths, capsys):
    context, record = connected
    context.sync.sync(record.id)
    data = ["--data-dir", str(paths.data_dir)]
    assert main(["orders", "--status", "bogus", *data]) == 2
    err = capsys.readouterr().err
    assert "no view or store status named 'bogus'" in err
    assert "awaiting_shipment" in err and "Shipped" in err  # views and the store's statuses
    assert main(["orders", "--status", "  SHIPPED ", *data]) == 0  # a status name still works
    assert main(["orders", "--status", "flagged", *data]) == 0


def test_a_closed_pipe_ends_a_command_quietly(paths, tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root),
               PYTHON_KEYRING_BACKEND="tests.support.file_keyring.TestFileKeyring",
               PACKDESK_TEST_KEYRING_FILE=str(tmp_path / "keyring.json"))
    reader, writer = os.pipe()
    os.close(reader)  # like `| head` that has already exited
    try:
        done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(paths.data_dir),
                               "orders", "--status", "all"], stdout=writer,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=120)
    finally:
        os.close(writer)
    assert done.stderr == ""
    assert done.returncode == 141
