"""The print log repository: reprint counts per document (only prints to the counted outputs
count), the log newest first as plain records, and which documents were printed before."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.db.repositories.print_log import PrintEntry, PrintLogRepository, PrintRecord

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
COUNTED = ("printer", "pdf")


def _slip(key: str) -> PrintEntry:
    return PrintEntry(key, None, None, "AC-100123", "PD-7F3A2C-15", "Shipment 1 of 1")


def _add(log: PrintLogRepository, entries, output: str, at: datetime, **kw) -> list[int]:
    return log.add(entries, kind="slip", output=output, destination=kw.get("destination", ""),
                   copies=kw.get("copies", 1), station="Bench 1", packer="Ana", printed_at=at,
                   counted=COUNTED)


def test_reprint_counts_only_prints_to_a_printer_or_a_file(context):
    log = PrintLogRepository(context.storage.db)
    a, b = _slip("slip:shipment:1"), _slip("slip:shipment:2")
    assert _add(log, [a], "preview", T0) == [0]
    assert log.printed_before({a.document_key, b.document_key}, COUNTED) == set()
    assert _add(log, [a, b], "printer", T0 + timedelta(minutes=1), copies=2,
                destination="Zebra ZP450") == [0, 0]
    assert _add(log, [a], "pdf", T0 + timedelta(minutes=2)) == [1]
    assert _add(log, [a], "preview", T0 + timedelta(minutes=3)) == [2]
    assert log.printed_before({a.document_key, "slip:shipment:3"}, COUNTED) == {a.document_key}
    assert log.printed_before(set(), COUNTED) == set()


def test_the_log_is_newest_first_as_plain_records(context):
    log = PrintLogRepository(context.storage.db)
    pick = PrintEntry("pick_list:abc", None, None, "", "", "Morning pick",
                      {"shipments": [{"order": "AC-1", "number": 1, "of": 1}]})
    _add(log, [_slip("slip:order:7:unsaved")], "printer", T0, copies=3, destination="Zebra")
    log.add([pick], kind="pick_list", output="pdf", destination="/tmp/p.pdf", copies=1,
            station="Bench 1", packer="Ana", printed_at=T0 + timedelta(minutes=5),
            counted=COUNTED)
    newest, oldest = log.prints()
    assert isinstance(newest, PrintRecord) and newest.id > oldest.id
    assert (newest.kind, newest.label, newest.details) == ("pick_list", "Morning pick",
                                                           pick.details)
    assert (oldest.output, oldest.copies, oldest.destination, oldest.reprint) == (
        "printer", 3, "Zebra", 0)
    assert (oldest.station, oldest.packer, oldest.shipment_name) == (
        "Bench 1", "Ana", "PD-7F3A2C-15")
    assert oldest.printed_at == T0 and oldest.printed_at.tzinfo is not None
    assert [r.id for r in log.prints(limit=1)] == [newest.id]
    assert log.prints(order_pk=12345) == []
