"""Code 128 symbols: geometry for 203-dpi heads, and real decodes with zbarimg."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.slips import PageSize, SlipLine, SlipOptions, render_slips
from app.slips.barcodes import QUIET_MODULES, symbol
from app.slips.layout import LAYOUTS, THERMAL_DOT
from tests.slips.conftest import decode_barcodes, make_shipment, zbar_tools


@pytest.mark.parametrize("size", list(PageSize))
def test_modules_are_whole_dots_and_bars_tall_enough(size: PageSize) -> None:
    layout = LAYOUTS[size]
    dots = layout.bar_module / THERMAL_DOT
    assert abs(dots - round(dots)) < 1e-9 and round(dots) >= 2
    assert layout.bar_height >= 36  # half an inch


def test_symbol_reserves_quiet_zones_and_refuses_what_it_cannot_encode() -> None:
    sym = symbol("SPD-7F3A2C-15", 1.0)
    assert sym is not None and QUIET_MODULES >= 10
    assert sym.width == sym.modules + 2 * QUIET_MODULES
    assert sym.bars[0][0] == 0 and sym.bars[-1][0] + sym.bars[-1][1] == sym.modules
    assert sym.modules % 11 == 2  # 11 modules per symbol character, 13 for the stop
    assert symbol("", 1.0) is None and symbol("AC-Ж1", 1.0) is None


VALUES = [("AC-100123", "SPD-7F3A2C-15"), ("main:9876543210", "SPD-BENCH-12-4567890"),
          ("100", "SPD-A-1")]


@pytest.mark.parametrize("size", list(PageSize))
@pytest.mark.parametrize("order, shipment", VALUES)
def test_barcodes_decode_at_203_dpi(size: PageSize, order: str, shipment: str,
                                    tmp_path: Path, images) -> None:
    zbar_tools()
    pdf = tmp_path / f"{size.value}.pdf"
    render_slips([make_shipment(images["logo"], order_barcode=order, shipment_barcode=shipment,
                                order_number=order)], SlipOptions(page_size=size), pdf)
    assert decode_barcodes(pdf, 1, tmp_path) == sorted([order, shipment])


@pytest.mark.parametrize("size", list(PageSize))
def test_barcodes_decode_on_continuation_pages_and_on_laser(size: PageSize,
                                                            tmp_path: Path) -> None:
    zbar_tools()
    lines = [SlipLine(f"S{i}", f"Line {i}", 1) for i in range(60)]
    pdf = tmp_path / "long.pdf"
    pages = render_slips([make_shipment(lines=lines)], SlipOptions(page_size=size), pdf)
    assert pages >= 2
    expected = ["AC-100123", "SPD-7F3A2C-15"]
    assert decode_barcodes(pdf, pages, tmp_path) == expected
    assert decode_barcodes(pdf, 1, tmp_path, dpi=300) == expected
