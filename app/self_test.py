"""`packdesk --self-test`: does this installation (source tree or installer bundle) work?

Each check exercises something an installer bundle can silently lose: the Alembic migrations
shipped as data, a keyring backend, reportlab with the slip fonts, the HTTP stack (against the
sandbox store on loopback), and the Qt modules and plugins. Checks run in a temporary folder and
never touch the station's own database. Each check imports what it tests inside itself, so a
module missing from a bundle fails that one check, not the whole report. Qt-free: the Qt check
lives in app/ui/self_check.py.
"""
from __future__ import annotations

import platform
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app import APP_NAME, __version__
from app.logs import describe_exception
from app.paths import AppPaths, resources_dir

if TYPE_CHECKING:
    from app.slips import SlipShipment

EXIT_OK = 0
EXIT_FAILED = 1

# A check gets a private temporary folder, returns what it saw, and raises when it fails.
Check = Callable[[Path], str]

# A page object in a PDF (not the /Pages tree node). reportlab writes no object streams,
# so page dictionaries are plain text in the file.
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'OK' if self.ok else 'FAILED':<7} {self.name}: {self.detail}"


def check_database(workdir: Path) -> str:
    from app.db.migrate import current_revision, head_revision, migrate

    database = workdir / "self-test.sqlite3"
    migrate(database, workdir / "backups")
    head = head_revision()  # read from the migration scripts themselves, not a constant
    stamped = current_revision(database)
    if stamped != head:
        raise RuntimeError(f"the database is at schema {stamped}, the migrations end at {head}")
    return f"migrated a new database to schema {head}"


def check_keyring(workdir: Path) -> str:
    from app.secrets import SecretStore

    return f"saved, read and deleted a secret with {SecretStore().self_test()}"


def check_packing_slip(workdir: Path) -> str:
    from app.slips import SlipOptions, render_slips

    pdf = workdir / "packing-slip.pdf"
    pages = render_slips([_sample_shipment()], SlipOptions(), pdf)
    data = pdf.read_bytes()
    found = len(_PDF_PAGE.findall(data))
    if not data.startswith(b"%PDF-") or found < 1 or found != pages:
        raise RuntimeError(f"{pdf.name} is not a PDF with {pages} page(s) (found {found})")
    return f"rendered a {pages}-page PDF ({len(data):,} bytes)"


def _sample_shipment() -> SlipShipment:
    from app.slips import SlipLine, SlipShipment, Storefront

    # Accents and CJK make the slip use both bundled fonts (DejaVu and the CJK fallback).
    return SlipShipment(
        storefront=Storefront(name=f"{APP_NAME} self-test"),
        order_number="SELFTEST-1", order_barcode="SELFTEST-1", shipment_barcode="SPD-TEST-1",
        lines=[SlipLine(sku="TEST-1", name="Café mug 咖啡杯", quantity=2, bin_location="A1")])


def check_sandbox(workdir: Path) -> str:
    from app.integrations.americommerce.address import parse_store_address
    from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client
    from app.sandbox import Sandbox, SandboxConfig

    # Port 0 = a free loopback port; a small store keeps start-up fast.
    with Sandbox(SandboxConfig(orders=5, products=5, port=0)) as sandbox:
        address = parse_store_address(sandbox.base_url)
        client = AmeriCommerceClient(make_http_client(address), address, lambda: sandbox.token,
                                     max_retries=0)
        try:
            storefronts = client.get_all("/stores")
        finally:
            client.close()
        where = sandbox.domain
    if not storefronts:
        raise RuntimeError(f"GET /api/v1/stores on {where} returned no storefront")
    return f"GET /api/v1/stores on {where} returned {len(storefronts)} storefront(s)"


def check_qt(workdir: Path) -> str:
    # PySide6 is imported only inside app/ui (house rule 1), and only when this check runs.
    from app.ui.self_check import check_qt as check_qt_modules

    return check_qt_modules(resources_dir() / "icons" / "packdesk.png")


# Qt last: a broken Qt library can kill the process, and the other lines are out by then.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("database", check_database),
    ("keyring", check_keyring),
    ("packing slip", check_packing_slip),
    ("sandbox", check_sandbox),
    ("qt", check_qt),
)


def run_check(name: str, check: Check, workdir: Path) -> CheckResult:
    try:
        return CheckResult(name, True, check(workdir))
    except Exception as exc:  # noqa: BLE001 - a self-test reports each failure, goes on
        return CheckResult(name, False, describe_exception(exc))


def run_checks(checks: tuple[tuple[str, Check], ...] = CHECKS) -> Iterator[CheckResult]:
    # ignore_cleanup_errors: Windows may still hold the SQLite file for a moment.
    with tempfile.TemporaryDirectory(prefix="packdesk-self-test-",
                                     ignore_cleanup_errors=True) as temp:
        for name, check in checks:
            workdir = Path(temp) / name.replace(" ", "-")
            workdir.mkdir()
            yield run_check(name, check, workdir)


def header_lines(paths: AppPaths) -> list[str]:
    kind = "installer bundle" if getattr(sys, "frozen", False) else "source"
    return [f"{APP_NAME} {__version__} self-test ({kind})",
            f"platform: {platform.platform()}, Python {platform.python_version()}",
            f"data dir: {paths.data_dir}",
            f"log dir: {paths.log_dir}"]


def run_self_test(paths: AppPaths, out: TextIO | None = None) -> int:
    """Print the report (one line per check, flushed as it goes) and return the exit code."""
    out = out or sys.stdout
    for line in header_lines(paths):
        print(line, file=out, flush=True)
    results = []
    for result in run_checks():
        results.append(result)
        print(result.line(), file=out, flush=True)
    failed = sum(not r.ok for r in results)
    verdict = "passed" if not failed else f"FAILED ({failed} of {len(results)} checks)"
    print(f"self-test {verdict}", file=out, flush=True)
    return EXIT_FAILED if failed else EXIT_OK
