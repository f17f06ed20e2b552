"""Benchmark: from the click on "Print slip" to the first slip page painted in the preview.

    python tests/perf/bench_slip_preview.py [--orders 300] [--samples 30]

Offscreen Qt, a sandbox store synced by the app's own sync, the real slips service (database
reads, logo and product pictures through the image cache, reportlab on the task runner's single
"pdf" thread) and the real SlipPreviewDialog (QtPdf). Each sample clicks a button whose slot
opens the preview for one order; the clock stops when the view has painted the page's picture
(PdfPageView.first_page_painted, i.e. after QPdfView's asynchronous page render arrived).

- first_ms: the first preview of the process (first dialog, pictures not cached), after the
  start-up warm-up the app submits to the "pdf" pool (SlipService.warm_up; --no-warm-up skips
  it to show what it saves).
- warm_ms: other orders; their pictures are fetched from the sandbox during the measurement
  (first view of those orders).
- repeat_ms: the same orders again (pictures cached, as after the order detail showed them).

Prints one JSON object. Target: first, and warm and repeat p95, <= 300 ms.
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

TARGET_MS = 300.0


def _stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"n": len(values), "median": round(statistics.median(values), 1),
            "p95": round(p95, 1), "max": round(max(values), 1), "min": round(min(values), 1)}


def run(orders: int = 300, samples: int = 30, timeout_s: float = 15.0,
        warm_up: bool = True) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

    from app.bootstrap import build_context
    from app.domain.connection_settings import ConnectionSettings
    from app.paths import resolve_paths
    from app.sandbox import Sandbox, SandboxConfig
    from app.secrets import SecretStore
    from app.services.slips import SlipService, SlipTarget, slip_job
    from app.ui.dialogs.slip_preview import SlipPreviewDialog
    from app.ui.tasks import PDF, TaskRunner

    app = QApplication.instance() or QApplication([])
    result: dict[str, Any] = {"target_ms": TARGET_MS, "errors": []}
    with tempfile.TemporaryDirectory() as tmp, \
            Sandbox(SandboxConfig(orders=orders, seed=5, rate_limit=None, latency_ms=0)) as sb:
        sb.start()
        work = Path(tmp)
        context = build_context(resolve_paths(work / "station"), secrets=SecretStore.in_memory())
        runner = TaskRunner()
        window = QWidget()
        try:
            record = context.connections.add(ConnectionSettings(
                name="Bench", address=sb.domain, order_prefix="BN-"), sb.token)
            sync = context.sync.sync(record.id)
            result["sync_outcome"] = sync.outcome
            pks = [pk for pk in range(1, orders + 1)
                   if context.storage.repos.orders.get(pk) is not None
                   and context.packing.view(pk).plan.shipments][:samples + 1]
            settings = QSettings(str(work / "ui.ini"), QSettings.Format.IniFormat)
            button = QPushButton("Print slip")
            QVBoxLayout(window).addWidget(button)
            window.show()
            app.processEvents()
            state: dict[str, Any] = {}

            def open_preview() -> None:  # the button's slot, as the main window would do it
                dialog = SlipPreviewDialog(context.slips, slip_job([SlipTarget(state["pk"])]),
                                           runner, settings, station_key=context.station_id,
                                           work_dir=work, parent=window)
                state["dialog"] = dialog
                dialog.first_page_shown.connect(shown)
                dialog.build_failed.connect(failed)
                dialog.show()

            def shown() -> None:
                state["t1"] = time.perf_counter()
                state["loop"].quit()

            def failed(message: str) -> None:
                state["error"] = message
                state["loop"].quit()

            button.clicked.connect(open_preview)

            def measure(pk: int) -> float | None:
                state.clear()
                state["pk"] = pk
                loop = state["loop"] = QEventLoop()
                QTimer.singleShot(int(timeout_s * 1000), loop.quit)
                t0 = time.perf_counter()
                button.click()
                if "t1" not in state and "error" not in state:
                    loop.exec()
                dialog = state.get("dialog")
                ms = (state["t1"] - t0) * 1000 if "t1" in state else None
                if ms is None:
                    result["errors"].append(state.get("error", f"order {pk}: timed out"))
                elif dialog is not None and dialog.page_count() < 1:
                    result["errors"].append(f"order {pk}: no pages")
                if dialog is not None:
                    dialog.close()
                    dialog.deleteLater()
                app.processEvents()
                return ms

            if warm_up:  # what the app submits to the "pdf" pool at start-up
                warmed = runner.submit(PDF, SlipService.warm_up)
                deadline = time.perf_counter() + timeout_s
                while not warmed.done and time.perf_counter() < deadline:
                    app.processEvents()
                    time.sleep(0.001)
            first = measure(pks[0])
            result["warmed_up"] = warm_up
            result["first_ms"] = round(first, 1) if first is not None else None
            rest = pks[1:]
            warm = [m for m in (measure(pk) for pk in rest) if m is not None]
            repeat = [m for m in (measure(pk) for pk in rest) if m is not None]
            result["warm_ms"] = _stats(warm)
            result["repeat_ms"] = _stats(repeat)
            result["samples"] = len(rest)
            result["ok"] = bool(warm and repeat and not result["errors"]
                                and first is not None and first <= TARGET_MS
                                and result["warm_ms"]["p95"] <= TARGET_MS
                                and result["repeat_ms"]["p95"] <= TARGET_MS)
            deadline = time.perf_counter() + timeout_s  # the last preview's log entry is
            while runner.active and time.perf_counter() < deadline:  # written on "db" pool
                app.processEvents()
                time.sleep(0.001)
            result["prints_logged"] = len(context.slips.prints(limit=10_000))
        finally:
            window.close()
            runner.shutdown(wait=True)
            context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--no-warm-up", action="store_true",
                        help="skip the start-up warm-up of the pdf worker (shows its worth)")
    args = parser.parse_args()
    print(json.dumps(run(orders=args.orders, samples=args.samples,
                         warm_up=not args.no_warm_up), indent=2))


if __name__ == "__main__":
    main()
