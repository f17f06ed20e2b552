"""Headless outbox: `packdesk push` sends what is due; `packdesk outbox` lists, retries,
dismisses and previews entries. JSON output is documented in README.md ("Push and outbox")."""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from app.commands.common import add_common, emit, open_context
from app.errors import ConfigurationError

if TYPE_CHECKING:
    from app.services.outbox_desk import OutboxListing

EXIT_OK, EXIT_FAILED = 0, 1


def _time(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def listing_document(listing: OutboxListing) -> dict:
    entry = listing.entry
    return {"id": entry.entry_id, "connection": listing.connection_name,
            "order": listing.order_number, "order_id": listing.order_id, "kind": entry.kind,
            "state": entry.state, "attempts": entry.attempts,
            "next_attempt_at": _time(entry.next_attempt_at) if entry.state == "pending" else None,
            "last_error": entry.last_error, "created_at": _time(entry.created_at),
            "delivered_at": _time(entry.delivered_at), "payload": entry.payload}


# --- push -------------------------------------------------------------------------------------

def add_push(parser: argparse.ArgumentParser) -> None:
    add_common(parser)


def run_push(args: argparse.Namespace) -> int:
    import threading

    with open_context(args) as context:
        result = context.outbox.run_until_idle(threading.Event())
        document = result.as_dict()
        lines = []
        if result.busy:
            lines.append("Another PackDesk is pushing to the store right now; try again shortly.")
        for d in result.deliveries:
            call = d.as_dict()["call"]
            where = f"order {d.order_id}" if d.order_id is not None else "no order"
            text = f"  #{d.entry_id} {d.kind} ({where}): {d.outcome}"
            if call:
                text += f" - {call}" + (f" -> {d.status_code}" if d.status_code else "")
            if d.message:
                text += f" - {d.message}"
            lines.append(text)
        lines.append(f"Sent {document['sent']}, skipped {document['skipped']}, superseded "
                     f"{document['superseded']}, failed {document['failed']}, stopped "
                     f"{document['stopped']}, to retry later {document['retry_later']} "
                     f"({document['requests']} request(s)).")
        emit(args, document, "\n".join(lines))
    return EXIT_OK if result.ok and not result.busy else EXIT_FAILED


# --- outbox -----------------------------------------------------------------------------------

def add_outbox(parser: argparse.ArgumentParser) -> None:
    add_common(parser)
    parser.add_argument("action", nargs="?", choices=("list", "retry", "dismiss", "preview"),
                        default="list", help="list (default), retry, dismiss or preview")
    parser.add_argument("entry", nargs="?", type=int, metavar="ID", help="the entry's id")
    parser.add_argument("--all", action="store_true",
                        help="list every entry, old deliveries and superseded ones too")
    parser.add_argument("--all-failed", action="store_true",
                        help="with retry: every failed entry")


def run_outbox(args: argparse.Namespace) -> int:
    with open_context(args) as context:
        service = context.outbox
        if args.action == "list":
            entries = service.entries(include_all=args.all)
            lines = [f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"]
            for listing in entries:
                e = listing.entry
                text = (f"  #{e.entry_id} {listing.order_number or '-'} {e.kind} [{e.state}] "
                        f"attempts {e.attempts}")
                if e.state == "delivered" and e.delivered_at:
                    text += f", delivered {e.delivered_at:%Y-%m-%d %H:%M}"
                if e.state == "pending" and e.next_attempt_at and e.attempts:
                    text += f", next try {e.next_attempt_at:%Y-%m-%d %H:%M:%S}"
                if e.last_error:
                    text += f" - {e.last_error}"
                lines.append(text)
            emit(args, {"entries": [listing_document(x) for x in entries]}, "\n".join(lines))
            return EXIT_OK
        if args.action == "retry":
            if args.all_failed:
                ids = sorted(service.retry_failed().outbox)
            elif args.entry is not None:
                service.retry(args.entry)
                ids = [args.entry]
            else:
                raise ConfigurationError("Say which entry to retry (ID), or --all-failed.")
            emit(args, {"retried": ids},
                 f"{len(ids)} entr{'y' if len(ids) == 1 else 'ies'} will be sent on the next "
                 "push.")
            return EXIT_OK
        if args.entry is None:
            raise ConfigurationError(f"Say which entry to {args.action} (ID).")
        if args.action == "dismiss":
            service.dismiss(args.entry)
            emit(args, {"dismissed": args.entry}, f"Entry {args.entry} dismissed.")
            return EXIT_OK
        preview = service.preview(args.entry)
        emit(args, preview.as_dict(), preview.as_text())
        return EXIT_OK
