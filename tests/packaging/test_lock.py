"""requirements.lock and pyproject.toml cannot drift apart (fast: nothing is installed here).

The lock is what CI, the README's commands and build_installer.py install; pyproject.toml is what
a person edits. Every dependency pyproject.toml names (the app's, every extra's, the build
backend's) must be pinned in the lock at a version its specifier allows.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from build_installer import LOCK, lock_mismatches, lock_pins

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _named_requirements(pyproject: dict) -> list[Requirement]:
    project = pyproject["project"]
    names = [*project["dependencies"], *pyproject["build-system"]["requires"]]
    for extra in project.get("optional-dependencies", {}).values():
        names += extra
    return [Requirement(name) for name in names]


def _pins(text: str) -> dict[str, str]:
    return {name: version for name, version, _ in lock_pins(text)}


def _refresh_command(text: str) -> str:
    return next(line.strip("# ") for line in text.splitlines() if "pip compile" in line)


def _drift(pyproject: dict, lock_text: str) -> list[str]:
    """What the lock lacks, one line each, naming the refresh command."""
    pins = _pins(lock_text)
    problems = []
    for requirement in _named_requirements(pyproject):
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"requirements.lock pins {requirement.name}=={pinned}, "
                            f"outside pyproject.toml's {requirement}")
    command = _refresh_command(lock_text)
    for extra in pyproject["project"].get("optional-dependencies", {}):
        if f"--extra {extra}" not in command:
            problems.append(f"the lock was not compiled with --extra {extra}")
    return [f"{problem}; refresh it: {command}" for problem in problems]


def test_lock_pins_every_dependency_pyproject_names_within_its_specifier():
    assert _drift(_pyproject(), LOCK.read_text(encoding="utf-8")) == []


def test_a_dependency_added_or_bounded_in_pyproject_alone_is_caught():
    pyproject, lock = _pyproject(), LOCK.read_text(encoding="utf-8")
    pyproject["project"]["optional-dependencies"]["test"].append("tomli-w>=1,<2")  # not in the lock
    pyproject["project"]["dependencies"].append("httpx>=99")
    pyproject["project"]["optional-dependencies"]["gates"] = []

    problems = _drift(pyproject, lock)

    assert any(p.startswith("tomli-w is not in requirements.lock") for p in problems), problems
    assert any(p.startswith("requirements.lock pins httpx==") and "httpx>=99" in p
               for p in problems), problems
    assert any("--extra gates" in p for p in problems), problems
    assert all("refresh it: uv pip compile pyproject.toml" in p for p in problems)


def test_lock_is_universal_with_a_hash_on_every_pin():
    text = LOCK.read_text(encoding="utf-8")
    command = _refresh_command(text)
    assert "--universal" in command and "--generate-hashes" in command
    requires_python = _pyproject()["project"]["requires-python"]
    assert f"--python-version {requires_python.removeprefix('>=')}" in command
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())
    assert len(entries) == len(_pins(text)) > 20
    assert all("--hash=sha256:" in entry for entry in entries)
    # Resolved for every OS, not just the one that ran the command.
    markers = {name: marker for name, _, marker in lock_pins(text)}
    assert "sys_platform == 'win32'" in markers["pywin32-ctypes"]
    assert "sys_platform == 'darwin'" in markers["macholib"]
    assert "sys_platform == 'linux'" in markers["secretstorage"]


LOCK_TEXT = """\
# header
#    uv pip compile pyproject.toml --universal
httpx==0.29.0 \\
    --hash=sha256:00
    # via packdesk (pyproject.toml)
pywin32-ctypes==0.2.3 ; sys_platform == 'win32' \\
    --hash=sha256:11
pywin32-ctypes==0.2.3 ; sys_platform == 'never' \\
    --hash=sha256:11
zipp==3.0 ; python_version < '3.0' \\
    --hash=sha256:22
"""


def test_installer_build_refuses_an_environment_other_than_the_lock():
    linux, windows = {"sys_platform": "linux"}, {"sys_platform": "win32"}
    exact = {"httpx": "0.29.0", "packdesk": "0.1.0", "pip": "24.0"}  # itself and pip aside

    assert lock_mismatches(LOCK_TEXT, exact, linux) == []
    assert lock_mismatches(LOCK_TEXT, exact, windows) == ["pywin32-ctypes 0.2.3 is missing"]
    assert lock_mismatches(LOCK_TEXT, {**exact, "httpx": "0.28.1", "orjson": "3.10"}, linux) == [
        "httpx 0.28.1 is installed, the lock pins 0.29.0", "orjson 3.10 is not in the lock"]


def test_the_tests_run_on_the_locked_versions():
    """CI and the README install from the lock, so what is tested is what users get. (A tool a
    developer added to the venv is no test failure; build_installer.py refuses it, though.)"""
    import setuptools  # noqa: F401 - as PyInstaller does: its vendored copies join sys.path

    from build_installer import installed_distributions

    problems = lock_mismatches(LOCK.read_text(encoding="utf-8"), installed_distributions())
    assert [p for p in problems if not p.endswith("is not in the lock")] == []
