"""Headless printing: packing slips and pick lists as one PDF file each.

    packdesk slips ORDER_OR_SHIPMENT... -o FILE.pdf [--size letter|a4|4x6] [--gift] [--prices]
                   [--reverse]
    packdesk picklist [--status S] [--orders ORDER,...] [--connection NAME] -o FILE.pdf

Each PDF written is recorded in the print log (station, packer, time, what, reprint count); a
slip written before prints "REPRINT".
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from app.commands.common import add_common, emit, open_context
from app.errors import ConfigurationError

if TYPE_CHECKING:
    from app.services.slips import SlipDocument

SIZES = ("letter", "a4", "4x6")


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="FILE.pdf",
                        help="the PDF to write (replaced if it exists)")
    parser.add_argument("--size", choices=SIZES, default="letter",
                        help="paper: letter, a4, or 4x6 thermal labels (default: letter)")
    parser.add_argument("--reverse", action="store_true",
                        help="last page first, for printers that stack face up")


def _output_path(value: str) -> Path:
    path = Path(value).expanduser()
    if path.is_dir():
        raise ConfigurationError(f"{value} is a folder; give a file name ending in .pdf.")
    if not path.parent.exists():
        raise ConfigurationError(f"The folder {path.parent} does not exist.")
    return path.resolve()


def _write(path: Path, build) -> SlipDocument:
    """Build into a temporary file next to the target, then move it into place: a failed or
    interrupted run never leaves half a PDF under the target's name."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        document = build(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return document


def _report(args: argparse.Namespace, document: SlipDocument, path: Path, what: str) -> None:
    data = {"file": str(path), "pages": document.pages,
            "shipments": [i.as_dict() for i in document.items]}
    reprints = sum(1 for i in document.items if i.reprint)
    if document.kind == "pick_list":
        data["reprint"] = document.reprint
        reprints = int(document.reprint)
    else:
        data["held_back"] = list(document.held_back)
    text = (f"Wrote {path}: {document.pages} page(s), {what}"
            + (f", {reprints} reprint(s)" if reprints else "") + ".")
    if document.held_back:  # left out of the batch, not lost: say which and why
        text += "".join(f"\nNot printed: {reason} Acknowledge its flag or use --acknowledge."
                        for reason in document.held_back)
    emit(args, data, text)


# --- slips ---------------------------------------------------------------------------------

def add_slips(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("targets", nargs="+", metavar="ORDER_OR_SHIPMENT",
                        help="an order (100123, AC-100123, main:100123: every shipment of it), "
                             "a shipment as ORDER#N, a scanned slip barcode (SPD-...) or a "
                             "shipment name (PD-...)")
    _add_output(parser)
    parser.add_argument("--gift", action="store_true",
                        help="gift slips: no prices, no billing details")
    parser.add_argument("--prices", action="store_true", help="show prices (not on gift slips)")
    parser.add_argument("--acknowledge", action="store_true",
                        help="print slips of orders without a ship-to address anyway")


def run_slips(args: argparse.Namespace) -> int:
    from app.services.slips import PDF, slip_job
    from app.slips import PageSize, SlipOptions

    path = _output_path(args.output)
    options = SlipOptions(page_size=PageSize(args.size), show_prices=args.prices,
                          gift=args.gift, reverse=args.reverse)
    with open_context(args) as context:
        targets = [context.slips.resolve_target(t) for t in args.targets]
        job = slip_job(targets, options, acknowledge_no_ship_to=args.acknowledge)
        document = _write(path, lambda out: context.slips.build(job, out))
        context.slips.record(document, output=PDF, destination=str(path))
        _report(args, document, path, f"{len(document.items)} slip(s)")
    return 0


# --- pick list -----------------------------------------------------------------------------

def add_picklist(parser: argparse.ArgumentParser) -> None:
    from app.domain.status_rules import LIST_VIEWS

    add_common(parser)
    parser.add_argument("--status", metavar="S",
                        help="the orders of a view (" + ", ".join(LIST_VIEWS) + ") or a store "
                             "status name (default without --orders: awaiting_shipment)")
    parser.add_argument("--orders", metavar="ORDER,...",
                        type=lambda v: [p.strip() for p in v.split(",") if p.strip()],
                        help="these orders or shipments (ORDER, ORDER#N, SPD-..., PD-...)")
    parser.add_argument("--connection", metavar="NAME", help="only this connection")
    parser.add_argument("--title", default="Pick list", help="printed at the top")
    _add_output(parser)


def run_picklist(args: argparse.Namespace) -> int:
    from app.services.slips import PDF, pick_list_job
    from app.slips import PageSize, SlipOptions

    path = _output_path(args.output)
    options = SlipOptions(page_size=PageSize(args.size), reverse=args.reverse)
    with open_context(args) as context:
        connection = context.connections.find(args.connection) if args.connection else None
        targets = context.slips.pick_list_targets(args.orders or [], view=args.status,
                                                  connection=connection)
        if not targets:
            raise ConfigurationError("No orders to pick.",
                                     hint="Check --status and --connection, or sync first.")
        job = pick_list_job(targets, options, title=args.title)

        def build(out: Path) -> SlipDocument:
            document = context.slips.build(job, out)
            if not document.items:
                raise ConfigurationError("Nothing left to pick: those orders have shipped (or "
                                         "have nothing to ship).")
            return document

        document = _write(path, build)
        context.slips.record(document, output=PDF, destination=str(path))
        orders = len({i.order_pk for i in document.items})
        _report(args, document, path,
                f"{len(document.items)} shipment(s) of {orders} order(s) to pick")
    return 0
