import subprocess
import sys

import pytest

from app import __version__
from app.__main__ import main
from tests.support.tools import require_console_script


@pytest.mark.parametrize("command", [[sys.executable, "-m", "app"], None])
def test_version_from_console_script_and_module(command):
    command = command or [require_console_script("packdesk")]
    result = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"PackDesk {__version__}"


def test_version_matches_package_metadata():
    from importlib.metadata import version

    assert version("packdesk") == __version__


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-command"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_data_dir_flag_beats_environment(tmp_path):
    from app.paths import resolve_paths

    env = {"PACKDESK_HOME": str(tmp_path / "from-env")}
    assert resolve_paths(None, env).data_dir == tmp_path / "from-env"
    assert resolve_paths(tmp_path / "flag", env).data_dir == tmp_path / "flag"
    assert resolve_paths(tmp_path / "flag", env).log_file.parent == tmp_path / "flag" / "logs"
    assert "packdesk" in str(resolve_paths(None, {}).data_dir).lower()
