"""The slips service against the sandbox: slips and pick lists from the cache, barcodes that
scan back to their shipment, REPRINT, the print log, images that fail quietly."""
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader
from sqlmodel import select

from app.db.repositories.orders import acknowledge_flag
from app.db.repositories.print_log import PrintLogRepository
from app.db.repositories.shipment_search import ShipmentSearch
from app.db.repositories.shipments import ShipmentDetails
from app.db.tables import Order
from app.domain.changes import Changes
from app.errors import ConfigurationError
from app.services.images import ImageFetcher, image_pool
from app.services.slip_content import SlipSources
from app.services.slips import (
    PDF,
    PREVIEW,
    PRINTER,
    NoShipTo,
    NothingToPrint,
    SlipService,
    SlipTarget,
    pick_list_job,
    slip_job,
)
from app.slips import PageSize, SlipOptions, SlipsCancelled
from tests.integration.sandbox_truth import expected_import
from tests.support.sandbox_orders import new_order, newest_order_pk, synced_order_pk


@pytest.fixture
def synced(connected, sandbox):
    context, record = connected
    new_order(sandbox, (2, 1))  # the order `splittable` returns, made for these tests
    assert context.sync.sync(record.id).outcome == "ok"
    return context


def splittable(context) -> tuple[int, int]:
    """The order `synced` made (the newest, pk): a packable line of 2 units (its line_id), another
    line, and nothing shipped yet."""
    pk = newest_order_pk(context)
    view = context.packing.view(pk)
    assert not view.shipments and not view.lines.covered_elsewhere and not any(
        line.bound_to_parent for line in view.lines.lines.values())
    line_id, other = view.lines.packable_ids()
    assert view.lines.needed(line_id) == 2 and view.lines.needed(other) == 1
    return pk, line_id


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (120, 40), (200, 30, 40)).save(out, format="PNG")
    return out.getvalue()


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_split_order_prints_two_slips_with_numbers_barcodes_and_split_notes(synced, tmp_path):
    context = synced
    pk, line_id = splittable(context)
    view = context.packing.split(pk, {line_id: 1})
    order = context.storage.repos.orders.get(pk)
    number = f"AC-{order.snapshot.order_id}"
    names = [r.shipment_name for r in sorted(view.shipments, key=lambda r: r.number)]

    document = context.slips.build(slip_job([SlipTarget(pk)]), tmp_path / "slips.pdf")
    assert document.pages == 2 and len(document.items) == 2
    assert [(i.number, i.count) for i in document.items] == [(1, 2), (2, 2)]
    assert all(i.order_barcode == number for i in document.items)
    assert [i.shipment_barcode for i in document.items] == [f"S{n}" for n in names]
    assert names[0].startswith(f"PD-{context.station_id}-")

    first, second = pages_text(tmp_path / "slips.pdf")
    assert "Shipment 1 of 2" in first and "Shipment 2 of 2" in second
    assert f"Order {number}" in first and number in second
    assert f"S{names[0]}" in first and f"S{names[1]}" in second
    sku = view.lines.lines[line_id].sku
    needed = view.lines.needed(line_id)
    assert f"{needed - 1} of {needed} — 1 in another shipment" in first
    assert f"1 of {needed} — {needed - 1} in another shipment" in second
    assert sku in first and sku in second
    assert "REPRINT" not in first + second

    slip = context.slips.slip(pk, 1)  # the dataclass the renderer got
    assert slip.storefront.name and slip.ship_to is not None
    assert slip.customer_email == order.customer_email
    moved = next(line for line in context.slips.slip(pk, 2).lines if line.sku == sku)
    assert (moved.quantity, moved.quantity_ordered, moved.quantity_other_shipments) == (
        1, needed, needed - 1)


def test_scanned_shipment_barcode_resolves_to_that_exact_shipment(synced):
    context = synced
    pk, line_id = splittable(context)
    context.packing.split(pk, {line_id: 1})
    items = context.slips.prepare_slips([SlipTarget(pk)]).items
    resolve_target = context.slips.resolve_target
    for item in items:
        assert resolve_target(item.shipment_barcode) == SlipTarget(pk, item.number)
        assert resolve_target(item.shipment_name) == SlipTarget(pk, item.number)
        assert resolve_target(item.shipment_barcode.lower()) == SlipTarget(pk, item.number)
        assert resolve_target(f"{item.order_number}#{item.number}") == \
            SlipTarget(pk, item.number)
        # the slip printed from what the barcode resolves to is that same shipment
        again = context.slips.prepare_slips([resolve_target(item.shipment_barcode)])
        assert again.items[0].shipment_barcode == item.shipment_barcode
    assert resolve_target(items[0].order_barcode) == SlipTarget(pk)
    context.packing.set_details(pk, 2, ShipmentDetails(carrier="UPS", service="UPS Ground",
                                                       tracking_numbers=("1Z999AA10123",)))
    assert resolve_target("1Z999AA10123") == SlipTarget(pk, 2)
    with pytest.raises(ConfigurationError):
        resolve_target("SPD-NOPE-1")


