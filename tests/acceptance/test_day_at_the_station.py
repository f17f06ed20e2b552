"""A packer's day at the station, end to end against the sandbox store, by keyboard, scanner
and mouse as real X events: sync, search, open by scanning the slip, split, verify, ship, print
a slip to a file printer, push, and the store checked over its control API."""
from __future__ import annotations

import pytest

from tests.acceptance.test_scanner_real_keys import scan, wait_open
from tests.acceptance.xsession import wait_for

TRACKING = "1Z999AA10123456784"


def an_order_to_split(station) -> tuple[int, int]:
    """(pk, store order id) of an untouched order of 2-4 lines, all with SKUs, few units."""
    rows = station.query(
        "SELECT o.id, o.order_id FROM orders o JOIN order_lines l ON l.order_pk = o.id "
        "WHERE o.id NOT IN (SELECT order_pk FROM shipments) "
        "AND o.id NOT IN (SELECT order_pk FROM store_shipments) AND o.order_status_id IN "
        "(SELECT status_id FROM order_statuses WHERE NOT is_shipped AND NOT is_cancelled) "
        "GROUP BY o.id HAVING COUNT(*) BETWEEN 2 AND 4 AND MIN(l.sku != '') = 1 "
        "AND SUM(l.quantity) <= 6 AND MAX(l.product_id IS NULL) = 0 ORDER BY o.id")
    if not rows:
        pytest.fail("no order to split in the sandbox")
    return rows[0]


def shipments(station, pk: int) -> list[tuple[int, str, str, str]]:
    return station.query("SELECT number, state, shipment_name, tracking_numbers FROM shipments "
                         "WHERE order_pk = ? AND state != 'void' ORDER BY number", pk)


def test_a_day_at_the_station(station, tmp_path):
    x = station.x
    runs = station.query("SELECT outcome FROM sync_runs WHERE finished_at IS NOT NULL")
    assert runs and runs[0][0] == "ok"
    pk, order_id = an_order_to_split(station)

    # Search: the packer types the order number (a person's pace: it stays in the field).
    x.activate("PackDesk — Bench 1")
    station.click("searchEdit")
    station.wait_state(lambda s: s["focus"] == "searchEdit", "focus in search")
    x.run("xdotool", "type", "--delay", "300", str(order_id))
    station.wait_state(lambda s: s["focus_text"] == str(order_id) and s["rows"] == 1,
                       "one order found")

    # Open it by scanning its slip's order barcode (the search field still has the focus:
    # the scan must not land in it).
    scan(station, f"SB-{order_id}", 5)
    wait_open(station, pk, "the order open")
    assert station.ask("where", name="searchEdit")["text"] == str(order_id)
    assert len(shipments(station, pk)) == 1

    # Split: the last line's unit to a new shipment (select it, Ctrl+Shift+N).
    station.click("linesTable", panel=1)
    x.key("ctrl+End")
    x.key("ctrl+shift+n")
    wait_for(lambda: len(shipments(station, pk)) == 2, 10, "a second shipment")
    # The split is written on the db pool and the window redraws from the change: a packer
    # presses Alt+1 once the second shipment is on screen, not when it is in the database.
    station.wait_state(lambda s: s["panels"] == 2, "two shipments shown")

    # Verify: every unit of shipment 1 by its SKU.
    x.key("alt+1")
    station.wait_state(lambda s: s["active_number"] == 1, "shipment 1 active")
    units = station.query(
        "SELECT l.sku, sl.quantity FROM shipment_lines sl JOIN shipments s ON s.id = "
        "sl.shipment_pk JOIN order_lines l ON l.id = sl.line_pk WHERE s.order_pk = ? AND "
        "s.number = 1 AND sl.quantity > 0", pk)
    for sku, quantity in units:
        for _ in range(quantity):
            mark = station.last_scan_id()
            scan(station, sku, 5)
            assert station.wait_scans(mark, 1)[0] == (sku, "verified")
    wait_for(lambda: shipments(station, pk)[0][1] == "packed", 10, "shipment 1 packed")

    # Ship: the label's barcode into the tracking field (it has the focus now), Ctrl+Enter.
    station.wait_state(lambda s: s["focus"] == "trackingEdit", "focus in tracking")
    scan(station, TRACKING, 5)
    station.wait_state(lambda s: s["focus_text"] == TRACKING, "the tracking number")
    x.key("ctrl+Return")
    wait_for(lambda: shipments(station, pk)[0][1] == "shipped", 15, "shipment 1 shipped")
    number, _state, name, tracking = shipments(station, pk)[0]
    assert tracking == TRACKING and shipments(station, pk)[1][1] == "open"

    # Print shipment 1's slip to a file printer (Qt's "Print to File" in the print dialog).
    station.click("slipButton", panel=1)
    pdf = tmp_path / "slip.pdf"
    station.wait_state(lambda s: len(s["windows"]) > 2, "the slip preview")
    wait_for(lambda: station.ask("where", name="text:Print…").get("enabled"), 30,
             "the slip built")
    station.ask("print_to", path=str(pdf))
    station.click("text:Print…")
    station.wait_state(lambda s: s["active"] and "Print" in s["active"], "the print dialog")
    x.key("Return")
    wait_for(lambda: pdf.exists() and pdf.stat().st_size > 1000, 30, "the printed file")
    assert pdf.read_bytes().startswith(b"%PDF")
    printed = wait_for(lambda: station.query(
        "SELECT output, destination FROM prints WHERE destination = ?", str(pdf)), 10,
        "the print recorded")
    assert printed[0][1] == str(pdf)

    # Push: the outbox sends the shipment; the store has it, with its tracking number.
    def pushed():
        order = station.store("order", order_id=order_id)
        return [s for s in order["shipments"] if s.get("shipment_name") == name]
    store_shipment = wait_for(pushed, 60, "the shipment in the store", interval=0.5)[0]
    assert TRACKING in store_shipment["tracking_numbers"]
    assert number == 1

