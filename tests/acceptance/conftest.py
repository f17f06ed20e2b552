"""The real app under a real X server: Xvfb + openbox, keys and clicks sent with xdotool.

A keyboard-wedge scanner is a keyboard: what reaches the app are X key events, Shift pressed for
every capital, keys timed 1-30 ms apart. QKeyEvents built by hand (tests/ui) do not show what
real devices send, so these few tests send real X events to the real app in a subprocess
(tests/acceptance/station.py) and read outcomes from its database and the sandbox store.

Under CI=true a missing Xvfb, openbox or xdotool fails the run; elsewhere it skips.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from app.sandbox import Sandbox, SandboxConfig

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("Xvfb", "openbox", "xdotool", "setxkbmap", "import")
SCREENSHOTS = ROOT / "tests" / "acceptance" / "screenshots"  # failures only; not committed


def _wait(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="session")
def xserver(tmp_path_factory):
    """A private X display (a free one, picked by Xvfb itself) with a window manager."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = (f"acceptance tests need {', '.join(missing)} (apt: xvfb openbox xdotool "
                   "x11-xkb-utils imagemagick)")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24",
                             "-nolisten", "tcp", "-noreset"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as display_number:
        display = ":" + display_number.readline().strip()
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    wm = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    X(env).layout("us")
    yield env
    wm.terminate()
    xvfb.terminate()
    for process in (wm, xvfb):
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class X:
    """xdotool and friends on the test display."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def run(self, *args: str, timeout: float = 20) -> str:
        return subprocess.run(args, env=self.env, capture_output=True, text=True, check=True,
                              timeout=timeout).stdout

    def layout(self, name: str) -> None:
        self.run("setxkbmap", *name.split())

    def scan(self, text: str, delay_ms: int, end: str = "Return") -> None:
        """As a wedge scanner: every key (Shift for capitals included) `delay_ms` apart, then
        Return (or Tab), in one xdotool run so the end key keeps the pace."""
        assert text and not any(ch.isspace() for ch in text), "codes have no blanks"
        with tempfile.NamedTemporaryFile("w", suffix=".xdo", delete=False) as script:
            script.write(f"type --delay {delay_ms} {text}\nkey --delay {delay_ms} {end}\n")
        try:
            self.run("xdotool", script.name)  # xdotool's script mode: one process, no gap
        finally:
            os.unlink(script.name)

    def keycodes(self, codes: list[tuple[int, bool]], delay_ms: int) -> None:
        """Raw key positions (keycode, shifted), as a scanner whose layout differs from the
        station's sends them: the station's layout decides what they mean."""
        d = ["--delay", str(delay_ms)]
        args: list[str] = []
        for code, shifted in codes:
            args += ([*["keydown", *d, "Shift_L"], "key", *d, str(code), "keyup", *d, "Shift_L"]
                     if shifted else ["key", *d, str(code)])
        self.run("xdotool", *args)

    def key(self, *keys: str) -> None:
        self.run("xdotool", "key", "--delay", "20", *keys)

    def click(self, x: int, y: int) -> None:
        self.run("xdotool", "mousemove", "--sync", str(x), str(y), "click", "1")

    def activate(self, title: str) -> None:
        window = _wait(lambda: self.run("xdotool", "search", "--onlyvisible", "--name", title,
                                        timeout=10).split() if self._found(title) else None,
                       20, f"a window named {title!r}")
        self.run("xdotool", "windowactivate", "--sync", window[-1])

    def _found(self, title: str) -> bool:
        return subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title],
                              env=self.env, capture_output=True).returncode == 0

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["import", "-window", "root", str(path)], env=self.env,
                       capture_output=True, timeout=30)


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
        return _wait(lambda: (lambda s: s if predicate(s) else None)(self.state()), timeout, what)

    def click(self, name: str) -> None:
        where = self.ask("where", name=name)
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
        return _wait(lambda: (lambda rows: rows if len(rows) >= count else None)(
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
        log = open(data_dir / "app-stderr.txt", "w")
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
            _wait(lambda: app.query("SELECT COUNT(*) FROM sync_runs WHERE finished_at IS NOT "
                                    "NULL")[0][0] > 0, 60, "the first sync")
            yield app
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


@pytest.fixture(autouse=True)
def screenshot_on_failure(request, xserver):
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        path = SCREENSHOTS / f"{request.node.name}.png"
        X(xserver).screenshot(path)
        print(f"screenshot: {path}")