def test_reprint_says_reprint_and_every_print_is_logged(synced, tmp_path):
    context = synced
    pk, _ = splittable(context)
    job = slip_job([SlipTarget(pk, 1)])
    first = context.slips.build(job, tmp_path / "first.pdf")
    assert [i.reprint for i in first.items] == [False]
    published: list[Changes] = []
    context.changes.subscribe(published.append)
    assert context.slips.record(first, output=PREVIEW) == Changes.of(orders=[pk])
    # a preview is not a print: the slip still is not a reprint
    assert not context.slips.build(job, tmp_path / "again.pdf").items[0].reprint
    context.slips.record(first, output=PRINTER, destination="Zebra ZP450", copies=2)
    second = context.slips.build(job, tmp_path / "second.pdf")
    assert second.items[0].reprint
    assert "REPRINT" in pages_text(tmp_path / "second.pdf")[0]
    context.slips.record(second, output=PDF, destination=str(tmp_path / "s.pdf"))
    assert published == [Changes.of(orders=[pk])] * 3  # lists repaint the orders printed

    log = context.slips.prints(order_pk=pk)
    station = context.station()
    assert [(r.output, r.reprint, r.copies) for r in log] == [
        (PDF, 1, 1), (PRINTER, 0, 2), (PREVIEW, 0, 1)]
    assert all(r.station == station.name and r.packer == station.packer for r in log)
    assert log[1].destination == "Zebra ZP450" and log[1].kind == "slip"
    assert log[0].label == "Shipment 1 of 1"
    assert log[0].order_number == first.items[0].order_number


def test_order_not_split_yet_prints_its_virtual_shipment_with_the_order_barcode(synced, tmp_path):
    context = synced
    pk, _ = splittable(context)
    document = context.slips.build(slip_job([SlipTarget(pk)]), tmp_path / "one.pdf")
    (item,) = document.items
    assert (item.number, item.count, item.shipment_pk, item.shipment_name) == (1, 1, None, "")
    assert item.shipment_barcode == item.order_barcode == item.order_number
    assert "Shipment 1 of 1" in pages_text(tmp_path / "one.pdf")[0]
    assert context.packing.view(pk).shipments == ()  # printing saves nothing
    context.slips.record(document, output=PRINTER)
    # its barcode opens the order, whose first open shipment is this one
    assert context.slips.resolve_target(item.shipment_barcode) == SlipTarget(pk)
    assert context.slips.prepare_slips([SlipTarget(pk)]).items[0].reprint
    # once packing saved the shipment it is a new document with its own barcode
    context.packing.begin(pk)
    saved = context.slips.prepare_slips([SlipTarget(pk)]).items[0]
    assert saved.shipment_barcode.startswith("SPD-") and not saved.reprint


def test_slip_content_shipped_before_gift_notes_and_buyer_note(synced, tmp_path):
    context = synced
    pk, line_id = splittable(context)
    context.packing.split(pk, {line_id: 1})
    context.packing.ship(pk, 2, ShipmentDetails(carrier="UPS", service="UPS Ground",
                                                buyer_note="Thanks for your order!"),
                          unverified_reason="not scanned: a service test")
    view = context.packing.view(pk)
    first = context.slips.slip(pk, 1)
    line = next(line for line in first.lines if line.sku == view.lines.lines[line_id].sku)
    assert (line.quantity_other_shipments, line.quantity_shipped_before) == (0, 1)
    shipped = context.slips.slip(pk, 2)
    assert shipped.note_to_buyer == "Thanks for your order!"
    assert shipped.ship_date is not None and first.ship_date is None
    assert "UPS Ground" in shipped.shipping_method
    context.slips.render(context.slips.prepare_slips([SlipTarget(pk)]),
                         SlipOptions(page_size=PageSize.LABEL_4X6), tmp_path / "l.pdf")
    text = "\n".join(pages_text(tmp_path / "l.pdf"))
    assert "1 already shipped" in text and "Thanks for your order!" in text
    # a slip printed for a shipment that a merge later removes keeps its log row
    context.packing.split(pk, {next(i for i in view.lines.packable_ids()
                                    if i != line_id): 1})
    doc = context.slips.build(slip_job([SlipTarget(pk)]), tmp_path / "three.pdf")
    context.slips.record(doc, output=PRINTER)
    context.packing.merge(pk, [1, 3])
    assert len(context.slips.prints(order_pk=pk)) == 3


