"""connect, sync, connections, orders and show as real subprocesses, as a user runs them."""
from __future__ import annotations

import json

from app.sandbox import Sandbox, SandboxConfig


def test_connect_sync_show_keep_the_token_out_of_everything(run):
    token = "sandbox-token-0f9e8d7c6b5a4"
    with Sandbox(SandboxConfig(orders=120, seed=11, token=token)) as sandbox:
        connect = run("connect", "main", "--domain", sandbox.domain, "--token-stdin",
                      "--prefix", "AC-", "--json", stdin=token + "\n")
        assert connect.returncode == 0, connect.stderr
        assert json.loads(connect.stdout)["name"] == "main"
        sync = run("sync", "--json")
        assert sync.returncode == 0, sync.stderr
        result = json.loads(sync.stdout)[0]
        assert result["outcome"] == "ok" and result["orders_new"] > 0
        listing = run("orders", "--json")
        orders = json.loads(listing.stdout)
        assert len(orders) == result["orders_new"] or len(orders) <= result["orders_new"]
        number = orders[0]["number"]
        assert number.startswith("AC-")
        show = run("show", number, "--json")
        assert show.returncode == 0, show.stderr
        document = json.loads(show.stdout)
        assert document["number"] == number and document["lines"]
        by_connection = run("show", f"main:{document['order_id']}", "--json")
        assert json.loads(by_connection.stdout)["order_id"] == document["order_id"]
        connections = json.loads(run("connections", "--json").stdout)
        assert connections[0]["orders_cached"] > 0
        # a wrong token is a clear one-line failure
        bad = run("connect", "other", "--domain", sandbox.domain, "--token-stdin",
                  stdin="wrong-token-123456\n")
        assert bad.returncode == 1
        assert bad.stderr.strip().count("\n") == 0 and "token" in bad.stderr.lower()
    # offline: the store is gone, the command says so and the cache still answers
    offline = run("sync")
    assert offline.returncode == 1 and "reach" in offline.stdout + offline.stderr
    assert run("show", number).returncode == 0

    files = [p for p in run.data_dir.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" for p in files)
    assert any("-wal" in p.name or p.suffix == ".sqlite3" for p in files)
    for path in files:
        assert token.encode() not in path.read_bytes(), path
    for output in run.outputs:
        assert token not in output


def test_sync_reports_skipped_orders_with_ids_and_reasons(run):
    with Sandbox(SandboxConfig(orders=60, seed=11, poison_orders=3)) as sandbox:
        # the three newest orders: a null in the list, a null line, a text line
        assert run("connect", "main", "--domain", sandbox.domain, "--token-stdin",
                   stdin=sandbox.token + "\n").returncode == 0
        poisoned = sorted(int(i) for i in sandbox.control.quirks()["orders"])
        sync = run("sync", "--json")
        assert sync.returncode == 0, sync.stderr
        result = json.loads(sync.stdout)[0]
        assert result["outcome"] == "ok" and result["orders_new"] > 0
        skipped = {s["order_id"]: s["reason"] for s in result["orders_skipped"]}
        assert None in skipped and set(skipped) - {None} <= set(poisoned)
        assert all(reason for reason in skipped.values())
        assert skipped[None] == "the orders list holds empty (null) instead of an order"
        text = run("sync")  # read again from the kept list; the null had no id to ask for
        assert text.returncode == 0 and "2 skipped" in text.stdout
        assert f"order {sorted(poisoned)[1]} skipped: its lines (items): entry 1 is empty" \
            in text.stdout
