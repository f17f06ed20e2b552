"""What a shipment may hold, through the packing service (the GUI's way) and `packdesk ship`."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from app.__main__ import main
from app.db.repositories.outbox import entries_for_order
from app.db.repositories.shipments import ShipmentDetails
from app.domain.packing import PackingError, ShipmentState
from tests.support.sandbox_orders import synced_order

DETAILS = ShipmentDetails(carrier="UPS", service="UPS Ground",
                          tracking_numbers=("1Z999AA10123456784",), carrier_fee=Decimal("8.45"))


@pytest.fixture
def order(connected, sandbox):
    context, record = connected
    # Made for these tests: two plain lines, nothing shipped.
    pk = synced_order(context, record, sandbox, (2, 1))
    view = context.packing.view(pk)
    assert len(view.numbered()) == 1 and not view.lines.covered_elsewhere \
        and not view.lines.all_non_shipping()
    return context, pk


def nothing_happened(context, pk) -> bool:
    with context.storage.db.read() as session:
        queued = entries_for_order(session, pk)
    return not queued and all(s.state is not ShipmentState.SHIPPED
                              for _, s, _ in context.packing.view(pk).numbered())


@pytest.mark.parametrize("changes, message", [
    (dict(carrier_fee=Decimal("nan")), "carrier fee must be an amount like 8.45, not NaN"),
    (dict(carrier_fee=Decimal("1e308")), "carrier fee cannot be more than 99,999.99"),
    (dict(carrier=""), "Enter the carrier"),
    (dict(service=" "), "Enter the shipping service"),
    (dict(buyer_note="x" * 120_000), "note to the buyer is 120,000 characters"),
    (dict(tracking_numbers=tuple(f"1Z{n:016d}" for n in range(500))),
     "500 tracking numbers: at most 20"),
])
def test_the_packing_service_refuses_what_a_shipment_cannot_hold(order, changes, message):
    context, pk = order
    with pytest.raises(PackingError, match=message):
        context.packing.ship(pk, 1, replace(DETAILS, **changes))
    assert nothing_happened(context, pk)


def test_saved_details_are_checked_when_shipping_them(order):
    context, pk = order
    context.packing.set_details(pk, 1, ShipmentDetails(carrier="UPS"))  # a draft may be partial
    with pytest.raises(PackingError, match="Enter the shipping service"):
        context.packing.ship(pk, 1)
    assert nothing_happened(context, pk)
    shipped = context.packing.ship(pk, 1, DETAILS, unverified_reason="test: not scanned")
    with pytest.raises(PackingError, match="Enter the carrier"):  # a correction keeps them
        context.packing.set_details(pk, 1, ShipmentDetails(service="UPS Ground"))
    assert shipped.shipments[0].details.carrier == "UPS"


@pytest.mark.parametrize("cost", ["nan", "1e308", "inf", "-1", "eight"])
def test_ship_command_refuses_bad_costs_plainly(order, paths, capsys, cost):
    context, pk = order
    oid = context.storage.repos.orders.get(pk).snapshot.order_id
    with pytest.raises(SystemExit) as exit_:
        main(["ship", f"main:{oid}", "--data-dir", str(paths.data_dir), "--carrier", "UPS",
              "--service", "UPS Ground", "--cost", cost])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "carrier fee" in err and "Traceback" not in err and "unexpected" not in err
    assert nothing_happened(context, pk)


def test_ship_command_refuses_an_empty_carrier_with_one_line(order, paths, capsys):
    context, pk = order
    oid = context.storage.repos.orders.get(pk).snapshot.order_id
    assert main(["ship", f"main:{oid}", "--data-dir", str(paths.data_dir), "--carrier", "",
                 "--service", "UPS Ground", "--tracking", "1Z999AA10123456784"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Enter the carrier" in err
    assert nothing_happened(context, pk)
