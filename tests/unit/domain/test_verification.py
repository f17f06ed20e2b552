"""The verification policy: what may ship with units nobody scanned."""
from __future__ import annotations

import pytest

from app.domain.orders import Line
from app.domain.verification import (
    REASON_MAX,
    UnverifiedUnits,
    VerificationPolicy,
    VerificationRequired,
    check_ship,
    unverified_lines,
)

LINES = {1: Line(line_id=1, sku="KNF-1047", name="Knife", quantity=2),
         2: Line(line_id=2, sku="", name="Mug", quantity=3)}


def test_unverified_lines_lists_what_is_short_and_by_how_much():
    missing = unverified_lines({1: 2, 2: 3}, {1: 2, 2: 1}, LINES)
    assert [(m.line_id, m.missing) for m in missing] == [(2, 2)]
    assert str(missing[0]) == "Mug: 1 of 3 verified"
    assert unverified_lines({1: 2}, {1: 5}, LINES) == []  # more verified than held is done
    assert str(unverified_lines({9: 1}, {}, LINES)[0]) == "line 9: 0 of 1 verified"


def test_ask_needs_a_reason_and_lists_the_units():
    missing = unverified_lines({1: 2, 2: 3}, {}, LINES)
    with pytest.raises(UnverifiedUnits) as raised:
        check_ship(VerificationPolicy.ASK, 1, missing, None)
    assert raised.value.missing == missing
    assert "5 unit(s) not verified" in raised.value.message
    assert "KNF-1047  Knife: 0 of 2 verified" in raised.value.message
    with pytest.raises(UnverifiedUnits):
        check_ship(VerificationPolicy.ASK, 1, missing, "   \n ")  # blank is no reason
    assert check_ship(VerificationPolicy.ASK, 1, missing, " label\ntorn ") == "label torn"
    assert len(check_ship(VerificationPolicy.ASK, 1, missing, "x" * 500)) == REASON_MAX


def test_require_refuses_whatever_the_reason():
    missing = unverified_lines({1: 2}, {1: 1}, LINES)
    with pytest.raises(VerificationRequired, match="1 unit"):
        check_ship(VerificationPolicy.REQUIRE, 1, missing, "in a hurry")


def test_everything_verified_ships_under_either_policy():
    for policy in VerificationPolicy:
        assert check_ship(policy, 1, [], None) == ""


def test_stored_values_parse_to_a_policy():
    assert VerificationPolicy.parse("require") is VerificationPolicy.REQUIRE
    assert VerificationPolicy.parse(" ASK ") is VerificationPolicy.ASK
    assert VerificationPolicy.parse("") is VerificationPolicy.ASK
    assert VerificationPolicy.parse("bogus") is VerificationPolicy.ASK
