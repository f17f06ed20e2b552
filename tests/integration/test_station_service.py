"""The station's name and packer through StationService (what the station bar and the
preferences show)."""
from __future__ import annotations

from app.db.repositories.station import StationRepository
from app.services.station import MAX_RECENT, RECENT_PACKERS_KEY


def test_packers_switch_with_the_recent_ones_first_and_the_name_is_kept(context):
    service = context.station_service
    first = service.settings()
    assert not first.named and first.recent == [] and first.name  # the computer's name
    for name in ["Ana", "Bo", "ana", *[f"P{n}" for n in range(MAX_RECENT)]]:
        service.switch_packer(name)
    packer, recent = service.switch_packer("Bo")
    assert packer == "Bo" and recent[0] == "Bo" and len(recent) == MAX_RECENT
    assert "ana" not in recent  # pushed out by the newer ones, never listed twice
    assert service.rename("Bench 3") == "Bench 3"
    settings = service.settings()
    assert (settings.name, settings.packer, settings.named) == ("Bench 3", "Bo", True)
    assert settings[:2] == ("Bench 3", "Bo")  # what the preferences page reads
    assert context.station().label == f"Bench 3 ({context.station_id})"


def test_preferences_save_only_what_changed(context):
    service = context.station_service
    service.save("Bench 9", "")
    service.save("", "Ana")
    assert (service.current().name, service.current().packer) == ("Bench 9", "Ana")
    assert service.settings().recent == ["Ana"]


def test_a_damaged_recent_packers_list_reads_as_empty(context):
    repo = StationRepository(context.storage.db)
    for damaged in ["not json", "5", '{"a": 1}']:
        repo.set(RECENT_PACKERS_KEY, damaged)
        assert context.station_service.settings().recent == []
    assert context.station_service.switch_packer("Ana") == ("Ana", ["Ana"])


def test_a_rename_and_a_packer_switch_are_published_on_the_change_feed(context):
    from app.domain.changes import Changes

    heard: list[Changes] = []
    context.changes.subscribe(heard.append)
    context.station_service.rename("Bench 4")
    context.station_service.switch_packer("Ana")
    assert heard == [Changes(station=True)] * 2


def test_the_cli_sets_the_name_and_packer_through_the_service(context, paths, capsys):
    import json

    from app.__main__ import main

    data = ["--data-dir", str(paths.data_dir)]
    assert main(["station", *data, "--name", " Bench 5 ", "--packer", "Ana", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["name"], shown["packer"]) == ("Bench 5", "Ana")
    assert main(["station", *data, "--packer", "Bo"]) == 0
    # One empty value refuses the whole command: the name is not half-saved.
    assert main(["station", *data, "--name", "Bench 6", "--packer", " "]) == 1
    assert "cannot be empty" in capsys.readouterr().err
    settings = context.station_service.settings()
    assert (settings.name, settings.packer) == ("Bench 5", "Bo")
    assert settings.recent == ["Bo", "Ana"]  # the CLI's packers are recent ones, as the app's
