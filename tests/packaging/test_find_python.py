"""packaging/find-python finds a 3.12+ interpreter behind shims, or says how to get one (fast)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "find-python"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX sh script")


def _find(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    # Only the fakes below and the basic tools: not this machine's pythons or pyenv.
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for tool in ("sh", "cat"):
        (tools / tool).unlink(missing_ok=True)
        (tools / tool).symlink_to(shutil.which(tool))
    env = {"PATH": f"{tmp_path / 'bin'}:{tools}", "HOME": str(tmp_path / "home"),
           "PYENV_ROOT": str(tmp_path / "pyenv")}
    return subprocess.run([str(tools / "sh"), str(SCRIPT), *args], env=env, capture_output=True,
                          text=True, timeout=60)


def _fake(path: Path, script: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def _old_python_and_refusing_shim(tmp_path: Path) -> None:
    """python3 is 3.11 and python3.12 a pyenv shim that refuses: this machine's kind."""
    _fake(tmp_path / "bin" / "python3", "exit 1  # what 3.11 answers to the version check")
    _fake(tmp_path / "bin" / "python3.12",
          "echo 'pyenv: python3.12: command not found' >&2; exit 127")


def test_finds_pyenvs_version_when_the_shims_refuse_and_python3_is_too_old(tmp_path):
    _old_python_and_refusing_shim(tmp_path)
    installed = tmp_path / "pyenv" / "versions" / "3.12.1" / "bin" / "python3"
    installed.parent.mkdir(parents=True)
    installed.symlink_to(sys.executable)  # this test's own Python is 3.12+

    result = _find(tmp_path)

    assert result.returncode == 0, result.stderr
    found = result.stdout.strip()
    check = subprocess.run([found, "-c", "import sys; print(sys.version_info >= (3, 12))"],
                           capture_output=True, text=True, timeout=60)
    assert check.stdout.strip() == "True"
    assert not found.startswith(str(tmp_path / "bin")), "a shim must never be printed"


def test_asks_each_candidate_its_real_version(tmp_path):
    _old_python_and_refusing_shim(tmp_path)
    (tmp_path / "bin" / "python3").unlink()
    (tmp_path / "bin" / "python3").symlink_to(sys.executable)

    # python3 answers 3.12+ this time: taken, before the refusing shim is even needed.
    assert _find(tmp_path).stdout.strip() == str(tmp_path / "bin" / "python3")
    other = "3.13" if sys.version_info[:2] != (3, 13) else "3.12"
    assert _find(tmp_path, other).returncode == 1  # an exact version asked for is not another


def test_none_found_says_how_to_get_one_and_fails(tmp_path):
    _old_python_and_refusing_shim(tmp_path)

    result = _find(tmp_path)

    assert result.returncode == 1 and result.stdout == ""
    assert "PackDesk needs Python 3.12 or newer" in result.stderr
    for how in ("python.org", "package manager", "pyenv install 3.12"):
        assert how in result.stderr


def test_a_version_below_312_is_refused(tmp_path):
    result = _find(tmp_path, "3.11")
    assert result.returncode == 2 and "3.12 or newer" in result.stderr


def test_a_missing_python_skips_a_test_but_fails_it_under_ci(tmp_path, monkeypatch):
    from tests.support.tools import require_python

    _fake(tmp_path / "find-python", "echo 'PackDesk needs Python 3.13' >&2; exit 1")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"needs Python 3\.13"):
        require_python("3.13", tmp_path / "find-python")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"needs Python 3\.13"):
        require_python("3.13", tmp_path / "find-python")
