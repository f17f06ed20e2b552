"""Tracking numbers against the carriers' formats, with real-format sample numbers."""
from __future__ import annotations

import pytest

from app.domain.tracking import (
    CANADA_POST,
    DHL,
    FEDEX,
    KNOWN_CARRIERS,
    UPS,
    USPS,
    carrier_choices,
    carrier_key,
    carriers_of,
    check,
    detect_carrier,
    reduce_scanned,
)

VALID = {
    UPS: ["1Z5R89390357567127", "1Z879E930346834440", "1Z410E7W0392751591",
          "1Z8V92A70367203024", "1Z999AA10123456784", "1z 999 aa1 0123 4567 84"],
    USPS: ["9400111201080805483016", "9361289878700317633795", "9205590164917312751089",
           "9505 5110 6960 5048 6006 24", "92748931507708513018050063",
           "0307 1790 0005 2348 3741", "7196 9010 7560 0307 7385", "RB123456785US"],
    FEDEX: ["986578788855", "477179081230", "799531274483", "974367662710",
            "0414 4176 0228 964", "568283610012734", "61299998820821171811",
            "9611020987654312345672"],
    DHL: ["3318810025", "8487135506", "1099255990", "73891051146", "GM2951173225174494",
          "JJD0099999999"],
    CANADA_POST: ["0073938000549297", "EE123456785CA", "RB123456785CA"],
}
INVALID = {  # right length, wrong check digit
    UPS: "1Z5R89390357567128",
    USPS: "9400111201080805483017",
    FEDEX: "996578788855",
    DHL: "3318810010",
    CANADA_POST: "0073938000549292",
}


@pytest.mark.parametrize("carrier,number",
                         [(c, n) for c, numbers in VALID.items() for n in numbers])
def test_real_format_numbers_fit_their_carrier(carrier, number):
    assert carrier in carriers_of(number)
    assert check(carrier, number) is None


@pytest.mark.parametrize("carrier,number", list(INVALID.items()))
def test_a_wrong_check_digit_is_caught(carrier, number):
    assert carrier not in carriers_of(number)
    assert check(carrier, number) is not None


def test_the_carrier_is_detected_when_one_format_fits():
    assert detect_carrier("1Z999AA10123456784") == UPS
    assert detect_carrier("9400111201080805483016") == USPS
    assert detect_carrier("986578788855") == FEDEX
    assert detect_carrier("GM2951173225174494") == DHL
    assert detect_carrier("EE123456785CA") == CANADA_POST
    assert detect_carrier("0073938000549297") == CANADA_POST
    assert detect_carrier("9261292700768711948021") is None  # USPS IMpb used by FedEx too
    assert detect_carrier("HELLO-123") is None and detect_carrier("") is None


def test_scanned_labels_are_reduced_to_the_tracking_number():
    # USPS: "420" + ZIP (5 or 9 digits) routing prefix, GS1 separators, symbology prefix
    assert reduce_scanned("420221539101026837331000039521") == "9101026837331000039521"
    assert reduce_scanned("4201002334249200190132607600833457") == "9200190132607600833457"
    assert reduce_scanned("]C1420 10023\x1d9200190132607600833457") == \
        "9200190132607600833457"
    # FedEx: 34-digit barcodes carry the 12-digit tracking number at the end
    assert reduce_scanned("1001921334250001000300779017972697") == "779017972697"
    assert reduce_scanned("9622001900000000000000776632517510") == "776632517510"
    assert reduce_scanned("9611020987654312345672") == "987654312345672"
    # a bare number is only cleaned; a 420 prefix that hides no USPS number is kept whole
    assert reduce_scanned(" 1z999aa1 0123456784 ") == "1Z999AA10123456784"
    assert reduce_scanned("420000000000000000000000000000") == "420000000000000000000000000000"
    assert detect_carrier("420221539101026837331000039521") == USPS
    assert detect_carrier("1001921334250001000300779017972697") == FEDEX


def test_a_mismatch_names_the_carrier_the_number_belongs_to():
    warning = check("USPS", "1Z999AA10123456784")
    assert warning == "1Z999AA10123456784 looks like a UPS tracking number, not USPS."
    assert "not a FedEx tracking number" in check("FedEx Ground", "12345")
    assert check("UPS Ground", "1Z999AA10123456784") is None  # a service name as carrier
    assert check("Postes Canada", "0073938000549297") is None


def test_the_stores_own_providers_and_empty_numbers_are_not_checked():
    assert check("Bob's Courier", "ANYTHING-1") is None
    assert check("", "1Z999AA10123456784") is None
    assert check("UPS", "") is None
    assert carrier_key("Local Delivery") is None
    assert carrier_key("dhl ecommerce") == DHL


def test_carrier_choices_add_the_stores_providers_after_the_known_ones():
    assert carrier_choices({"UPS", "fedex", "Bob's Courier", "", "Acme Freight"}) == [
        *KNOWN_CARRIERS, "Acme Freight", "Bob's Courier"]
