"""What `packdesk db check` and `db restore` tell a person about the station's database: a sound
file, a folder in its place, how old the backup to restore is, a backup that is not there."""
from __future__ import annotations

import json
import os
import time

import pytest

from app.__main__ import main
from app.bootstrap import build_context
from app.db.migrate import backup_database
from app.errors import DatabaseError
from app.services import db_health


def _db_check(paths, capsys) -> tuple[int, dict]:
    code = main(["db", "check", "--json", "--data-dir", str(paths.data_dir)])
    return code, json.loads(capsys.readouterr().out)


def test_a_sound_database_passes_and_says_so(paths, capsys):
    build_context(paths).close()
    code, document = _db_check(paths, capsys)
    assert code == 0
    assert document["ok"] and document["complete"] and document["problem"] == ""
    assert document["restore_command"] is None and document["newest_backup"] is None
    assert document["message"] == f"The station's database ({paths.database}) passed its check."
    report = db_health.check(paths, budget_s=0)  # nothing but the header within no time at all
    assert report.ok and not report.complete
    assert "showed nothing wrong before its time limit" in report.message


@pytest.mark.new_install  # a folder where the database file would be: no file made first
def test_db_check_of_a_folder_in_place_of_the_database_says_so(paths, capsys):
    paths.database.mkdir()
    code, document = _db_check(paths, capsys)
    assert code == 1
    assert not document["ok"] and document["problem"] == "the path is a folder, not a file"
    assert "No backup was found" in document["message"]
    assert paths.database.is_dir()  # looked at, not touched


@pytest.mark.parametrize("age_s, said", [(5 * 3600 + 60, "5 h old"),
                                         (3 * 86400 + 60, "3 days old"),
                                         (20 * 60 + 5, "20 min old")])
def test_the_damage_message_says_how_old_the_backup_is(paths, age_s, said):
    build_context(paths).close()
    backup = backup_database(paths.database, paths.backups_dir, "auto")
    then = time.time() - age_s
    os.utime(backup, (then, then))
    paths.database.write_bytes(b"not a database any more")
    report = db_health.check(paths)
    assert not report.ok and report.newest_backup == backup
    assert f"The newest backup is {backup.name} ({said}); restore it with:" in report.message


def test_restoring_a_backup_that_is_not_there_changes_nothing(paths):
    build_context(paths).close()
    before = paths.database.read_bytes()
    missing = paths.backups_dir / "packdesk-20260101T000000000000Z-auto.sqlite3"
    with pytest.raises(DatabaseError, match="There is no backup file at"):
        db_health.restore(paths, missing)
    assert paths.database.read_bytes() == before
    assert not (paths.data_dir / db_health.DAMAGED_DIR).exists()
