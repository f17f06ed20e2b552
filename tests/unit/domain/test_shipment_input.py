"""What a shipment may hold: one rule for the packing view and the command line."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from app.db.repositories.shipments import ShipmentDetails
from app.domain.shipment_input import MAX_NOTE_CHARS, check_shipment_input, cost_error, parse_cost

GOOD = ShipmentDetails(carrier="UPS", service="UPS Ground",
                       tracking_numbers=("1z 999 aa1 0123456784", "1Z999AA10123456784", "7489"),
                       carrier_fee=Decimal("8.45"), packages=2, weight_override=3.5,
                       buyer_note="Thanks!\nSee you.", internal_note="")


def errors(**changes) -> list[str]:
    return check_shipment_input(replace(GOOD, **changes), shipping=True).errors


def test_good_details_pass_with_cleaned_tracking_numbers():
    check = check_shipment_input(GOOD, shipping=True)
    assert check.ok and check.errors == []
    assert check.tracking_numbers == ("1Z999AA10123456784", "7489")
    # the carrier-format rule questions the short number, it does not refuse it
    assert len(check.warnings) == 1 and "7489" in check.warnings[0]


def test_a_scanned_label_is_reduced_and_a_number_of_another_carrier_is_warned():
    check = check_shipment_input(replace(GOOD, carrier="USPS", tracking_numbers=(
        "1Z999AA10123456784",)), shipping=True)
    assert check.ok and check.tracking_numbers == ("1Z999AA10123456784",)
    assert check.warnings and "UPS" in check.warnings[0]


@pytest.mark.parametrize("cost", ["nan", "NaN", "inf", "-Infinity", "1e308", "100000", "-0.01"])
def test_costs_that_are_not_sane_amounts_are_refused(cost):
    assert len(errors(carrier_fee=Decimal(cost))) == 1
    with pytest.raises(ValueError, match="carrier fee"):
        parse_cost(cost)


def test_cost_parsing_and_limits():
    assert parse_cost("$8,45") == Decimal("8.45")
    assert parse_cost(" 0 ") == Decimal(0)
    assert parse_cost("99999.99") == Decimal("99999.99")
    with pytest.raises(ValueError, match=r"not an amount like 8\.45"):
        parse_cost("eight")
    assert cost_error(None) == "" and "NaN" in cost_error(Decimal("nan"))


def test_carrier_and_service_are_required_to_ship_but_not_in_a_draft():
    empty = replace(GOOD, carrier="  ", service="")
    assert check_shipment_input(empty, shipping=False).ok
    assert check_shipment_input(empty, shipping=True).errors == [
        "Enter the carrier (e.g. UPS).", "Enter the shipping service (e.g. UPS Ground)."]
    assert len(errors(carrier="U" * 101)) == 1


def test_notes_are_capped_and_plain_text():
    assert errors(buyer_note="x" * MAX_NOTE_CHARS) == []
    assert errors(buyer_note="x" * 120_000) == [
        "The note to the buyer is 120,000 characters; at most 2,000 are allowed."]
    assert errors(internal_note="a\x00b") == ["The internal note holds control characters."]


def test_tracking_numbers_are_counted_and_each_plausible():
    many = tuple(f"1Z999AA1{n:010d}" for n in range(500))
    assert errors(tracking_numbers=many) == [
        "500 tracking numbers: at most 20 per shipment (split it into more shipments)."]
    assert len(errors(tracking_numbers=many[:20])) == 0
    assert len(errors(tracking_numbers=("https://ups.com/track?n=1Z",))) == 1
    assert len(errors(tracking_numbers=("1Z",))) == 1
    assert len(errors(tracking_numbers=("1" * 41,))) == 1
    assert errors(tracking_numbers=("", "  ")) == []  # blanks are dropped, not refused


@pytest.mark.parametrize("packages", [0, -1, 1000, 1.5, True])
def test_packages_are_a_whole_number_from_one(packages):
    assert len(errors(packages=packages)) == 1


@pytest.mark.parametrize("weight", [float("nan"), float("inf"), 1e308, 0.0, -1.0])
def test_weight_is_finite_and_above_zero(weight):
    assert len(errors(weight_override=weight)) == 1


def test_every_problem_is_reported_at_once():
    check = check_shipment_input(replace(GOOD, carrier="", carrier_fee=Decimal("nan"),
                                         packages=0), shipping=True)
    assert len(check.errors) == 3 and not check.ok
    assert check.message == " ".join(check.errors)