def test_pick_list_for_a_batch_leaves_out_shipped_shipments(synced, tmp_path):
    context = synced
    pk, line_id = splittable(context)
    context.packing.split(pk, {line_id: 1})
    context.packing.ship(pk, 2, ShipmentDetails(carrier="UPS", service="UPS Ground"),
                         unverified_reason="not scanned: a service test")
    with context.storage.db.read() as session:
        others = [p for p in session.exec(select(Order.id).order_by(Order.id)) if p != pk][:5]
    targets = [SlipTarget(pk), *[SlipTarget(p) for p in others]]
    document = context.slips.build(pick_list_job(targets), tmp_path / "pick.pdf")
    assert document.kind == "pick_list" and document.pages >= 1
    assert (pk, 2) not in {(i.order_pk, i.number) for i in document.items}  # already shipped
    assert (pk, 1) in {(i.order_pk, i.number) for i in document.items}
    text = "\n".join(pages_text(tmp_path / "pick.pdf"))
    assert "Pick list" in text and document.items[0].order_number in text
    assert not document.reprint
    assert context.slips.record(document, output=PRINTER) == Changes.of(
        orders={i.order_pk for i in document.items})
    again = context.slips.build(pick_list_job(targets), tmp_path / "pick2.pdf")
    assert again.reprint and again.document_key == document.document_key
    assert "REPRINT" in "\n".join(pages_text(tmp_path / "pick2.pdf"))
    log = context.slips.prints(limit=1)[0]
    assert log.kind == "pick_list" and log.order_pk is None and log.reprint == 0
    assert len(log.details["shipments"]) == len(document.items)


def test_progress_and_cancel_pass_through(synced, tmp_path):
    context = synced
    with context.storage.db.read() as session:
        pks = list(session.exec(select(Order.id).order_by(Order.id)))[:40]
    targets = [SlipTarget(p) for p in pks if context.packing.view(p).plan.shipments][:20]
    seen: list[tuple[int, int]] = []
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 3:
            cancel.set()

    out = tmp_path / "cancelled.pdf"
    with pytest.raises(SlipsCancelled):
        context.slips.build(slip_job(targets), out, progress=progress, cancel=cancel)
    assert seen == [(1, len(targets)), (2, len(targets)), (3, len(targets))]
    assert not out.exists() or out.stat().st_size == 0


def test_nothing_to_ship_is_refused_for_slips(connected, sandbox, tmp_path):
    context, record = connected
    # An order another tool shipped in full before the station first saw it.
    made = new_order(sandbox, (2, 1))
    sandbox.control.add_shipment(made)
    empty = synced_order_pk(context, record, made)
    assert not context.packing.view(empty).plan.shipments
    with pytest.raises(NothingToPrint):
        context.slips.build(slip_job([SlipTarget(empty)]), tmp_path / "x.pdf")
    # a batch pick list just has nothing to pick in that order
    document = context.slips.build(pick_list_job([SlipTarget(empty)]), tmp_path / "p.pdf")
    assert document.items == ()


