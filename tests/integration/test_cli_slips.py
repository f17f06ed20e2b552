"""`packdesk slips` and `packdesk picklist` as real subprocesses, as a user runs them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.sandbox import Sandbox, SandboxConfig
from tests.support.sandbox_orders import new_order, newest_order_pk


@pytest.fixture
def store(run):
    token = "sandbox-token-slips-1234"
    with Sandbox(SandboxConfig(orders=60, seed=11, token=token)) as sandbox:
        new_order(sandbox, (2, 1))  # the order `_splittable` returns, made for these tests
        assert run("connect", "main", "--domain", sandbox.domain, "--token-stdin",
                   "--prefix", "AC-", stdin=token + "\n").returncode == 0
        assert run("sync").returncode == 0
        yield sandbox


def _text(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def _splittable(data_dir: Path) -> tuple[str, int]:
    """The order `store` made (the newest): its number and its line of 2 units.
    Read in-process from the station's database (a `show` per order would take long)."""
    from app.bootstrap import build_context
    from app.paths import resolve_paths

    context = build_context(resolve_paths(data_dir))
    try:
        view = context.packing.view(newest_order_pk(context))
        assert not view.shipments and not view.lines.covered_elsewhere
        line_id = next(i for i in view.lines.packable_ids() if view.lines.needed(i) == 2)
        return f"AC-{view.order.snapshot.order_id}", line_id
    finally:
        context.close()


def test_slips_of_a_split_order_then_one_shipment_by_its_scanned_barcode(run, store, tmp_path):
    number, line_id = _splittable(run.data_dir)
    split = run("split", number, "--lines", f"{line_id}:1", "--json")
    assert split.returncode == 0, split.stderr

    out = tmp_path / "slips.pdf"
    done = run("slips", number, "-o", str(out), "--size", "4x6", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["file"] == str(out.resolve()) and result["pages"] == len(_text(out))
    shipments = result["shipments"]
    assert [(s["number"], s["of"]) for s in shipments] == [(1, 2), (2, 2)]
    assert all(s["order_barcode"] == number and not s["reprint"] for s in shipments)
    assert shipments[1]["shipment_barcode"] == "S" + shipments[1]["shipment_name"]
    assert "Shipment 2 of 2" in _text(out)[-1]

    # the scanned barcode of shipment 2 prints that shipment again, as a reprint
    again = tmp_path / "again.pdf"
    done = run("slips", shipments[1]["shipment_barcode"], "-o", str(again), "--json")
    assert done.returncode == 0, done.stderr
    (only,) = json.loads(done.stdout)["shipments"]
    assert only["shipment_name"] == shipments[1]["shipment_name"] and only["reprint"]
    text = _text(again)[0]
    assert "REPRINT" in text and "Shipment 2 of 2" in text and "in another shipment" in text

    both = run("slips", f"{number}#1", shipments[1]["shipment_name"], "-o",
               str(tmp_path / "both.pdf"), "--gift", "--reverse", "--json")
    assert both.returncode == 0, both.stderr
    assert [s["number"] for s in json.loads(both.stdout)["shipments"]] == [1, 2]
    assert "GIFT SLIP" in _text(tmp_path / "both.pdf")[0]


def test_picklist_and_clear_failures(run, store, tmp_path):
    out = tmp_path / "pick.pdf"
    done = run("picklist", "--status", "awaiting_shipment", "--connection", "main",
               "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["pages"] >= 1 and result["shipments"] and not result["reprint"]
    assert "Pick list" in _text(out)[0]
    first = result["shipments"][0]["order"]
    listed = run("picklist", "--orders", first, "-o", str(tmp_path / "one.pdf"), "--json")
    assert listed.returncode == 0, listed.stderr
    assert {s["order"] for s in json.loads(listed.stdout)["shipments"]} == {first}

    missing = run("slips", "AC-999999999", "-o", str(tmp_path / "none.pdf"))
    assert missing.returncode == 1
    assert missing.stderr.strip().startswith("packdesk slips: No cached order matches")
    assert len(missing.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "none.pdf").exists()
    usage = run("slips", first, "-o", str(tmp_path / "x.pdf"), "--size", "a5")
    assert usage.returncode == 2


def test_a_slip_without_ship_to_is_refused_until_acknowledged(run, store, tmp_path):
    orders = json.loads(run("orders", "--json").stdout)
    order_id = int(orders[0]["number"].removeprefix("AC-"))
    store.control.poison_order(order_id, "no_ship_to")
    assert run("sync").returncode == 0
    refused = run("slips", f"AC-{order_id}", "-o", str(tmp_path / "refused.pdf"))
    assert refused.returncode == 1 and "has no ship-to address" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "refused.pdf").exists()
    printed = run("slips", f"AC-{order_id}", "-o", str(tmp_path / "ok.pdf"), "--acknowledge")
    assert printed.returncode == 0, printed.stderr
