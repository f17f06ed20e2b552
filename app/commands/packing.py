"""Headless packing: split, merge, ship, void, and who is packing at this station."""
from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.commands.common import add_common, emit, open_context
from app.domain.shipment_input import check_shipment_input, parse_cost
from app.domain.verification import (
    POLICY_LABELS,
    UnverifiedUnits,
    VerificationPolicy,
    VerificationRequired,
)
from app.errors import ConfigurationError

if TYPE_CHECKING:
    from app.context import AppContext
    from app.services.packing import PackingView


def _order_argument(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("order", help="order id, with prefix (AC-100123) or connection "
                                      "(main:100123)")


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("use 1 or more")
    return number


def _money(value: str) -> Decimal:
    try:
        return parse_cost(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _line_moves(value: str) -> dict[int, int | None]:
    """LINE_ID:QTY,... (QTY omitted = the whole line)."""
    moves: dict[int, int | None] = {}
    for part in value.split(","):
        line_id, _, quantity = part.strip().partition(":")
        try:
            moves[int(line_id)] = int(quantity) if quantity else None
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{part!r} is not LINE_ID:QTY (e.g. 5012:2)") from None
    return moves


def shipments_document(view: PackingView) -> list[dict]:
    items = []
    for number, planned, record in view.numbered():
        lines = view.lines.lines
        confirmed = view.confirmations.get(record.shipment_pk) if record else None
        items.append({
            "number": number, "of": len(view.numbered()), "state": planned.state.value,
            "shipment_name": record.shipment_name if record else None,
            "saved": record is not None,
            "lines": [{"line_id": i, "sku": lines[i].sku, "name": lines[i].name, "quantity": n,
                       "verified": record.verified.get(i, 0) if record else 0}
                      for i, n in sorted(planned.units.items())],
            "weight": (record.details.weight_override if record
                       and record.details.weight_override else view.weight(planned)),
            "carrier": record.details.carrier if record else "",
            "service": record.details.service if record else "",
            "tracking_numbers": list(record.details.tracking_numbers) if record else [],
            "carrier_fee": str(record.details.carrier_fee) if record
            and record.details.carrier_fee is not None else None,
            "packages": record.details.packages if record else 1,
            "station": record.station if record else "", "packer": record.packer if record else "",
            "shipped_at": record.shipped_at.isoformat() if record and record.shipped_at else None,
            "shipped_unverified": {"reason": confirmed.reason, "packer": confirmed.packer,
                                   "station": confirmed.station,
                                   "at": confirmed.at.isoformat()} if confirmed else None,
        })
    return items


def _report(args: argparse.Namespace, context: AppContext, order_pk: int,
            headline: str) -> None:
    view = context.packing.view(order_pk)
    document: dict[str, Any] = {"order_state": view.state.value,
                                "interruption": view.interruption,
                                "shipments": shipments_document(view)}
    lines = [headline, f"Order state: {view.state.value}"]
    for shipment in document["shipments"]:
        units = ", ".join(f"{line['quantity']} x {line['sku']}" for line in shipment["lines"])
        lines.append(f"  Shipment {shipment['number']} of {shipment['of']} "
                     f"[{shipment['state']}]: {units}")
    emit(args, document, "\n".join(lines))


# --- split and merge -----------------------------------------------------------------------

def add_split(parser: argparse.ArgumentParser) -> None:
    _order_argument(parser)
    parser.add_argument("--lines", required=True, type=_line_moves, metavar="LINE_ID:QTY,...",
                        help="units to move; LINE_ID alone moves the whole line")
    parser.add_argument("--from", dest="source", type=_positive_int, metavar="N",
                        help="shipment to take them from (default: the one holding them)")
    parser.add_argument("--to", type=_positive_int, metavar="N",
                        help="shipment to move them to (default: a new shipment)")


def run_split(args: argparse.Namespace) -> int:
    from app.services.order_lookup import resolve_order

    with open_context(args) as context:
        order_pk = resolve_order(context, args.order)
        view = context.packing.view(order_pk)
        source = args.source
        moves = {}
        for line_id, quantity in args.lines.items():
            if quantity is None:  # the whole line, from the shipment holding it
                holder = next(((n, s) for n, s in view.plan.numbered()
                               if line_id in s.units and (source is None or n == source)), None)
                if holder is None:
                    raise ConfigurationError(f"No open shipment holds line {line_id}.")
                source = source or holder[0]
                quantity = holder[1].units[line_id]
            moves[line_id] = quantity
        context.packing.split(order_pk, moves, source=source, target=args.to)
        _report(args, context, order_pk, "Split done.")
    return 0


def add_merge(parser: argparse.ArgumentParser) -> None:
    _order_argument(parser)
    parser.add_argument("--shipments", required=True, metavar="N,M",
                        type=lambda v: [_positive_int(p) for p in v.split(",")],
                        help="shipments to merge into the first of them")


def run_merge(args: argparse.Namespace) -> int:
    from app.services.order_lookup import resolve_order

    with open_context(args) as context:
        order_pk = resolve_order(context, args.order)
        context.packing.merge(order_pk, args.shipments)
        _report(args, context, order_pk, "Merged.")
    return 0


# --- ship and void -------------------------------------------------------------------------

def add_ship(parser: argparse.ArgumentParser) -> None:
    _order_argument(parser)
    parser.add_argument("--shipment", type=_positive_int, default=1, metavar="N")
    parser.add_argument("--carrier", required=True, help="e.g. UPS, FedEx, USPS, DHL")
    parser.add_argument("--service", required=True, help="e.g. UPS Ground")
    parser.add_argument("--tracking", default="", metavar="T[,T2]",
                        help="tracking numbers, comma-separated")
    parser.add_argument("--cost", type=_money, metavar="X", help="carrier fee")
    parser.add_argument("--packages", type=_positive_int, default=1, metavar="K")
    parser.add_argument("--weight", type=float, metavar="W",
                        help="total weight (default: computed from the lines)")
    parser.add_argument("--note", default="", metavar="TEXT", help="note to the buyer")
    parser.add_argument("--internal-note", default="", metavar="TEXT")
    parser.add_argument("--acknowledge", action="store_true",
                        help="acknowledge a change the store made to the order since packing "
                             "began, and ship anyway")
    parser.add_argument("--unverified-reason", metavar="TEXT",
                        help="ship units nobody scanned, recording why (stations whose policy "
                             "is 'ask'; refused where every unit must be scanned)")


def run_ship(args: argparse.Namespace) -> int:
    from app.domain.shipments import ShipmentDetails
    from app.services.order_lookup import resolve_order

    with open_context(args) as context:
        order_pk = resolve_order(context, args.order)
        view = context.packing.view(order_pk)
        services = context.packing.shipping_services(view.order.connection_id)
        match = next((s for s in services if s.name.lower() == args.service.strip().lower()),
                     None)
        details = ShipmentDetails(
            carrier=args.carrier, service=args.service,
            service_id=match.service_id if match else None,
            service_type=match.kind if match else "",
            tracking_numbers=tuple(t for t in args.tracking.split(",") if t.strip()),
            carrier_fee=args.cost, packages=args.packages, weight_override=args.weight,
            buyer_note=args.note, internal_note=args.internal_note)
        # tracking formats warn, not refuse: carriers add formats
        for warning in check_shipment_input(details, shipping=True).warnings:
            print(f"Warning: {warning}", file=sys.stderr)
        if view.lines.all_non_shipping():
            context.packing.complete_without_parcel(order_pk, acknowledge=args.acknowledge)
        else:
            try:
                context.packing.ship(order_pk, args.shipment, details,
                                     acknowledge=args.acknowledge,
                                     unverified_reason=args.unverified_reason)
            except UnverifiedUnits as exc:
                if not isinstance(exc, VerificationRequired):
                    exc.hint = ("Scan them, or ship anyway with --unverified-reason TEXT "
                                "(recorded with your name).")
                raise
        _report(args, context, order_pk, f"Shipment {args.shipment} marked shipped; the store "
                                         "update is queued (packdesk push sends it).")
    return 0


def add_void(parser: argparse.ArgumentParser) -> None:
    _order_argument(parser)
    parser.add_argument("--shipment", type=_positive_int, required=True, metavar="N")


def run_void(args: argparse.Namespace) -> int:
    from app.services.order_lookup import resolve_order

    with open_context(args) as context:
        order_pk = resolve_order(context, args.order)
        context.packing.void(order_pk, args.shipment)
        _report(args, context, order_pk, f"Shipment {args.shipment} voided.")
    return 0


# --- station --------------------------------------------------------------------------------

def add_station(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--name", help="what people call this station, e.g. 'Bench 3'")
    parser.add_argument("--packer", help="who is packing here now")
    parser.add_argument("--verification", choices=[p.value for p in VerificationPolicy],
                        help="shipping with units not scanned: 'ask' for a reason (default) "
                             "or 'require' every unit scanned")


def run_station(args: argparse.Namespace) -> int:
    with open_context(args) as context:
        for value in (args.name, args.packer):
            if value is not None and not value.strip():
                raise ConfigurationError("A station name or packer cannot be empty.")
        if args.name is not None:
            context.station_service.rename(args.name.strip())
        if args.packer is not None:  # and first among the recent packers, as in the app
            context.station_service.switch_packer(args.packer.strip())
        if args.verification is not None:
            context.packing.set_verification_policy(args.verification)
        station = context.station()
        policy = context.packing.verification_policy()
        emit(args, {"station_id": station.station_id, "name": station.name,
                    "packer": station.packer, "verification": policy.value},
             f"Station {station.label}, packer {station.packer}, "
             f"unverified units: {POLICY_LABELS[policy].lower()}")
    return 0