def test_logo_downloaded_once_and_broken_images_never_fail_a_slip(synced, tmp_path):
    context = synced
    pk, _ = splittable(context)
    calls: list[str] = []
    logo_bytes = _png()

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if "/stores/" in request.url.path:
            return httpx.Response(200, content=logo_bytes, headers={"content-type": "image/png"})
        return httpx.Response(500)

    def service(http) -> SlipService:
        images = ImageFetcher(tmp_path / "cache", http, pool)
        repos = context.storage.repos
        sources = SlipSources(repos.connections, repos.catalog, images, context.paths.data_dir)
        return SlipService(sources, context.packing, context.station,
                           print_log=PrintLogRepository(context.storage.db),
                           shipments=ShipmentSearch(context.storage.db),
                           resolve_order=context.lookup.resolve, orders=repos.orders,
                           queries=repos.order_queries, feed=context.changes)

    with httpx.Client(transport=httpx.MockTransport(handler)) as http, image_pool() as pool:
        slips = service(http)
        first = slips.slip(pk, 1)
        assert first.storefront.logo is not None and Path(first.storefront.logo).exists()
        assert all(line.image is None for line in first.lines)  # every picture failed
        slips.build(slip_job([SlipTarget(pk)]), tmp_path / "ok.pdf")
        logo_calls = [c for c in calls if "/stores/" in c]
        assert len(logo_calls) == 1  # cached on disk; failed pictures not asked for again
        assert len(calls) == len(set(calls)) >= 2  # each picture asked for once
    # offline: the cached logo still prints, nothing is fetched
    offline = service(None).slip(pk, 1)
    assert offline.storefront.logo == first.storefront.logo

    # a chosen logo file wins over the store's
    chosen = tmp_path / "chosen.png"
    chosen.write_bytes(logo_bytes)
    order = context.storage.repos.orders.get(pk)
    infos = context.storage.repos.connections.storefronts(order.connection_id)
    context.storage.repos.connections.save_storefronts(
        order.connection_id, [replace(i, logo_file=str(chosen)) for i in infos])
    assert service(None).slip(pk, 1).storefront.logo == chosen
    assert Decimal(0) <= first.lines[0].unit_price


def test_a_slip_without_a_ship_to_needs_an_acknowledgement(connected, sandbox, tmp_path):
    context, record = connected
    order_id = min(expected_import(sandbox))
    sandbox.control.poison_order(order_id, "no_ship_to")
    assert context.sync.sync(record.id).outcome == "ok"
    pk = context.storage.repos.orders.find_pks(order_id)[0][0]
    order = context.storage.repos.orders.get(pk)
    assert order.snapshot.address("shipping") is None
    assert "no ship-to address in the store" in order.flag_reason
    with pytest.raises(NoShipTo, match="has no ship-to address"):
        context.slips.build(slip_job([SlipTarget(pk)]), tmp_path / "refused.pdf")
    assert not (tmp_path / "refused.pdf").exists() or (tmp_path / "refused.pdf").stat().st_size == 0
    # In a batch it is held back and the other orders print: one order never stops the rest.
    other = next(p for p in (context.storage.repos.orders.find_pks(i)[0][0]
                             for i in sorted(expected_import(sandbox))[1:]) if p != pk)
    batch = context.slips.build(slip_job([SlipTarget(pk), SlipTarget(other)]),
                                tmp_path / "batch.pdf")
    assert {i.order_pk for i in batch.items} == {other}
    assert len(batch.held_back) == 1 and "has no ship-to address" in batch.held_back[0]
    assert batch.as_dict()["held_back"] == list(batch.held_back)
    document = context.slips.build(slip_job([SlipTarget(pk)], acknowledge_no_ship_to=True),
                                   tmp_path / "acknowledged.pdf")
    assert document.pages >= 1
    with context.storage.db.write() as session:  # or the packer acknowledged the order's flag
        acknowledge_flag(session, pk, datetime.now(UTC))
    assert context.slips.build(slip_job([SlipTarget(pk)]), tmp_path / "ok.pdf").pages >= 1


def test_pick_list_targets_listed_first_then_the_view_only_of_the_connection(synced):
    context = synced
    pk, _ = splittable(context)
    (record,) = context.storage.repos.connections.all()
    number = context.slips.prepare_slips([SlipTarget(pk)]).items[0].order_number
    targets = context.slips.pick_list_targets([f"{number}#1"], view="awaiting_shipment")
    assert targets[0] == SlipTarget(pk, 1) and len(targets) > 1
    assert pk not in {t.order_pk for t in targets[1:]}  # listed already: not twice
    assert context.slips.pick_list_targets([number]) == [SlipTarget(pk)]  # the list alone
    by_default = context.slips.pick_list_targets([], connection=record)
    assert by_default and by_default == context.slips.pick_list_targets(
        [], view="awaiting_shipment")
    other = replace(record, id=record.id + 99, settings=replace(record.settings, name="other"))
    with pytest.raises(ConfigurationError, match="is not an order of other"):
        context.slips.pick_list_targets([number], connection=other)
    assert context.slips.pick_list_targets([], connection=other) == []
