"""Layout at the sizes stations have (1440×900, 1280×720, 1024×700), offscreen: the detail
pane shows every quantity and the whole ship-to, the order list keeps its key columns, and two
shipments sit side by side in the packing view."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from app.db.repositories.order_queries import ALL
from app.ui.packing.window import PANEL_MIN_WIDTH
from app.ui.windows.main_window import MainWindow, default_splitter_sizes
from app.ui.windows.order_list_area import NARROW_HIDDEN_COLUMNS
from tests.ui.helpers import connect_and_sync


def _order_with_store_shipments(context) -> int:
    with context.storage.db.read() as session:
        pk = session.execute(text(
            "SELECT o.id FROM orders o JOIN store_shipments s ON s.order_pk = o.id "
            "ORDER BY o.id LIMIT 1")).scalar()
    assert pk is not None, "the sandbox has no partly shipped order"
    return int(pk)


def _window(qtbot, context, runner, settings, size) -> MainWindow:
    window = MainWindow(context, runner, settings=settings, auto_sync=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    return window


def _columns_visible(table, titles) -> None:
    header = table.horizontalHeader()
    width = table.viewport().width()
    for column in range(table.columnCount()):
        title = table.horizontalHeaderItem(column).text()
        if title in titles:
            assert not header.isSectionHidden(column), title
            right = header.sectionViewportPosition(column) + header.sectionSize(column)
            assert header.sectionViewportPosition(column) >= 0 and right <= width, \
                f"{title} ends at {right} of {width}"


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720), (1024, 700)])
def test_detail_pane_shows_quantities_and_the_whole_ship_to(qtbot, ui_context, sync_runner,
                                                            qsettings, sandbox, size):
    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, sync_runner, qsettings, size)
    pk = _order_with_store_shipments(ui_context)
    window.show_order(pk)
    detail = window.detail
    qtbot.waitUntil(lambda: detail.store_shipments_table.isVisible())
    detail.resize(detail.size())  # settle the layout as a paint would
    qtbot.wait(10)
    assert detail.horizontalScrollBar().maximum() == 0  # the pane never scrolls sideways
    _columns_visible(detail.lines_table, {"Item", "Ordered", "Shipped", "To ship"})
    _columns_visible(detail.store_shipments_table, {"Shipped", "Tracking", "Items"})
    ship_to = detail.fields["ship_to"]
    lines = ship_to.text().count("\n") + 1
    assert lines >= 3
    # Every line of the address is drawn: the label is as tall as its wrapped text.
    assert ship_to.height() >= ship_to.heightForWidth(ship_to.width())
    assert ship_to.height() >= lines * ship_to.fontMetrics().lineSpacing()


def test_narrow_window_keeps_the_columns_that_pick_an_order(qtbot, ui_context, sync_runner,
                                                            qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings, (1024, 700))
    window.default_columns(1024)
    header = window.table.horizontalHeader()
    hidden = {window.model.headerData(i, header.orientation()) for i in
              range(window.model.columnCount()) if header.isSectionHidden(i)}
    assert hidden == {window.model.headerData(window.model.column_index(k), header.orientation())
                      for k in NARROW_HIDDEN_COLUMNS}
    window.default_columns(1440)
    assert not any(header.isSectionHidden(i) for i in range(window.model.columnCount()))
    # Right-click on the header: every column, checked when shown, and a switch for each.
    window._column_menu(header.rect().center())
    menu = window.column_menu
    weight = window.model.column_index("weight")
    actions = menu.actions()
    assert len(actions) == window.model.columnCount() and all(a.isChecked() for a in actions)
    assert not actions[0].isEnabled()  # the order number always shows
    actions[weight].setChecked(False)
    assert header.isSectionHidden(weight)
    menu.close()


def test_two_shipments_side_by_side_at_1024(qtbot, ui_context, sync_runner, qsettings,
                                            sandbox):
    from tests.ui.test_packing_view import plain_order

    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, sync_runner, qsettings, (1024, 700))
    pk = plain_order(ui_context)
    window.select_view("view", ALL)
    assert window.select_order(pk)
    window.open_packing(pk)
    packing = window.packing_window()
    packing.resize(1000, 660)
    qtbot.waitUntil(lambda: len(packing.panels) == 1)
    panel = packing.panels[0]
    line_id = panel.selected_line() or next(iter(panel.shipment.units))
    packing.move_units(panel.number, line_id, 1, None)
    qtbot.waitUntil(lambda: len(packing.panels) == 2)
    qtbot.wait(10)
    viewport = packing.panels_scroll.viewport()
    for panel in packing.panels:
        assert panel.minimumWidth() >= PANEL_MIN_WIDTH
        right = panel.mapTo(viewport, panel.rect().topRight()).x()
        assert right <= viewport.width(), f"shipment {panel.number} cut off at {right}"
    assert packing.panels_scroll.horizontalScrollBar().maximum() == 0
    # The order's detail behind follows the split (its shipments at this station).
    assert window.detail.local_shipments_table.rowCount() == 2


def test_no_field_is_clipped_going_from_order_to_order(qtbot, ui_context, sync_runner,
                                                       qsettings, sandbox):
    """The ship-to was cut after two lines when the pane kept the height of the order shown
    before (a stale height-for-width in the scroll area)."""
    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, sync_runner, qsettings, (1416, 852))
    window.splitter.setSizes(default_splitter_sizes(1416))
    qtbot.wait(20)
    clipped = []
    for pk in window.model.order_pks():
        window.select_order(pk)
        qtbot.wait(1)
        clipped += [(pk, key) for key, label in window.detail.fields.items()
                    if label.isVisible() and label.height() < label.heightForWidth(label.width())]
    assert clipped == []
