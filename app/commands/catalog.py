"""Headless catalog: `packdesk catalog import FILE` reads a supplier or ERP file into a catalog
source; `packdesk catalog` reports what each row is in the store (linked, not in the store,
only in the store, ambiguous); `catalog link` saves the automatic links, or one by hand;
`catalog unlink SKU` undoes one. JSON output (--json) is documented in README.md."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import add_common, emit, open_context
from app.errors import UsageError

EXIT_OK, EXIT_FAILED = 0, 1
SHOWN_ISSUES = 50  # the text output lists this many; --json lists all


def add_catalog(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("action", nargs="?", choices=("list", "import", "link", "unlink"),
                        default="list", help="list (default), import FILE, link [SKU], "
                                             "unlink SKU")
    parser.add_argument("target", nargs="?", metavar="FILE|SKU",
                        help="the file to import, or the catalog row's SKU")
    parser.add_argument("--source", metavar="NAME",
                        help="the catalog source (default: the file's name on import, else "
                             "the only source)")
    parser.add_argument("--connection", metavar="NAME",
                        help="the store connection (default: the only one)")
    parser.add_argument("--filter", choices=("linked", "unmatched", "ambiguous"),
                        help="list only these rows")
    parser.add_argument("--dry-run", action="store_true",
                        help="import: check the file and show what would be imported")
    parser.add_argument("--accept-bad-rows", action="store_true",
                        help="import: import the good rows even when many are bad")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                        help="import: which column holds a field (sku, gtin, mpn, title, "
                             "description, price, quantity, weight, length, width, height, "
                             "categories, images, parent_sku, option:NAME); saved per source")
    parser.add_argument("--delimiter", metavar="CHAR",
                        help="import: the delimiter, when the guess is wrong (tab: '\\t')")
    parser.add_argument("--product", type=int, metavar="ID",
                        help="link: the store product id to link the SKU to by hand")
    parser.add_argument("--variant", type=int, metavar="ID",
                        help="link: the store variant inventory id (with --product)")
    parser.add_argument("--automatic", action="store_true",
                        help="unlink: forget the link or unlink made by hand; the rules "
                             "link the row again")


def _mapping(pairs: list[str]):
    from app.domain.catalog_file import FIELDS, ColumnMapping

    columns: dict[str, str] = {}
    options: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise UsageError(f"--map {pair!r}: write FIELD=COLUMN, e.g. --map sku='Item #'.")
        if field.lower().startswith("option:") and field[7:].strip():
            options[field[7:].strip()] = column.strip()
        elif field.lower() in FIELDS:
            columns[field.lower()] = column.strip()
        else:
            raise UsageError(f"--map {pair!r}: no field {field!r} ({', '.join(FIELDS)}, "
                             "option:NAME).")
    return ColumnMapping(columns, options) if columns or options else None


def run_catalog(args: argparse.Namespace) -> int:
    with open_context(args) as context:
        service = context.catalog
        if args.action == "import":
            return _import(args, service)
        if args.action == "link" and args.target:
            if args.product is None:
                raise UsageError("Say which store product to link to (--product ID).")
            service.link_by_hand(args.target, args.product, args.variant,
                                 connection=args.connection, source=args.source)
            emit(args, {"sku": args.target, "state": "linked", "how": "hand",
                        "product_id": args.product, "variant_inventory_id": args.variant},
                 f"{args.target} linked by hand to product {args.product}"
                 + (f" variant {args.variant}." if args.variant is not None else "."))
            return EXIT_OK
        if args.action == "unlink":
            if not args.target:
                raise UsageError("Say which catalog row to unlink (SKU).")
            service.unlink(args.target, connection=args.connection, source=args.source,
                           automatic_again=args.automatic)
            emit(args, {"sku": args.target, "automatic": args.automatic},
                 f"{args.target}: " + ("links automatically again." if args.automatic
                                       else "unlinked; it stays unlinked until linked by "
                                            "hand."))
            return EXIT_OK
        show = service.link if args.action == "link" else service.report
        report = show(args.connection, args.source, args.filter)
        emit(args, report.as_dict(), _report_text(report))
        return EXIT_OK


def _import(args: argparse.Namespace, service) -> int:
    from app.services.catalog import ImportState

    if not args.target:
        raise UsageError("Say which file to import: packdesk catalog import FILE.")
    delimiter = "\t" if args.delimiter in ("\\t", "tab") else args.delimiter
    outcome = service.import_file(Path(args.target), args.source, dry_run=args.dry_run,
                                  accept_bad_rows=args.accept_bad_rows,
                                  mapping=_mapping(args.map), delimiter=delimiter)
    preview = outcome.preview
    lines = [(f"{preview.file.name}: {preview.encoding}, delimiter "
              f"{'tab' if preview.delimiter == chr(9) else repr(preview.delimiter)}, "
              f"{'saved' if preview.mapping_saved else 'guessed'} mapping:")]
    lines += [f"  {name:<12} <- {column}" for name, column in preview.mapping.columns.items()]
    lines += [f"  option {name:<5} <- {column}"
              for name, column in preview.mapping.options.items()]
    issues = preview.result.issues
    for issue in issues[:SHOWN_ISSUES]:
        lines.append(f"  row {issue.row}{f' ({issue.sku})' if issue.sku else ''}: "
                     f"{issue.reason}{' - skipped' if issue.skipped else ''}")
    if len(issues) > SHOWN_ISSUES:
        lines.append(f"  ... {len(issues) - SHOWN_ISSUES:,} more (all of them with --json)")
    lines.append(outcome.message)
    emit(args, outcome.as_dict(), "\n".join(lines))
    return EXIT_FAILED if outcome.state is ImportState.STOPPED else EXIT_OK


def _report_text(report) -> str:
    counts = report.counts
    lines = [(f"Catalog '{report.source}' against '{report.connection}': "
              f"{counts['linked']:,} linked, {counts['not_in_store']:,} not in the store, "
              f"{counts['only_in_store']:,} only in the store, {counts['ambiguous']:,} "
              f"ambiguous, {counts['unlinked']:,} unlinked by hand.")]
    for entry in report.entries:
        text = f"  {entry.state.value:<13} {entry.sku or '-'}"
        if entry.item is not None:
            text += f" -> product {entry.item.product_id}"
            if entry.item.variant_inventory_id is not None:
                text += f" variant {entry.item.variant_inventory_id}"
            if entry.how:
                text += f" (by {entry.how})"
        if entry.title:
            text += f"  {entry.title}"
        if entry.reason:
            text += f" - {entry.reason}"
        lines.append(text)
    return "\n".join(lines)
