"""Packing-view benchmark: scan to visible feedback, and opening a cached order.

    python tests/perf/bench_packing.py [--orders 300] [--opens 20] [--scans 60]
                                       [--real-keys [--key-delay-ms 5]]

Prints one JSON object. A sandbox store's orders are synced into a temporary station; the
packing window runs offscreen with the production TaskRunner (database work on the "db" pool),
as the app does.

- scan_feedback_ms: the Enter key event that ends a scanner burst, to the first paint of the
  feedback banner AND of the verified line's row after the result arrived (the later of the
  two). Budget: 100 ms.
- open_order_ms: open_order(pk) on a cached order (begin packing: the plan is saved), to the
  first paint of its shipment panels. Budget: 300 ms.

With --real-keys the window runs under its own Xvfb (+ openbox) on Qt's xcb platform and every
scan is typed by xdotool as a wedge scanner sends it (Shift for capitals, --key-delay-ms per
key, Return): scan_feedback_ms is then from the real Return key event reaching the app to the
same paints. Needs Xvfb, openbox and xdotool (tests/acceptance/xsession.py).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(values), "median": round(statistics.median(values), 2),
            "p95": round(p95, 2), "max": round(max(values), 2)}


def run(orders: int = 300, opens: int = 20, scans: int = 60,
        data_dir: Path | None = None, x=None, key_delay_ms: int = 5) -> dict[str, Any]:
    """`x`: an xsession.X on the display this process's Qt uses (xcb): scans as real keys."""
    import keyring
    from PySide6.QtCore import QEvent, QObject, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from sqlmodel import select

    from app.bootstrap import build_context
    from app.db.tables import Order
    from app.domain.connection_settings import ConnectionSettings
    from app.paths import resolve_paths
    from app.sandbox import Sandbox, SandboxConfig
    from app.ui.packing import PackingWindow, ScanSounds
    from app.ui.tasks import TaskRunner
    from tests.support.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    qapp = QApplication.instance() or QApplication([])
    folder = Path(data_dir or tempfile.mkdtemp(prefix="packdesk-bench-packing-"))
    context = build_context(resolve_paths(folder / "station").ensure())
    errors: list[str] = []
    result: dict[str, Any] = {"orders": orders, "keys": "x11" if x else "synthetic"}
    if x is not None:
        result["key_delay_ms"] = key_delay_ms

    class PaintClock(QObject):
        """perf_counter of the latest paint of each watched widget."""

        def __init__(self) -> None:
            super().__init__()
            self.painted: dict[int, float] = {}

        def watch(self, widget) -> None:
            widget.installEventFilter(self)

        def eventFilter(self, watched, event) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                self.painted[id(watched)] = time.perf_counter()
            return False

    class Clock:
        ms = 0.0

        def __call__(self) -> float:
            return self.ms

    class EnterClock(QObject):
        """perf_counter when a real Return key press reaches the app (installed after the
        scanner listener, so it sees the key first)."""

        at = 0.0

        def eventFilter(self, watched, event) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Return:
                self.at = time.perf_counter()
            return False

    def wait(predicate, timeout_s: float = 10.0) -> bool:
        deadline = time.perf_counter() + timeout_s
        while not predicate():
            if time.perf_counter() > deadline:
                return False
            qapp.processEvents()
            time.sleep(0.0005)
        return True

    with Sandbox(SandboxConfig(orders=orders, seed=11, rate_limit=None)) as sandbox:
        sandbox.start()
        record = context.connections.add(ConnectionSettings(
            name="Bench", address=sandbox.domain, order_prefix="BN-",
            created_within_days=3650), sandbox.token)
        started = time.perf_counter()
        synced = context.sync.sync(record.id)
        result["sync_s"] = round(time.perf_counter() - started, 2)
        result["sync_outcome"] = synced.outcome
        with context.storage.db.read() as session:
            pks = list(session.exec(select(Order.id).order_by(Order.id)))
        candidates = []
        for pk in pks:
            view = context.packing.view(pk)
            packable = [view.lines.lines[i] for i in view.lines.packable_ids()]
            if packable and all(line.sku and not line.bound_to_parent for line in packable) \
                    and not view.lines.covered_elsewhere and not view.interruption \
                    and not view.shipments:
                candidates.append(pk)
        result["cached"] = len(pks)

        runner = TaskRunner()
        clock = Clock()
        settings = QSettings(str(folder / "bench.ini"), QSettings.Format.IniFormat)
        window = PackingWindow(context, runner, settings=settings,
                               sounds=ScanSounds(player=lambda _p: None),
                               clock=None if x else clock)  # real keys: the X key times
        window.resize(1400, 860)
        window.show()
        window.activateWindow()
        if x is not None:
            x.activate("PackDesk")
        wait(lambda: QApplication.activeWindow() is window, 5)
        enter_clock = EnterClock()
        qapp.installEventFilter(enter_clock)
        paints = PaintClock()
        paints.watch(window.banner)
        opened: list[int] = []
        window.order_opened.connect(opened.append)
        handled: list[object] = []
        window.scan_handled.connect(handled.append)
        window.error_shown.connect(errors.append)

        open_ms: list[float] = []
        scan_ms: list[float] = []
        for pk in candidates:  # until both counts are reached
            count = len(opened)
            t0 = time.perf_counter()
            window.open_order(pk)
            if not wait(lambda: len(opened) > count):
                errors.append(f"order {pk} did not open")
                continue
            for panel in window.panels:
                paints.watch(panel.table.viewport())
            panel = window.panels[0] if window.panels else None
            if panel is None:
                continue
            wait(lambda: paints.painted.get(id(panel.table.viewport()), 0) > t0, 2)
            open_ms.append((paints.painted.get(id(panel.table.viewport()), t0) - t0) * 1000)

            # Scan every unit of shipment 1 (bounded by --scans overall).
            lines = window.snapshot.view.lines.lines
            for line_id, count_units in dict(panel.shipment.units).items():
                for _ in range(count_units):
                    if len(scan_ms) >= scans:
                        break
                    before = len(handled)
                    if x is not None:
                        typing = x.scan_async(lines[line_id].sku, key_delay_ms)
                        enter_clock.at = 0.0
                        ok = wait(lambda: len(handled) > before)
                        typing.wait(timeout=10)
                        t0 = enter_clock.at or time.perf_counter()
                    else:
                        target = QApplication.focusWidget() or window
                        for char in lines[line_id].sku:
                            clock.ms += 3
                            QTest.keyClick(target, char)
                        clock.ms += 3
                        t0 = time.perf_counter()
                        QTest.keyClick(target, Qt.Key.Key_Return)
                        ok = wait(lambda: len(handled) > before)
                    if not ok:
                        errors.append(f"scan of {lines[line_id].sku} not handled")
                        continue
                    viewport = window.active_panel.table.viewport()
                    paints.watch(viewport)
                    wait(lambda: paints.painted.get(id(window.banner), 0) > t0
                         and paints.painted.get(id(viewport), 0) > t0, 2)
                    last = max(paints.painted.get(id(window.banner), t0),
                               paints.painted.get(id(viewport), t0))
                    scan_ms.append((last - t0) * 1000)
            if len(scan_ms) >= scans and len(open_ms) >= opens:
                break

        result["open_order_ms"] = _stats(open_ms)
        result["scan_feedback_ms"] = _stats(scan_ms)
        result["budget_ms"] = {"scan_feedback": 100, "open_order": 300}
        result["within_budget"] = bool(scan_ms and open_ms
                                       and _stats(scan_ms)["p95"] <= 100
                                       and _stats(open_ms)["p95"] <= 300)
        qapp.removeEventFilter(enter_clock)
        window.listener.uninstall()
        window.close()
        runner.shutdown(wait=True)
    context.close()
    result["errors"] = errors
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--opens", type=int, default=20)
    parser.add_argument("--scans", type=int, default=60)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--real-keys", action="store_true",
                        help="type scans as real X key events under a private Xvfb")
    parser.add_argument("--key-delay-ms", type=int, default=5)
    args = parser.parse_args()
    if not args.real_keys:
        print(json.dumps(run(args.orders, args.opens, args.scans, args.data_dir), indent=2))
        return
    from tests.acceptance.xsession import X, x_session

    with x_session() as env:
        os.environ["DISPLAY"] = env["DISPLAY"]  # before Qt starts: this process's display
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        result = run(args.orders, args.opens, args.scans, args.data_dir, x=X(env),
                     key_delay_ms=args.key_delay_ms)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
