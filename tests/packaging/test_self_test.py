"""`packdesk --self-test` from source, in-process so it sees the in-memory test keyring."""
from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest

from app import __version__
from app.__main__ import main
from app.db.migrate import head_revision
from app.secrets.store import NO_KEYRING_HINT
from app.self_test import CheckResult, run_check


def _self_test(capsys, *args: str) -> tuple[int, list[str]]:
    code = main([*args, "--self-test"])
    return code, capsys.readouterr().out.splitlines()


def _line(lines: list[str], name: str) -> str:
    """The report line of one check: "OK      name: detail" or "FAILED  name: detail"."""
    found = [line for line in lines if line.split(None, 1)[-1].startswith(f"{name}:")]
    assert len(found) == 1, f"no single {name!r} line in:\n" + "\n".join(lines)
    return found[0]


def test_every_check_passes_from_source(capsys, tmp_path):
    code, lines = _self_test(capsys, "--data-dir", str(tmp_path / "station"))

    assert code == 0, "\n".join(lines)
    assert lines[0] == f"PackDesk {__version__} self-test (source)"
    assert lines[1].startswith("platform: ")
    assert lines[2] == f"data dir: {tmp_path / 'station'}"
    assert lines[3] == f"log dir: {tmp_path / 'station' / 'logs'}"
    assert _line(lines, "database") == (
        f"OK      database: migrated a new database to schema {head_revision()}")
    assert _line(lines, "keyring").endswith("tests.support.memory_keyring.MemoryKeyring")
    assert _line(lines, "packing slip").startswith("OK      packing slip: rendered a 1-page PDF")
    assert _line(lines, "sandbox").startswith(
        "OK      sandbox: GET /api/v1/stores on 127.0.0.1:")
    assert _line(lines, "qt").startswith("OK      qt: PySide6 ")
    assert "QtPdf" in _line(lines, "qt") and "offscreen" in _line(lines, "qt")
    assert lines[-1] == "self-test passed"
    assert not (tmp_path / "station").exists(), "the self-test must not touch the station's data"


def test_no_keyring_fails_with_the_how_to_fix_message_and_the_rest_still_runs(capsys):
    keyring.set_keyring(keyring.backends.fail.Keyring())

    code, lines = _self_test(capsys)

    assert code == 1
    assert _line(lines, "keyring").startswith("FAILED  keyring: No system keyring is available")
    assert NO_KEYRING_HINT in _line(lines, "keyring")
    others = [line for line in lines if line.startswith(("OK ", "FAILED "))
              and " keyring:" not in line]
    assert len(others) == 4 and all(line.startswith("OK ") for line in others), lines
    assert lines[-1] == "self-test FAILED (1 of 5 checks)"


def test_an_unexpected_error_becomes_a_failed_line(tmp_path):
    def broken(workdir):
        raise ValueError("disk on fire")

    assert run_check("demo", broken, tmp_path) == CheckResult(
        "demo", False, "ValueError: disk on fire")
    assert CheckResult("demo", False, "why").line() == "FAILED  demo: why"


def test_the_flag_is_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--self-test" in capsys.readouterr().out
