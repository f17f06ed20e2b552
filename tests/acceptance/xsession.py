"""A private X session for tests and benchmarks: Xvfb on a free display, openbox for focus,
and xdotool to send real X events (keys as a wedge scanner sends them, clicks)."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TOOLS = ("Xvfb", "openbox", "xdotool", "setxkbmap", "import")


def ahead_of_others() -> list[str]:
    """A command prefix that keeps a process from being paused by the others: a hardware
    scanner never is, but xdotool and Xvfb on a loaded shared machine are, for 50-100 ms now
    and then (seen in the X key times), which splits a burst. Real-time if allowed, else
    a higher priority if allowed, else nothing."""
    for prefix in (["chrt", "-f", "10"], ["nice", "-n", "-15"]):
        if shutil.which(prefix[0]) and subprocess.run(
                [*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return []


def require_tools() -> None:
    """In a test: skip without Xvfb, openbox, xdotool...; under CI=true fail instead."""
    from tests.support.tools import require_tool

    require_tool(*TOOLS, hint="apt: xvfb openbox xdotool x11-xkb-utils imagemagick")


def wait_for(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@contextmanager
def x_session(size: str = "1920x1080") -> Iterator[dict[str, str]]:
    """The environment (DISPLAY set) of a new X display with a window manager."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen([*ahead_of_others(), "Xvfb", "-displayfd", str(write_fd),
                             "-screen", "0", f"{size}x24", "-nolisten", "tcp", "-noreset"],
                            pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as display_number:  # Xvfb picks a free display and says which
        display = ":" + display_number.readline().strip()
    env = dict(os.environ, DISPLAY=display)
    env.pop("WAYLAND_DISPLAY", None)
    wm = subprocess.Popen(["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    try:
        X(env).layout("us")
        yield env
    finally:
        for process in (wm, xvfb):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


class X:
    """xdotool and friends on the test display."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.ahead = ahead_of_others()

    def run(self, *args: str, timeout: float = 20) -> str:
        if args[0] == "xdotool":
            args = (*self.ahead, *args)
        return subprocess.run(args, env=self.env, capture_output=True, text=True, check=True,
                              timeout=timeout).stdout

    def layout(self, name: str) -> None:
        self.run("setxkbmap", *name.split())

    def scan_async(self, text: str, delay_ms: int, end: str = "Return") -> subprocess.Popen:
        """As a wedge scanner: every key (Shift for capitals included) `delay_ms` apart, then
        Return (or Tab), as one xdotool script read from stdin so the end key keeps the pace.
        Not waited for: the caller may have to keep its own event loop going."""
        assert text and not any(ch.isspace() for ch in text), "codes have no blanks"
        process = subprocess.Popen([*self.ahead, "xdotool", "-"], stdin=subprocess.PIPE,
                                   env=self.env, text=True)
        assert process.stdin is not None
        process.stdin.write(f"type --delay {delay_ms} {text}\nkey --delay {delay_ms} {end}\n")
        process.stdin.close()
        return process

    def scan(self, text: str, delay_ms: int, end: str = "Return") -> None:
        process = self.scan_async(text, delay_ms, end)
        assert process.wait(timeout=20) == 0, f"xdotool failed typing {text}"

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
        window = wait_for(lambda: self.run("xdotool", "search", "--onlyvisible", "--name", title,
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
