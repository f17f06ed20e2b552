"""The packing view against a synced sandbox store, offscreen, driven by synthetic keys.

Scans are typed as a wedge scanner types them: a few milliseconds per key on an injected clock,
then Enter, sent to whatever widget has focus.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import text, update
from sqlmodel import select

from app.db.repositories.shipments import ShipmentDetails
from app.db.repositories.station import PACKER_KEY, STATION_NAME_KEY, StationRepository
from app.db.tables import Order, Scan
from app.domain.packing import ShipmentState
from app.ui.packing import PackingWindow, ScanSounds
from app.ui.packing.banner import ERROR, INFO, OK, OVER, PACKED, WRONG
from app.ui.packing.lines_table import units_mime
from app.ui.packing.window import ON_PACKED_KEY, ON_PACKED_PRINT
from tests.ui.helpers import connect_and_sync

UPS_GROUND = ShipmentDetails(carrier="UPS", service="UPS Ground")


class FakeClock:
    """Milliseconds that move only when the test says so."""

    def __init__(self) -> None:
        self.ms = 1_000_000.0

    def __call__(self) -> float:
        return self.ms


def type_keys(widget, clock: FakeClock, value: str, *, gap_ms: float = 4) -> None:
    for char in value:
        clock.ms += gap_ms
        QTest.keyClick(widget, char)


def scan(window: PackingWindow, clock: FakeClock, value: str, *, target=None) -> None:
    """A wedge scanner: fast keys then Enter, into the focused widget (or `target`)."""
    widget = target or QApplication.focusWidget() or window
    type_keys(widget, clock, value)
    clock.ms += 4
    QTest.keyClick(widget, Qt.Key.Key_Return)


def plain_order(context, *, max_units: int = 6, exclude: tuple[int, ...] = ()) -> int:
    """An order of 2+ plain lines (no kits, nothing shipped yet), few units, distinct SKUs."""
    with context.storage.db.read() as session:
        pks = list(session.exec(select(Order.id).order_by(Order.id)))
    for pk in (p for p in pks if p not in exclude):
        view = context.packing.view(pk)
        lines = view.lines
        packable = [lines.lines[i] for i in lines.packable_ids()]
        skus = [line.sku for line in packable]
        if 2 <= len(packable) <= 3 and not lines.covered_elsewhere and not view.interruption \
                and all(not line.bound_to_parent and line.sku for line in packable) \
                and len(set(skus)) == len(skus) and not view.shipments \
                and sum(line.quantity for line in packable) <= max_units \
                and any(line.quantity >= 2 for line in packable):
            return pk
    pytest.fail("no plain order in the sandbox")


def open_plain_order(qtbot, window: PackingWindow, context, **choice) -> int:
    """A plain order (see plain_order), opened in the packing view."""
    pk = plain_order(context, **choice)
    with qtbot.waitSignal(window.order_opened, timeout=5000):
        window.open_order(pk)
    return pk


@pytest.fixture
def station(ui_context, sandbox):
    connection_id = connect_and_sync(ui_context, sandbox)
    return ui_context, connection_id


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def played():
    return []


@pytest.fixture
def window(qtbot, station, sync_runner, qsettings, clock, played):
    context, _ = station
    win = PackingWindow(context, sync_runner, settings=qsettings,
                        sounds=ScanSounds(player=lambda path: played.append(path.stem)),
                        clock=clock)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitActive(win)
    yield win
    win.listener.uninstall()


def test_a_whole_scan_session_by_keyboard(qtbot, station, window, clock, played, sandbox):
    context, _ = station
    pk = plain_order(context)
    name = context.packing.begin(pk).shipments[0].shipment_name
    assert window.snapshot is None

    # 1. The slip's shipment barcode opens the order, whatever has focus.
    with qtbot.waitSignal(window.order_opened, timeout=5000):
        scan(window, clock, "S" + name)
    assert window.order_pk == pk and window.active_number == 1
    assert len(window.panels) == 1 and window.banner.kind == INFO
    panel = window.panels[0]
    units = dict(panel.shipment.units)
    lines = window.snapshot.view.lines.lines
    first, second = list(units)[:2]
    assert panel.title_label.text() == "Shipment 1 of 1"

    # 2. A unit by its SKU (lower case: scanners and stores disagree about case).
    scan(window, clock, lines[first].sku.lower())
    assert window.banner.kind == OK and lines[first].sku in window.banner.text()
    assert panel.record.verified == {first: 1}
    assert panel.table.item(panel.row_of(first), 4).text() == f"1 / {units[first]}"

    # 3. A wrong item: refused at once, in red, naming what was scanned.
    scan(window, clock, "NOT-IN-THIS-BOX")
    assert window.banner.kind == WRONG and "NOT-IN-THIS-BOX" in window.banner.text()
    assert window.banner.colour == "#c62828"

    # 4. A unit without a barcode, confirmed by hand with the row's button.
    confirm = panel.table.cellWidget(panel.row_of(second), 6)
    qtbot.mouseClick(confirm, Qt.MouseButton.LeftButton)
    assert window.banner.kind == OK and "by hand" in window.banner.text()
    assert window.panel(1).record.verified.get(second) == 1

    # 5. A scan while the internal-note field has focus: verified, not typed into the note.
    panel = window.panel(1)
    panel.internal_note_edit.setFocus()
    qtbot.waitUntil(panel.internal_note_edit.hasFocus)
    remaining = [(i, n - window.panel(1).record.verified.get(i, 0)) for i, n in units.items()]
    todo = [i for i, left in remaining for _ in range(left)]
    scan(window, clock, lines[todo[0]].sku)
    assert panel.internal_note_edit.text() == ""
    assert window.banner.kind in (OK, PACKED)

    # 6. One too many of a finished line: amber.
    done_line = next(i for i in units if window.panel(1).record.verified.get(i, 0) == units[i]
                     and i not in todo[1:])
    panel.internal_note_edit.setFocus()
    scan(window, clock, lines[done_line].sku)
    assert window.banner.kind == OVER and lines[done_line].sku in window.banner.text()
    assert window.banner.colour == "#ffb300"

    # 7. The rest: the shipment is packed and the tracking field takes the focus.
    for line_id in todo[1:]:
        scan(window, clock, lines[line_id].sku)
    assert window.banner.kind == PACKED
    panel = window.panel(1)
    assert panel.shipment.state is ShipmentState.PACKED
    assert panel.state_label.text() == "PACKED"
    qtbot.waitUntil(panel.tracking_edit.hasFocus)

    # 8. The label's barcode fills the focused tracking field (and nothing else).
    scan(window, clock, "1Z999AA10123456784", target=panel.tracking_edit)
    assert panel.tracking_edit.text() == "1Z999AA10123456784"

    # 9. Ctrl+Enter marks it shipped.
    with qtbot.waitSignal(window.shipment_shipped, timeout=10_000) as shipped:
        QTest.keyClick(panel.tracking_edit, Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ControlModifier)
    assert shipped.args == [pk, 1]
    record = context.packing.view(pk).shipments[0]
    assert record.state is ShipmentState.SHIPPED
    assert record.details.tracking_numbers == ("1Z999AA10123456784",)

    with context.storage.db.read() as session:
        results = [s.result for s in session.exec(
            select(Scan).where(Scan.order_pk == pk).order_by(Scan.id))]
    assert results[0] == "opened" and "wrong_item" in results and "manual" in results
    assert "over_scan" in results
    assert results.count("verified") + results.count("manual") == sum(units.values())
    assert {"ok", "wrong", "over-scan", "packed"} <= set(played)


def test_moving_units_by_buttons_keyboard_and_drag(qtbot, station, window, clock):
    context, _ = station
    pk = open_plain_order(qtbot, window, context)
    panel = window.panels[0]
    first, second = panel.line_ids()[:2]

    # "New shipment" with the selected line's units
    panel.select_line(second)
    with qtbot.waitSignal(window.plan_changed, timeout=5000):
        qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert [p.title_label.text() for p in window.panels] == ["Shipment 1 of 2",
                                                             "Shipment 2 of 2"]
    assert second in window.panel(2).line_ids() and second not in window.panel(1).line_ids()

    # "Move to ▸ Shipment 2" with a quantity of one unit of a multi-unit line
    multi = next(i for i, n in window.panel(1).shipment.units.items() if n >= 2)
    panel = window.panel(1)
    panel.select_line(multi)
    panel.quantity_spin.setValue(1)
    action = next(a for a in panel.move_menu.actions() if a.text() == "Shipment 2")
    with qtbot.waitSignal(window.plan_changed, timeout=5000):
        action.trigger()
    assert window.panel(2).shipment.units[multi] == 1

    # Keyboard: Ctrl+Shift+Left moves the selected line of shipment 2 back to shipment 1
    window.activate_shipment(2)
    panel = window.panel(2)
    panel.select_line(second)
    panel.table.setFocus()
    with qtbot.waitSignal(window.plan_changed, timeout=5000):
        QTest.keyClick(panel.table, Qt.Key.Key_Left,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert second in window.panel(1).line_ids()

    # Drag and drop: a line of shipment 1 dropped on shipment 2
    source = window.panel(1)
    target = window.panel(2)
    first = source.line_ids()[0]
    had = target.shipment.units.get(first, 0)
    mime: QMimeData = units_mime(pk, 1, first, 1)
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.MoveAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.plan_changed, timeout=5000):
        target.dropEvent(drop)
    assert window.panel(2).shipment.units.get(first) == had + 1

    # Ctrl+M merges everything back into one shipment; Ctrl+Z undoes the merge
    window.panel(1).table.setFocus()
    with qtbot.waitSignal(window.plan_changed, timeout=5000):
        QTest.keyClick(window.panel(1).table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert len(window.panels) == 1
    window.panel(1).table.setFocus()
    with qtbot.waitSignal(window.plan_changed, timeout=5000):
        QTest.keyClick(window.panel(1).table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.panels) == 2

    # Keyboard: Ctrl+Shift+Right on the last shipment makes a new one
    window.activate_shipment(2)
    window.panel(2).table.setFocus()
    with qtbot.waitSignal(window.plan_changed, timeout=5000):
        QTest.keyClick(window.panel(2).table, Qt.Key.Key_Right,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(window.panels) in (2, 3)  # a one-line shipment moved whole leaves no empty one
    assert window.active_number == len(window.panels)
    assert sum(sum(p.shipment.units.values()) for p in window.panels) == sum(
        context.packing.view(pk).plan.by_number(1).units.values()) + sum(
        sum(s.units.values()) for _, s, _ in context.packing.view(pk).numbered()[1:])


def test_an_interruption_must_be_acknowledged(qtbot, station, window, sandbox):
    context, _ = station
    pk = open_plain_order(qtbot, window, context)
    order_id = context.storage.repos.orders.get(pk).snapshot.order_id
    sandbox.control.advance_clock(minutes=2)
    sandbox.control.cancel_order(order_id)
    with context.storage.db.write() as session:  # read over a minute ago: shipping re-reads it
        session.execute(update(Order).where(Order.id == pk).values(
            last_read_at=datetime.now(UTC) - timedelta(minutes=5)))

    panel = window.panel(1)
    qtbot.mouseClick(panel.ship_button, Qt.MouseButton.LeftButton)
    unverified = window.unverified_box  # nothing scanned: asked first, before the store
    unverified.reason_combo.setEditText("Counted by eye")
    qtbot.mouseClick(unverified.ship_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.interruption_box is not None
                    and window.interruption_box.isVisible(), timeout=10_000)
    box = window.interruption_box
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "cancelled in the store" in box.text()
    assert window.banner.kind == ERROR
    assert context.packing.view(pk).shipments[0].state is not ShipmentState.SHIPPED

    with qtbot.waitSignal(window.shipment_shipped, timeout=10_000):
        qtbot.mouseClick(box.acknowledge_button, Qt.MouseButton.LeftButton)
    view = context.packing.view(pk)
    assert view.shipments[0].state is ShipmentState.SHIPPED and view.interruption == ""
    # the reason given before the interruption was kept for the acknowledged attempt
    assert view.confirmations[view.shipments[0].shipment_pk].reason == "Counted by eye"


def test_errors_are_messages_in_the_panel_not_crashes(qtbot, station, window):
    context, _ = station
    pk = open_plain_order(qtbot, window, context)
    errors = []
    window.error_shown.connect(errors.append)
    window.undo()  # nothing to undo: a PackingError
    assert errors and "no split or merge to undo" in errors[-1]
    assert window.banner.kind == ERROR
    panel = window.panel(1)
    assert panel.error_label.isVisible() and "undo" in panel.error_label.text()

    panel.fee_edit.setText("twelve")
    qtbot.mouseClick(panel.ship_button, Qt.MouseButton.LeftButton)
    assert "not a number" in panel.error_label.text()
    assert context.packing.view(pk).shipments[0].state is ShipmentState.OPEN

    window.move_selected(-1)  # no shipment before the first
    assert window.banner.kind == ERROR


def test_store_text_is_plain_text(qtbot, station, window):
    context, _ = station
    pk = plain_order(context)
    with context.storage.db.write() as session:
        session.execute(text("UPDATE orders SET customer_name = '<b>Bold</b> <img src=x>' "
                             "WHERE id = :pk"), {"pk": pk})
    with qtbot.waitSignal(window.order_opened, timeout=5000):
        window.open_order(pk)
    assert "<b>Bold</b>" in window.customer_label.text()
    data_labels = [window.order_label, window.customer_label, window.extras_label,
                   window.interruption_label, window.banner.title_label,
                   window.banner.detail_label, window.station_bar.station_label]
    for panel in window.panels:
        data_labels += [panel.title_label, panel.name_label, panel.error_label]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in data_labels)
    assert all(isinstance(label, QLabel) for label in data_labels)


def test_station_and_packer_switch_in_one_step(qtbot, station, window, clock):
    context, _ = station
    repo = StationRepository(context.storage.db)
    bar = window.station_bar
    bar.rename_station("Bench 3")
    assert repo.get(STATION_NAME_KEY) == "Bench 3"
    assert bar.station_label.text() == f"Bench 3 ({context.station_id})"  # as titles and CLI

    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert bar.packer_combo.hasFocus()
    bar.packer_combo.lineEdit().clear()
    with qtbot.waitSignal(bar.packer_switched, timeout=5000):
        # typed slowly by a person: the listener gives the keys back to the combo's field
        for char in "Ana":
            clock.ms += 200
            QTest.keyClick(bar.packer_combo.lineEdit(), char)
        qtbot.waitUntil(lambda: bar.packer_combo.currentText() == "Ana")
        clock.ms += 200
        QTest.keyClick(bar.packer_combo.lineEdit(), Qt.Key.Key_Return)
    assert repo.get(PACKER_KEY) == "Ana" and context.station().packer == "Ana"
    before = bar.packer
    bar.switch_packer("Bo")
    chip = next(c for c in bar.chips if c.text() == "Ana")
    with qtbot.waitSignal(bar.packer_switched, timeout=5000):
        qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)  # one click back to Ana
    assert context.station().packer == "Ana" and before == "Ana"

    pk = plain_order(context)
    with qtbot.waitSignal(window.scan_handled, timeout=5000):
        window.scan(context.packing.begin(pk).shipments[0].shipment_name)
    with context.storage.db.read() as session:
        last = session.exec(select(Scan).order_by(Scan.id.desc())).first()
    assert (last.station, last.packer) == ("Bench 3", "Ana")


def test_on_the_last_unit_the_slip_is_requested(qtbot, station, window, qsettings):
    context, _ = station
    qsettings.setValue(ON_PACKED_KEY, ON_PACKED_PRINT)
    pk = open_plain_order(qtbot, window, context)
    units = dict(window.panel(1).shipment.units)
    requested = []
    window.slip_requested.connect(lambda order, number: requested.append((order, number)))
    for line_id, count in units.items():
        for _ in range(count):
            window.confirm_unit(1, line_id)
    assert requested == [(pk, 1)]
    assert window.banner.kind == PACKED



def test_scanner_settings_are_edited_and_applied_at_once(qtbot, window, qsettings, clock):
    from app.ui.packing.scanner_settings import ScannerSettingsDialog

    window.edit_scanner_settings()
    dialog = window.findChild(ScannerSettingsDialog)
    dialog.prefix_edit.setText("]C1")
    dialog.sounds_check.setChecked(False)
    dialog.on_packed_combo.setCurrentIndex(dialog.on_packed_combo.findData("mark_shipped"))
    dialog.accept()
    assert window.listener.detector.prefix == "]C1"
    assert window.sounds.enabled is False
    assert window.on_packed == "mark_shipped"
    assert qsettings.value("scanner/prefix") == "]C1"


def test_shipping_unscanned_units_asks_and_the_screen_shows_the_data(qtbot, station, window):
    context, _ = station
    pk = open_plain_order(qtbot, window, context)
    panel = window.panel(1)
    units = dict(panel.shipment.units)
    first = next(iter(units))
    window.confirm_unit(1, first)

    # Ctrl+Enter with units unscanned: a question listing them, nothing shipped yet.
    QTest.keyClick(window.panel(1).table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = window.unverified_box
    assert box is not None and box.isVisible()
    assert box.text_label.textFormat() == Qt.TextFormat.PlainText
    lines = window.snapshot.view.lines.lines
    assert f"{sum(units.values()) - 1} unit(s)" in box.text_label.text()
    for line_id, n in units.items():
        if line_id != first:
            assert f"{lines[line_id].sku}  {lines[line_id].name}: 0 of {n} verified" \
                in box.text_label.text()
    assert not box.ship_button.isEnabled()  # no reason, no shipping
    QTest.keyClick(box.reason_combo, Qt.Key.Key_Return)  # a stray Enter ships nothing
    assert box.isVisible()
    QTest.keyClick(box, Qt.Key.Key_Escape)
    assert window.unverified_box is None and window.banner.kind == INFO
    assert context.packing.view(pk).shipments[0].state is not ShipmentState.SHIPPED

    # Again, with a reason: shipped, and the screen keeps saying what the data says.
    QTest.keyClick(window.panel(1).table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = window.unverified_box
    box.reason_combo.setEditText("Barcodes missing")
    with qtbot.waitSignal(window.shipment_shipped, timeout=10_000):
        qtbot.mouseClick(box.ship_button, Qt.MouseButton.LeftButton)
    record = context.packing.view(pk).shipments[0]
    assert record.state is ShipmentState.SHIPPED and record.verified == {first: 1}
    panel = window.panel(1)
    total = sum(units.values())
    assert panel.progress_label.text() == f"1 of {total} units verified"
    assert panel.progress_label.property("complete") is False
    for line_id, n in units.items():
        assert panel.table.item(panel.row_of(line_id), 4).text() == \
            f"{1 if line_id == first else 0} / {n}"
    assert panel.unverified_label.isVisible()
    assert "Barcodes missing" in panel.unverified_label.text()
    assert context.station().packer in panel.unverified_label.text()


def test_a_station_requiring_every_scan_refuses_and_says_what_is_missing(qtbot, station,
                                                                         window):
    from app.ui.packing.scanner_settings import ScannerSettingsDialog

    context, _ = station
    window.edit_scanner_settings()
    dialog = window.findChild(ScannerSettingsDialog)
    assert dialog.verification_combo.currentData() == "ask"  # the default
    dialog.verification_combo.setCurrentIndex(dialog.verification_combo.findData("require"))
    dialog.accept()
    assert context.packing.verification_policy().value == "require"

    pk = open_plain_order(qtbot, window, context)
    panel = window.panel(1)
    qtbot.mouseClick(panel.ship_button, Qt.MouseButton.LeftButton)
    assert window.unverified_box is None  # nothing to confirm: refused
    assert window.banner.kind == ERROR and "scan every unit" in window.banner.text()
    assert window.snapshot.view.lines.lines[next(iter(panel.shipment.units))].name \
        in window.banner.text()
    assert panel.error_label.isVisible()
    assert context.packing.view(pk).shipments[0].state is not ShipmentState.SHIPPED


def test_a_scanned_label_fills_the_carrier_and_a_mismatch_is_asked(qtbot, station, window,
                                                                    clock):
    context, _ = station
    pk = open_plain_order(qtbot, window, context)
    panel = window.panel(1)
    assert {"DHL", "Canada Post"} <= {panel.carrier_combo.itemText(i)
                                      for i in range(panel.carrier_combo.count())}

    # A USPS label's barcode ("420" + ZIP + IMpb): the number alone, and the carrier filled.
    panel.carrier_combo.setCurrentText("")
    panel.tracking_edit.setFocus()
    qtbot.waitUntil(panel.tracking_edit.hasFocus)
    scan(window, clock, "420221539101026837331000039521", target=panel.tracking_edit)
    panel = window.panel(1)
    assert panel.tracking_edit.text() == "9101026837331000039521"
    assert panel.carrier_combo.currentText() == "USPS" and window.tracking_box is None
    assert context.packing.view(pk).shipments[0].details.tracking_numbers == (
        "9101026837331000039521",)

    # A UPS number with carrier USPS: asked before saving; "Fix it" saves nothing.
    panel.tracking_edit.setText("1Z999AA10123456784")
    window.save_details(1)
    box = window.tracking_box
    assert box is not None and box.isVisible() and "looks like a UPS" in box.text()
    assert context.packing.view(pk).shipments[0].details.tracking_numbers == (
        "9101026837331000039521",)
    scan(window, clock, "SOMETHING")  # a scan while asking is refused, not used
    assert "Answer the question first" in window.banner.text()
    QTest.keyClick(box, Qt.Key.Key_Return)  # Enter is "Fix it"
    assert window.tracking_box is None
    assert "looks like a UPS" in window.panel(1).error_label.text()
    assert context.packing.view(pk).shipments[0].details.tracking_numbers == (
        "9101026837331000039521",)

    # "Keep it": saved as typed, and not asked again for the same number and carrier.
    window.save_details(1)
    qtbot.mouseClick(window.tracking_box.keep_button, Qt.MouseButton.LeftButton)
    assert context.packing.view(pk).shipments[0].details.tracking_numbers == (
        "1Z999AA10123456784",)
    window.panel(1).buyer_note_edit.setText("Enjoy")
    window.save_details(1)
    assert window.tracking_box is None
    assert context.packing.view(pk).shipments[0].details.buyer_note == "Enjoy"


def test_void_and_a_shipped_slip_say_what_happened(qtbot, station, window, clock):
    context, _ = station
    pk = plain_order(context)
    name = context.packing.begin(pk).shipments[0].shipment_name
    context.packing.ship(pk, 1, UPS_GROUND, unverified_reason="a test ships it first")

    # Scanning the slip of a shipment already shipped says so (issue 14.8), not "scan items".
    with qtbot.waitSignal(window.order_opened, timeout=5000):
        scan(window, clock, "S" + name)
    assert window.banner.kind == OVER
    assert "shipment 1 already shipped" in window.banner.text()
    assert "Nothing left to pack" in window.banner.text()
    assert "scan its items" not in window.banner.text()

    # Voiding it: the banner says voided (issue 14.8: it said "Saved"), units back to pack.
    window.void(1)
    assert window.banner.kind == INFO
    assert "Shipment 1 voided" in window.banner.text() and "Saved" not in window.banner.text()
    assert "store is told" in window.banner.text()
    assert window.panel(1).movable

    # A fully shipped order opened from the list says so too.
    other = plain_order(context)
    context.packing.ship(other, 1, UPS_GROUND, unverified_reason="a test ships it")
    with qtbot.waitSignal(window.order_opened, timeout=5000):
        window.open_order(other)
    assert window.banner.kind == OVER and "is already shipped" in window.banner.text()


def test_a_scanner_on_the_wrong_keyboard_layout_is_named(qtbot, station, window, clock):
    # A US-layout scanner on an AZERTY station: "KNF-1047" arrives as "KNF)&à'è" (QTest cannot
    # type "à"; tests/acceptance sends the real keys)
    with qtbot.waitSignal(window.scan_handled, timeout=5000):
        window.scan("KNF)&à'è")
    assert window.banner.kind == WRONG
    text = window.banner.text()
    assert "keyboard layout doesn't match" in text and "KNF-1047" in text
    assert "US (QWERTY)" in text and "French (AZERTY)" in text


def test_another_orders_slip_scanned_into_the_tracking_field_opens_it(qtbot, station, window,
                                                                       clock):
    # A tracking field takes a label's number; a slip scanned there is still a slip (14.8).
    context, _ = station
    pk = open_plain_order(qtbot, window, context)
    other = plain_order(context, exclude=(pk,))
    name = context.packing.begin(other).shipments[0].shipment_name
    panel = window.panel(1)
    panel.tracking_edit.setFocus()
    qtbot.waitUntil(panel.tracking_edit.hasFocus)
    with qtbot.waitSignal(window.order_opened, timeout=5000) as opened:
        scan(window, clock, "S" + name, target=panel.tracking_edit)
    assert opened.args == [other]
    assert context.packing.view(pk).shipments[0].details.tracking_numbers == ()


def test_a_write_made_elsewhere_refreshes_the_view_and_its_own_writes_are_not_read_again(
        qtbot, station, window, monkeypatch):
    from app.ui.packing import jobs

    context, _ = station
    pk = open_plain_order(qtbot, window, context)
    loads = []
    real_load = jobs.load
    monkeypatch.setattr(jobs, "load", lambda *a, **k: loads.append(a[1]) or real_load(*a, **k))

    # The view's own split: shown from the split's result, not loaded again from the feed.
    line_id = window.panel(1).line_ids()[0]
    window.move_units(1, line_id, 1, None)
    qtbot.waitUntil(lambda: len(window.panels) == 2)
    QTest.qWait(50)  # the feed's notice is handled on a later turn of the event loop
    assert loads == []

    # A merge made elsewhere (the orders window, the CLI): the view shows it from the feed.
    context.packing.merge(pk, [1, 2])
    qtbot.waitUntil(lambda: len(window.panels) == 1, timeout=5000)
    assert loads == [pk]

    # Another order's change is not this view's business.
    other = plain_order(context, exclude=(pk,))
    context.packing.begin(other)
    QTest.qWait(50)
    assert loads == [pk]
