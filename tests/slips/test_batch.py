"""Batches: one PDF, a new page per shipment, reverse order, progress and cancellation."""
from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from app.errors import PackDeskError
from app.slips import SlipLine, SlipOptions, SlipsCancelled, render_slips
from tests.slips.conftest import make_shipment, pages_text


def _batch() -> list:
    many = [SlipLine(f"L{i}", f"Line {i}", 1) for i in range(80)]
    return [make_shipment(order_number="AC-1", order_barcode="AC-1"),
            make_shipment(order_number="AC-2", order_barcode="AC-2", lines=many),
            make_shipment(order_number="AC-3", order_barcode="AC-3")]


def _order_of(text: str) -> str:
    return next(w for w in ("AC-1", "AC-2", "AC-3") if f"Order {w}\n" in text)


def test_each_shipment_starts_a_page_and_progress_is_reported(tmp_path: Path) -> None:
    calls = []
    out = tmp_path / "batch.pdf"
    pages = render_slips(_batch(), SlipOptions(), out, progress=lambda d, t: calls.append((d, t)))
    texts = pages_text(out)
    assert pages == len(texts) >= 4
    orders = [_order_of(t) for t in texts]
    assert orders[0] == "AC-1" and orders[-1] == "AC-3" and set(orders[1:-1]) == {"AC-2"}
    assert "Page 1 of 1" in texts[0] and f"Page {pages - 2} of {pages - 2}" in texts[-2]
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_reverse_prints_last_page_first() -> None:
    forward = pages_text(_render(SlipOptions()))
    backward = pages_text(_render(SlipOptions(reverse=True)))
    assert [_order_of(t) for t in backward] == [_order_of(t) for t in reversed(forward)]
    n = len(forward) - 2
    assert f"Page {n} of {n}" in backward[1] and "Page 1 of" in backward[n]


def _render(options: SlipOptions) -> bytes:
    out = io.BytesIO()
    render_slips(_batch(), options, out)
    return out.getvalue()


def test_cancel_stops_promptly_and_writes_nothing(tmp_path: Path) -> None:
    cancel = threading.Event()
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        cancel.set()

    out = tmp_path / "never.pdf"
    with pytest.raises(SlipsCancelled) as caught:
        render_slips(_batch(), SlipOptions(), out, progress=progress, cancel=cancel)
    assert seen == [1] and not out.exists()
    assert isinstance(caught.value, PackDeskError)
    assert "1 of 3" in str(caught.value)


def test_empty_batch_is_a_valid_pdf() -> None:
    out = io.BytesIO()
    assert render_slips([], SlipOptions(), out) == 1
    assert len(pages_text(out.getvalue())) == 1
