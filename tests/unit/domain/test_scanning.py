from hypothesis import given
from hypothesis import strategies as st

from app.domain.scanning import (
    BurstDetector,
    ScanResult,
    all_verified,
    check_unit,
    code_key,
    is_slip_barcode,
    keyboard_layout_mismatch,
    shipment_name_in,
)


def test_upc_ean_and_gtin14_of_one_item_are_the_same_code():
    assert code_key("012345678905") == code_key("0012345678905") == code_key("00012345678905")
    assert code_key(" abc-12 ") == code_key("ABC-12")
    assert code_key("12345") != code_key("012345")  # short codes are not GTINs: no padding


def test_slip_shipment_barcode_and_typed_names():
    assert shipment_name_in("SPD-7F3A2C-15") == "PD-7F3A2C-15"
    assert shipment_name_in("pd-7f3a2c-15") == "PD-7F3A2C-15"
    assert shipment_name_in("AC-100123") is None


def test_check_unit_verifies_refuses_and_counts():
    units = {1: 2, 2: 1}
    codes = {1: ["MUG-BLU", "0012345678905"], 2: ["SOCK-M"], 3: ["HAT"]}
    first = check_unit("012345678905", units, {}, codes)
    assert (first.result, first.line_id, first.verified, first.needed) == (
        ScanResult.VERIFIED, 1, 1, 2)
    assert check_unit("HAT", units, {}, codes).result is ScanResult.WRONG_ITEM  # not in here
    assert check_unit("nope", units, {}, codes).result is ScanResult.WRONG_ITEM
    over = check_unit("SOCK-M", units, {2: 1}, codes)
    assert over.result is ScanResult.OVER_SCAN and over.line_id == 2
    assert all_verified(units, {1: 2, 2: 1}) and not all_verified(units, {1: 2})


def test_a_scanner_burst_is_a_scan_and_typing_is_not():
    detector = BurstDetector(prefix="]C1")
    for i, ch in enumerate("]C1SKU-123"):
        detector.key(ch, 1000 + i * 4)
    assert detector.enter(1000 + 10 * 4) == "SKU-123"
    for i, ch in enumerate("hello"):
        detector.key(ch, 2000 + i * 120)  # a person types
    assert detector.enter(2000 + 5 * 120) is None


@given(st.text(alphabet="ABCDEFGHIJ0123456789-", min_size=3, max_size=30),
       st.floats(min_value=0, max_value=20))
def test_any_fast_burst_comes_back_exactly(code, gap):
    detector = BurstDetector(max_gap_ms=35)
    t = 0.0
    for ch in code:
        detector.key(ch, t)
        t += gap
    assert detector.enter(t) == code.strip()


def test_shift_between_keys_keeps_a_burst_going():
    # A scanner's capital: Shift, then the key; at 30 ms per key the letters are 60 ms apart
    detector = BurstDetector(max_gap_ms=50)
    t = 0.0
    for ch in "KNF":
        detector.touch(t)  # Shift
        detector.key(ch, t + 30)
        t += 60
    assert detector.enter(t - 30 + 30) == "KNF"
    detector.touch(0)  # nothing held: no burst begins with a modifier
    assert detector.pending() == ""


def test_digits_through_a_us_scanner_on_an_azerty_station_are_named():
    mismatch = keyboard_layout_mismatch("KNF)&à'è")  # "KNF-1047" typed by US key positions
    assert mismatch is not None and mismatch.meant == "KNF-1047"
    assert (mismatch.scanner_layout, mismatch.station_layout) == ("US (QWERTY)",
                                                                  "French (AZERTY)")
    assert keyboard_layout_mismatch("à&é\"'(-è_çé(").meant == "012345678925"
    assert keyboard_layout_mismatch("SPD)&è\"'-('").meant == "SPD-1734654"


def test_digits_through_an_azerty_scanner_on_a_us_station_are_named():
    mismatch = keyboard_layout_mismatch("KNF6!)$&")
    assert mismatch is not None and mismatch.meant == "KNF-1047"
    assert mismatch.scanner_layout == "French (AZERTY)"


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789-./ ", min_size=1,
               max_size=30))
def test_ordinary_codes_are_never_a_layout_mismatch(code):
    assert keyboard_layout_mismatch(code) is None


def test_codes_with_a_symbol_or_two_are_not_a_mismatch():
    for code in ("1Z999AA10123456784", "SB-100129", "AT&T-4", "SPD-7F3A2C-15", "(01)0123"):
        assert keyboard_layout_mismatch(code) is None, code


def test_slip_barcodes_are_told_from_carrier_labels():
    for slip in ("SPD-AE1602-1", "SB-100032", "ac-100123", "PD-7F3A2C-15"):
        assert is_slip_barcode(slip), slip
    for label in ("1Z999AA10123456784", "9101026837331000039521", "794612345678",
                  "JJD0099999999", "KNF-1047X"):
        assert not is_slip_barcode(label), label


def test_a_scan_with_an_order_open_is_a_unit_of_its_active_or_first_open_shipment():
    from app.domain.scanning import unit_shipment

    assert unit_shipment("SKU-1", 2, [1, 2]) == 2
    assert unit_shipment("SKU-1", 3, [1, 2]) == 1  # shipment 3 shipped: the first open one
    assert unit_shipment("SKU-1", None, [2]) == 2
    assert unit_shipment("SKU-1", 1, []) is None  # nothing open: the scan opens what it names
    assert unit_shipment("SPD-7F3A2C-12", 1, [1]) is None  # a slip's barcode opens its slip
