"""Command line: `packdesk` starts the GUI; subcommands work headless.

Every command prints one clear line on failure and exits non-zero; the details go to the log.
JSON output (--json) is documented in README.md.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable

from app import APP_NAME, __version__
from app.errors import PackDeskError, UsageError
from app.logs import describe_exception

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # what a shell reports for a command ended by SIGPIPE

# name -> (help, add_arguments, run). Commands register here so the parser and the dispatch
# cannot drift apart.
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _sandbox_command() -> Command:
    from app.sandbox import cli as sandbox_cli

    return ("serve the built-in sandbox store on loopback", sandbox_cli.add_arguments,
            sandbox_cli.run)


def _command(module: str, name: str, help_text: str) -> Callable[[], Command]:
    def make() -> Command:
        commands = importlib.import_module(f"app.commands.{module}")
        return help_text, getattr(commands, f"add_{name}"), getattr(commands, f"run_{name}")
    return make


COMMANDS: dict[str, Callable[[], Command]] = {
    "connect": _command("orders", "connect", "add a store connection (token read from stdin)"),
    "connections": _command("orders", "connections", "list store connections"),
    "sync": _command("orders", "sync", "import new and changed orders from the stores"),
    "orders": _command("orders", "orders", "list cached orders"),
    "show": _command("orders", "show", "show one order with its lines and shipments"),
    "split": _command("packing", "split", "move lines or units to another shipment"),
    "merge": _command("packing", "merge", "merge shipments of an order"),
    "ship": _command("packing", "ship", "mark a shipment shipped and queue the store update"),
    "void": _command("packing", "void", "void a shipment (before or after it shipped)"),
    "station": _command("packing", "station", "show or set this station's name and packer"),
    "push": _command("outbox", "push", "send queued shipments and status changes to the stores"),
    "outbox": _command("outbox", "outbox", "list, retry, dismiss or preview queued store updates"),
    "slips": _command("slips", "slips", "packing slips of orders or shipments as one PDF"),
    "picklist": _command("slips", "picklist", "a pick list of orders by status, or listed, as PDF"),
    "db": _command("db", "db", "check the station's database, or restore it from a backup"),
    "catalog": _command("catalog", "catalog", "import a catalog file; link and list listings"),
    "sandbox": _sandbox_command,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="packdesk",
        description=f"{APP_NAME}: packing and shipping station for AmeriCommerce stores. "
                    "Without a command, the desktop app starts.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="keep the database and logs here (default: PACKDESK_HOME, "
                             "else the platform's user data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="start on the built-in sandbox store (a temporary data folder "
                             "unless --data-dir is given; nothing goes to the OS keyring)")
    parser.add_argument("--verbose", "-v", action="store_true", help="log to the console too")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (database, keyring, slips, sandbox, Qt) "
                             "in a temporary folder, print a report and exit 0 or 1")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, make in COMMANDS.items():
        help_text, add_arguments, run = make()
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(command_parser)
        command_parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a headless command; any failure becomes one line on stderr and a non-zero exit."""
    try:
        code = int(args.run(args) or EXIT_OK)
        sys.stdout.flush()  # a closed pipe shows here, not as a warning at exit
        return code
    except BrokenPipeError:
        # The reader went away (`packdesk orders | head`): stop quietly, as other tools do.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("packdesk: interrupted", file=sys.stderr)
        return 130
    except UsageError as exc:
        print(f"packdesk {args.command}: {describe_exception(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except PackDeskError as exc:
        log.warning("%s failed: %s", args.command, exc)
        print(f"packdesk {args.command}: {describe_exception(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        log.exception("%s failed unexpectedly", args.command)
        print(f"packdesk {args.command}: unexpected error: {describe_exception(exc)} "
              "(details in the log)", file=sys.stderr)
        return EXIT_FAILED


def _silence_stdout() -> None:
    """Point stdout at the null device so Python's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
