"""What every headless command shares: the data dir, --json output, opening the context."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.context import AppContext

log = logging.getLogger(__name__)


def add_common(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS keeps a --data-dir given before the command from being overwritten by None.
    parser.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="the station's data folder (as the global option)")
    parser.add_argument("--json", action="store_true", help="print JSON (see README.md)")


@contextmanager
def open_context(args: argparse.Namespace) -> Iterator[AppContext]:
    from app.bootstrap import build_context
    from app.paths import resolve_paths

    context = build_context(resolve_paths(getattr(args, "data_dir", None)),
                            console_log=getattr(args, "verbose", False))
    try:
        yield context
        _backup_if_due(context)
    finally:
        context.close()


def _backup_if_due(context: AppContext) -> None:
    """Stations run from cron (`packdesk sync`) get their periodic backups here."""
    from app.services.db_health import backup_if_due

    try:
        backup_if_due(context.paths)
    except Exception:  # the command itself succeeded; the next one tries again
        log.exception("Periodic backup failed")


def emit(args: argparse.Namespace, data, text: str) -> None:
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text)


def parse_date(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-11-01") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
