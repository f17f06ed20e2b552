"""Headless commands for connections and orders: connect, connections, sync, orders, show."""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from app.clock import utc_now
from app.commands.common import add_common, emit, open_context, parse_date
from app.domain.status_rules import LIST_VIEWS
from app.errors import ConfigurationError, UsageError

if TYPE_CHECKING:
    from app.context import AppContext

# Only argparse and light modules at import time: `packdesk --version` and the GUI's start-up
# must not pay for SQLAlchemy; each run_* imports what it needs.


# --- connect ------------------------------------------------------------------------------

def add_connect(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("name", help="a short name for this connection, e.g. main")
    parser.add_argument("--domain", required=True,
                        help="store domain (mystore.americommerce.com), a pasted URL, or "
                             "127.0.0.1:PORT for the sandbox")
    parser.add_argument("--accept-idn", action="store_true",
                        help="confirm an international domain name (shown with its xn-- form): "
                             "without it, no token is sent to such an address")
    parser.add_argument("--token-stdin", action="store_true",
                        help="read the access token from standard input (never pass a token "
                             "on the command line)")
    parser.add_argument("--oauth-client-id", metavar="ID",
                        help="connect as an OAuth app instead of with a token: the app's "
                             "client id; the client secret is read from standard input")
    parser.add_argument("--no-browser", action="store_true",
                        help="with --oauth-client-id: print the sign-in address, do not open "
                             "a browser")
    parser.add_argument("--storefronts", help="store ids to import, comma-separated "
                                              "(default: every storefront the token reaches)")
    parser.add_argument("--import-statuses", metavar="NAMES",
                        help="status names to import, comma-separated, case-insensitive "
                             "(default: open, not shipped, not a quote)")
    parser.add_argument("--days", type=int, default=30, help="orders created within N days")
    parser.add_argument("--poll-minutes", type=int, default=15)
    parser.add_argument("--claim-status", metavar="STATUS", help="status set after import")
    parser.add_argument("--shipped-status", metavar="STATUS", help="status after shipment")
    parser.add_argument("--partial-status", metavar="STATUS",
                        help="status when only part of an order has shipped")
    parser.add_argument("--mark-shipped-on-first", action="store_true")
    parser.add_argument("--no-notify", action="store_true",
                        help="change statuses without the store's customer emails")
    parser.add_argument("--no-tracking", action="store_true",
                        help="do not send shipments back (status changes only)")
    parser.add_argument("--prefix", default="", help="order number prefix shown in PackDesk")
    parser.add_argument("--tag", default="", help="tag put on newly imported orders")
    parser.add_argument("--bin-field", default="ShipStationWarehouseLocation",
                        help="product custom field holding the bin location")
    parser.add_argument("--tracking-url", action="append", default=[], type=_tracking_url,
                        metavar="CARRIER=URL",
                        help="tracking link for a carrier, {tracking} standing for the number "
                             "(UPS, FedEx, USPS and DHL are preset); repeat for several")


def _tracking_url(value: str) -> tuple[str, str]:
    carrier, sep, url = value.partition("=")
    if not sep or not carrier.strip() or "{tracking}" not in url:
        raise argparse.ArgumentTypeError(
            "use CARRIER=URL with {tracking} in the URL, e.g. "
            "OnTrac=https://www.ontrac.com/tracking/?number={tracking}")
    return carrier.strip(), url.strip()


def _read_token(args: argparse.Namespace) -> str:
    if args.token_stdin:
        return sys.stdin.readline().strip()
    if sys.stdin.isatty():
        return getpass.getpass("Access token: ").strip()
    raise ConfigurationError("Give the token with --token-stdin (it is never taken as an "
                             "argument, where other users could see it).")


def _status_id(context: AppContext, connection_id: int, name: str | None) -> int | None:
    from app.domain.status_rules import normalize_status_name

    if not name:
        return None
    statuses = context.connections.statuses(connection_id)
    for status in statuses:
        if normalize_status_name(status.name) == normalize_status_name(name) \
                or str(status.id) == name.strip():
            return status.id
    known = ", ".join(s.name for s in statuses)
    raise ConfigurationError(f"The store has no status named {name!r} (statuses: {known}).")


def _oauth_sign_in(context: AppContext, args: argparse.Namespace):
    """Sign in through the store's consent page; returns (app, tokens)."""
    import webbrowser

    from app.services.oauth_signin import OAuthApp

    secret = sys.stdin.readline().strip()
    if not secret:
        raise ConfigurationError("Give the app's client secret on standard input.")
    app = OAuthApp(args.oauth_client_id.strip(), secret)
    sign_in = context.connections.begin_oauth(args.domain, app, accept_idn=args.accept_idn)
    print(f"Allow PackDesk in the store's sign-in page: {sign_in.url}", file=sys.stderr,
          flush=True)
    if not args.no_browser:
        webbrowser.open(sign_in.url)
    return app, sign_in.wait()


def run_connect(args: argparse.Namespace) -> int:
    from app.domain.connection_settings import ConnectionSettings, ensure_valid
    from app.domain.status_rules import parse_status_list
    from app.services.connections import refuse_unconfirmed_address

    token = "" if args.oauth_client_id else _read_token(args)
    with open_context(args) as context:
        settings = ConnectionSettings(
            name=args.name.strip(), address=args.domain,
            import_statuses=tuple(parse_status_list(args.import_statuses))
            if args.import_statuses else None,
            created_within_days=args.days, poll_interval_min=args.poll_minutes,
            mark_shipped_on_first=args.mark_shipped_on_first,
            notify_customer=not args.no_notify, sync_tracking=not args.no_tracking,
            order_prefix=args.prefix, new_order_tag=args.tag, bin_field_name=args.bin_field,
            tracking_url_templates=dict(args.tracking_url),
            storefront_ids=tuple(int(i) for i in args.storefronts.split(",") if i.strip())
            if args.storefronts else None)
        ensure_valid(settings)
        # Refused before anything (token, OAuth secret) is sent to the address.
        context.connections.refuse_taken_name(settings.name)
        refuse_unconfirmed_address(args.domain, args.accept_idn)
        if args.oauth_client_id:
            app, tokens = _oauth_sign_in(context, args)
            check = context.connections.check_store(args.domain, tokens.access_token,
                                                    accept_idn=args.accept_idn)
            record = context.connections.add_oauth(settings, app, tokens, check=check)
        else:
            check = context.connections.check_store(args.domain, token,
                                                    accept_idn=args.accept_idn)
            record = context.connections.add(settings, token, check=check)
        try:
            context.sync.refresh_reference_data(record, force=True)
            statuses = {
                "claim_status_id": _status_id(context, record.id, args.claim_status),
                "shipped_status_id": _status_id(context, record.id, args.shipped_status),
                "partial_status_id": _status_id(context, record.id, args.partial_status)}
            record = context.connections.update(record.id,
                                                record.settings.with_changes(**statuses))
        except Exception:
            context.connections.remove(record.id)  # all or nothing
            raise
        storefronts = context.connections.storefronts(record.id)
        emit(args, {
            "id": record.id, "name": record.name, "address": check.address.origin,
            "storefronts": [{"id": s.store_id, "name": s.name} for s in storefronts],
            "calls_per_10s": check.calls_per_10s,
        }, f"Connected {record.name} to {check.address.display}: "
           f"{len(storefronts)} storefront(s)"
           + (f", plan allows {check.calls_per_10s} calls per 10 s"
              if check.calls_per_10s and check.calls_per_10s <= 1000 else "")
           + ". The token is in the system keyring.")
    return 0


# --- connections ---------------------------------------------------------------------------

def add_connections(parser: argparse.ArgumentParser) -> None:
    add_common(parser)


def run_connections(args: argparse.Namespace) -> int:
    with open_context(args) as context:
        items = []
        for status in context.sync.status():
            record, last_sync = status.connection, status.last_success
            s = record.settings
            items.append({
                "id": record.id, "name": record.name, "address": s.address,
                "storefronts": [{"id": f.store_id, "name": f.name}
                                for f in context.connections.storefronts(record.id)],
                "imported_storefronts": list(s.storefront_ids) if s.storefront_ids else "all",
                "import_statuses": list(s.import_statuses) if s.import_statuses else "default",
                "created_within_days": s.created_within_days,
                "poll_interval_min": s.poll_interval_min, "order_prefix": s.order_prefix,
                "orders_cached": status.orders_cached,
                "last_sync": last_sync.isoformat() if last_sync else None,
            })
        lines = [f"{i['name']:<16} {i['address']:<40} {i['orders_cached']:>7} orders  "
                 f"last sync {i['last_sync'] or 'never'}" for i in items] or ["No connections."]
        emit(args, items, "\n".join(lines))
    return 0


# --- sync ----------------------------------------------------------------------------------

def add_sync(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("name", nargs="?", help="connection to sync (default: all)")
    parser.add_argument("--since", type=parse_date, metavar="DATE",
                        help="import orders from this date (YYYY-MM-DD), e.g. after a gap")


def run_sync(args: argparse.Namespace) -> int:
    with open_context(args) as context:
        results = ([context.sync.sync(context.connections.find(args.name).id,
                                      since=args.since)] if args.name
                   else context.sync.sync_all(since=args.since))
        if not results:
            raise ConfigurationError("There are no connections yet: add one with "
                                     "`packdesk connect`.")
        lines = []
        for r in results:
            lines.append(f"{r.connection_name}: {r.outcome} — {r.orders_new} new, "
                         f"{r.orders_updated} updated, {r.orders_flagged} flagged"
                         + (f", {len(r.orders_skipped)} skipped" if r.orders_skipped else "")
                         + f"; {r.requests} requests in {r.duration_ms / 1000:.1f} s"
                         + (f" ({r.error})" if r.error else ""))
            # Orders the store sent unreadable: read again at every sync until they come whole.
            lines += [f"  order {s['order_id'] if s['order_id'] is not None else '(no id)'} "
                      f"skipped: {s['reason']}" for s in r.orders_skipped]
        emit(args, [r.as_dict() for r in results], "\n".join(lines))
        return 0 if all(r.outcome == "ok" for r in results) else 1


# --- orders and show -----------------------------------------------------------------------

def add_orders(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("--status", default="awaiting_shipment",
                        help="a view (" + ", ".join(LIST_VIEWS) + ") or a store status name")
    parser.add_argument("--search", default="", help="words to find (number, name, SKU, ...)")
    parser.add_argument("--connection", help="only this connection")
    parser.add_argument("--limit", type=int, default=0, help="at most N orders (0 = all)")


def run_orders(args: argparse.Namespace) -> int:
    from app.services.order_list import OrderFilter

    with open_context(args) as context:
        connection_id = context.connections.find(args.connection).id if args.connection else None
        statuses = context.order_list.reference().statuses
        _known_view(args.status, [s for cid, listed in statuses.items()
                                  if connection_id in (None, cid) for s in listed])
        ids = context.order_list.ids(
            OrderFilter(view=args.status, connection_id=connection_id, search=args.search),
            statuses)
        if args.limit:
            ids = ids[:args.limit]
        rows = context.order_list.rows_in_order(ids)
        items = [{"order_id": r.order_id, "number": r.number, "connection_id": r.connection_id,
                  "ordered_at": r.ordered_at.isoformat() if r.ordered_at else None,
                  "storefront": r.storefront, "customer": r.customer, "city": r.ship_city,
                  "country": r.ship_country, "units": r.units, "weight": r.weight,
                  "shipping_method": r.shipping_method, "status": r.status,
                  "flag": r.flag_reason, "hold": r.hold_reason} for r in rows]
        text = "\n".join(f"{r.number:<12} {r.ordered_at:%Y-%m-%d} {r.customer[:24]:<24} "
                         f"{r.ship_city[:16]:<16} {r.units:>4} {r.status}"
                         if r.ordered_at else f"{r.number:<12} {r.customer}" for r in rows)
        emit(args, items, text or "No orders.")
    return 0


def _known_view(view: str, statuses: list) -> None:
    """A view or a store status name; anything else is refused with the valid choices (an
    unknown name would otherwise list nothing, as if no order were waiting)."""
    from app.domain.status_rules import normalize_status_name
    from app.services.order_list import VIEWS

    names = sorted({s.name for s in statuses}, key=str.casefold)
    if view in VIEWS or normalize_status_name(view) in {normalize_status_name(n) for n in names}:
        return
    raise UsageError(f"There is no view or store status named {view!r}.",
                     hint=f"Views: {', '.join(VIEWS)}. Store statuses: "
                          f"{', '.join(names) if names else 'none loaded yet (run sync)'}.")


def add_show(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("order", help="order id, with prefix (AC-100123) or connection "
                                      "(main:100123)")


def _jsonable(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def order_document(context: AppContext, order_pk: int) -> dict:
    from app.commands.packing import shipments_document
    from app.domain.orders import remaining_to_ship, shipped_in_store

    detail = context.order_list.detail(order_pk)
    assert detail is not None
    order, products = detail.order, detail.products
    reference = context.order_list.reference()
    record = reference.connections[order.connection_id]
    statuses = {s.id: s for s in reference.statuses[order.connection_id]}
    snap = order.snapshot
    status = statuses.get(snap.order_status_id) if snap.order_status_id is not None else None
    document = _jsonable(snap)
    for line in document["lines"]:
        product = products.get(line["product_id"])
        line["bin"] = product.bin if product else ""
        line["image_url"] = product.image_url if product else ""
    shipped = shipped_in_store(snap.shipments)
    remaining = remaining_to_ship(snap.lines, snap.shipments)
    for line in document["lines"]:
        line["shipped_in_store"] = shipped.get(line["line_id"], 0)
        line["remaining"] = remaining.get(line["line_id"], 0)
    document.update({
        "number": record.settings.display_number(snap.order_id),
        "connection": record.name,
        "status": status.name if status else None,
        "view": status.view.value if status else None,
        "units": order.units, "total_weight": order.total_weight,
        "payment_method": order.payment_method, "customer_name": order.customer_name,
        "customer_email": order.customer_email, "customer_phone": order.customer_phone,
        "tags": list(order.tags), "flag": order.flag_reason, "hold": order.hold_reason,
        "last_read_at": _jsonable(order.last_read_at),
        "admin_url": f"{record.settings.address}/store/admin/orders/viewOrder.aspx"
                     f"?orderid={snap.order_id}",
    })
    view = context.packing.view(order_pk)
    document["order_state"] = view.state.value
    document["queues"] = sorted(order_queues(view, status)) if status else []
    document["interruption"] = view.interruption
    document["local_shipments"] = shipments_document(view)
    return document


def order_queues(view, status) -> frozenset[str]:
    """The list views the order is in, by the rule the order lists' SQL follows."""
    from app.domain.packing import shipped_units
    from app.domain.status_rules import hold_active, order_views

    shipped, total = shipped_units(view.plan, view.lines)
    order = view.order
    held = hold_active(order.hold_reason, order.hold_until, utc_now())
    return order_views(status.view, total_units=total, shipped_units=shipped,
                       has_shipments=bool(view.shipments or order.snapshot.shipments),
                       partial_status=status.is_partially_shipped, held=held)


def run_show(args: argparse.Namespace) -> int:
    from app.services.order_lookup import resolve_order

    with open_context(args) as context:
        order_pk = resolve_order(context, args.order)
        document = order_document(context, order_pk)
        lines = [f"Order {document['number']} ({document['connection']}) — {document['status']}",
                 (f"Customer: {document['customer_name']} <{document['customer_email']}> "
                  f"{document['customer_phone']}"),
                 f"Ship via: {document['shipping_method']}  Weight: {document['total_weight']}"]
        for line in document["lines"]:
            lines.append(f"  {line['quantity']:>3} x {line['sku']:<16} {line['name']}"
                         f"  (shipped {line['shipped_in_store']}, remaining {line['remaining']})")
        for shipment in document["local_shipments"]:
            units = ", ".join(f"{line['quantity']} x {line['sku']}" for line in shipment["lines"])
            lines.append(f"Shipment {shipment['number']} of {shipment['of']} "
                         f"[{shipment['state']}]: {units}")
        emit(args, document, "\n".join(lines))
    return 0

