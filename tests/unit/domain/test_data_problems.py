"""The quantity and SKU rules of data_problems (issue 13.3)."""
from __future__ import annotations

import pytest

from app.domain.data_problems import (
    MAX_LINE_QUANTITY,
    UnreadableOrder,
    clean_code,
    flag_text,
    line_quantity,
)


@pytest.mark.parametrize("value, units, problem", [
    (3, 3, ""), ("4", 4, ""), (2.0, 2, ""), (0, 0, ""),
    (None, 0, "quantity missing"), ("", 0, "quantity missing"), (-1, 0, "quantity -1"),
    (1.25, 2, "not a whole number (taken as 2)"), ("NaN", 0, "not a number"),
    (MAX_LINE_QUANTITY, MAX_LINE_QUANTITY, ""),
])
def test_line_quantity(value, units, problem):
    got, text = line_quantity(value, "line 1 (A)")
    assert got == units
    assert (problem in text and text.startswith("line 1 (A): ")) if problem else text == ""


@pytest.mark.parametrize("value", [MAX_LINE_QUANTITY + 1, 1e9, "1e30"])
def test_absurd_quantities_make_the_order_unreadable(value):
    with pytest.raises(UnreadableOrder, match="beyond what can be packed"):
        line_quantity(value, "line 1 (A)")


def test_clean_code_and_flag_text():
    assert clean_code("AB\x00C\t") == ("ABC", True)
    assert clean_code("ABC") == ("ABC", False)
    assert flag_text(["a", "", "b", "a"]) == "a; b"
