"""The real app under a real X server: Xvfb + openbox, keys and clicks sent with xdotool.

A keyboard-wedge scanner is a keyboard: what reaches the app are X key events, Shift pressed for
every capital, keys timed 1-30 ms apart. QKeyEvents built by hand (tests/ui) do not show what
real devices send, so these few tests send real X events to the real app in a subprocess
(tests/acceptance/station.py) and read outcomes from its database and the sandbox store.

Under CI=true a missing Xvfb, openbox or xdotool fails the run; elsewhere it skips.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from app.sandbox import Sandbox, SandboxConfig
from tests.acceptance.station import GUI_THREAD_DB_CALLS
from tests.acceptance.xsession import X, require_tools, wait_for, x_session

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "acceptance" / "screenshots"  # failures only; not committed


@pytest.fixture(scope="session")
def xserver():
    """A private X display (a free one, picked by Xvfb itself) with a window manager."""
    require_tools()
    with x_session() as env:
        yield env


class Station:
    """The app under test: its control pipe, its database, the sandbox store behind it."""

    def __init__(self, process: subprocess.Popen, data_dir: Path, sandbox: Sandbox,
                 x: X) -> None:
        self.process = process
        self.data_dir = data_dir
        self.sandbox = sandbox
        self.x = x

    def ask(self, cmd: str, **kwargs) -> dict:
        assert self.process.poll() is None, "the app exited"
        self.process.stdin.write(json.dumps({"cmd": cmd, **kwargs}) + "\n")
        self.process.stdin.flush()
        reply = json.loads(self.process.stdout.readline())
        assert "error" not in reply, reply["error"]
        return reply

    def state(self) -> dict:
        return self.ask("state")

    def wait_state(self, predicate, what: str, timeout: float = 15) -> dict:
        return wait_for(lambda: (lambda s: s if predicate(s) else None)(self.state()),
                        timeout, what)

    def click(self, name: str, **where_args) -> None:
        where = wait_for(lambda: (lambda w: w if w.get("enabled") else None)(
            self.ask("where", name=name, **where_args)), 15, f"{name} visible and enabled")
        self.x.click(where["x"], where["y"])

    def query(self, sql: str, *args) -> list[tuple]:
        uri = f"file:{self.data_dir / 'packdesk.sqlite3'}?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=10) as db:
            return db.execute(sql, args).fetchall()

    def last_scan_id(self) -> int:
        return self.query("SELECT COALESCE(MAX(id), 0) FROM scans")[0][0]

    def scans_after(self, scan_id: int) -> list[tuple[str, str]]:
        return self.query("SELECT value, result FROM scans WHERE id > ? ORDER BY id", scan_id)

    def wait_scans(self, scan_id: int, count: int, timeout: float = 10) -> list[tuple[str, str]]:
        return wait_for(lambda: (lambda rows: rows if len(rows) >= count else None)(
            self.scans_after(scan_id)), timeout, f"{count} scan(s) recorded")

    def store(self, name: str, **kwargs):
        """The sandbox store's own view, over its control API."""
        response = httpx.post(f"{self.sandbox.base_url}/_sandbox/{name}", json=kwargs,
                              headers={"X-Sandbox-Key": self.sandbox.control_key}, timeout=10)
        response.raise_for_status()
        return response.json()["result"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="module")
def station(xserver, tmp_path_factory):
    x = X(xserver)
    data_dir = tmp_path_factory.mktemp("acceptance-station")
    with Sandbox(SandboxConfig(orders=60, seed=3)) as sandbox:
        sandbox.start()
        env = dict(xserver, QT_QPA_PLATFORM="xcb", PYTHONPATH=str(ROOT),
                   PACKDESK_HOME=str(data_dir))
        log = open(data_dir / "app-stderr.txt", "w")  # noqa: SIM115 - open while the app runs
        process = subprocess.Popen([sys.executable, "-m", "tests.acceptance.station",
                                    str(data_dir)], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=log, text=True, env=env,
                                   cwd=ROOT)
        try:
            process.stdin.write(json.dumps({"address": sandbox.domain,
                                            "token": sandbox.token}) + "\n")
            process.stdin.flush()
            ready = process.stdout.readline()
            assert ready.strip(), "the app did not start: see " + str(log.name)
            app = Station(process, data_dir, sandbox, x)
            x.activate("PackDesk")
            wait_for(lambda: app.query("SELECT COUNT(*) FROM sync_runs WHERE finished_at IS NOT "
                                    "NULL")[0][0] > 0, 60, "the first sync")
            yield app
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()
    calls = data_dir / GUI_THREAD_DB_CALLS
    assert not calls.exists(), calls.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def screenshot_on_failure(request, xserver):
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        path = SCREENSHOTS / f"{request.node.name}.png"
        X(xserver).screenshot(path)
        print(f"screenshot: {path}")
