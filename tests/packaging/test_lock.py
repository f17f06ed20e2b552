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

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _named_requirements(pyproject: dict) -> list[Requirement]:
    project = pyproject["project"]
    names = [*project["dependencies"], *pyproject["build-system"]["requires"]]
    for extra in project.get("optional-dependencies", {}).values():
        names += extra
    return [Requirement(name) for name in names]


def _pins(text: str) -> dict[str, str]:
    """canonical name -> pinned version, for every `name==version` line of a lock."""
    return {canonicalize_name(match[1]): match[2]
            for match in map(PIN.match, text.splitlines()) if match}


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
    pyproject["project"]["optional-dependencies"]["test"].append("ruff>=0.6,<1")
    pyproject["project"]["dependencies"].append("httpx>=99")
    pyproject["project"]["optional-dependencies"]["gates"] = []

    problems = _drift(pyproject, lock)

    assert any(p.startswith("ruff is not in requirements.lock") for p in problems), problems
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
    markers = {line.split("==")[0]: line.partition(";")[2]
               for line in text.splitlines() if PIN.match(line)}
    assert "sys_platform == 'win32'" in markers["pywin32-ctypes"]
    assert "sys_platform == 'darwin'" in markers["macholib"]
    assert "sys_platform == 'linux'" in markers["secretstorage"]
