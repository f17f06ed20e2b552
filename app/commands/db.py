"""`packdesk db check` and `packdesk db restore BACKUP`: the station's database and its backups.

Neither opens the app's context: they must work on a database the app refuses to open.
JSON output (--json) is documented in README.md ("Damaged database, backups and restore").
"""
from __future__ import annotations

import argparse
from pathlib import Path

from app.commands.common import add_common, emit

EXIT_OK, EXIT_FAILED = 0, 1


def add_db(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="check the database in full and list its backups")
    add_common(check)
    restore = actions.add_parser(
        "restore", help="put a backup in place of the database (checked first; the replaced "
                        "file is kept in the data folder's damaged/ folder)")
    restore.add_argument("backup", metavar="BACKUP",
                         help="a backup file, or its name in the data folder's backups/")
    add_common(restore)


def _paths(args: argparse.Namespace):
    from app.logs import setup_logging
    from app.paths import resolve_paths

    paths = resolve_paths(getattr(args, "data_dir", None))
    setup_logging(paths.log_file, console=getattr(args, "verbose", False))
    return paths


def run_db(args: argparse.Namespace) -> int:
    return (run_check if args.db_action == "check" else run_restore)(args)


def run_check(args: argparse.Namespace) -> int:
    from app.services import db_health

    paths = _paths(args)
    report = db_health.check(paths)
    found = db_health.backups(paths.backups_dir)
    document = report.as_dict() | {"backups": [
        {"path": str(b), "bytes": b.stat().st_size} for b in found]}
    lines = [report.message if not report.ok else
             f"The station's database is fine ({paths.database}; checked in "
             f"{report.duration_ms} ms)."]
    if report.ok:
        lines.append(f"{len(found)} backup(s) in {paths.backups_dir}"
                     + (f"; newest {found[0].name}." if found else "."))
    emit(args, document, "\n".join(lines))
    return EXIT_OK if report.ok else EXIT_FAILED


def run_restore(args: argparse.Namespace) -> int:
    from app.services import db_health

    paths = _paths(args)
    backup = Path(args.backup).expanduser()
    if not backup.exists() and (paths.backups_dir / backup.name).exists():
        backup = paths.backups_dir / backup.name
    result = db_health.restore(paths, backup)
    kept = (f" The file it replaced is kept at {result.kept_aside}."
            if result.kept_aside else "")
    emit(args, {"database": str(result.database), "backup": str(result.backup),
                "kept_aside": str(result.kept_aside) if result.kept_aside else None},
         f"Restored {result.database} from {result.backup.name}.{kept} The next sync brings "
         "back store changes made since the backup.")
    return EXIT_OK
