"""Small-scale run of tests/perf/bench_catalog.py: checks what each measurement measures (the
bad rows skipped, every row linked the way the generated store allows), not its timing."""
from __future__ import annotations

import pytest

from tests.perf.bench_catalog import run


@pytest.mark.perf
def test_catalog_bench_small() -> None:
    figures = run(rows=2_000, store_items=2_000)
    assert (figures["encoding"], figures["delimiter"]) == ("utf-8-sig", ";")
    assert figures["bad_rows_written"] == figures["skipped_rows"] == 20
    assert figures["imported"] == figures["valid_rows"] == 1_980
    assert figures["values_left_out"] == 0
    counts = figures["counts"]
    assert counts["linked"] + counts["not_in_store"] == 1_980 and counts["ambiguous"] == 0
    assert counts["not_in_store"] == 80  # the rows whose SKU and UPC the store lacks
    assert figures["import_ms"] > 0 and figures["link_ms"] > 0
