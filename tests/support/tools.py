"""Outside tools a test needs (poppler, zbar, Xvfb, PyInstaller, the console script, another
Python). Missing on a developer's machine: the test skips and says what to install. Missing
under CI=true: the test fails, because a skip there would hide a test nobody ran."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ZBAR_HINT = "apt-get install poppler-utils zbar-tools"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(what: str, hint: str) -> None:
    """Skip locally, fail under CI=true: one message says what is missing and how to get it."""
    message = f"{what} not found ({hint})" if hint else f"{what} not found"
    if in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


def require_tool(*names: str, hint: str = "") -> list[str]:
    """The full paths of programs `names` on PATH, or skip/fail naming every missing one."""
    found = {name: shutil.which(name) for name in names}
    absent = [name for name, path in found.items() if path is None]
    if absent:
        missing(" and ".join(absent), hint)
    return [found[name] for name in names]  # type: ignore[misc]


def require_module(name: str, hint: str = ""):
    """Import module `name`, or skip/fail (pytest.importorskip that fails under CI=true)."""
    if importlib.util.find_spec(name) is None:
        missing(f"Python module {name}", hint)
    return pytest.importorskip(name)


def require_console_script(name: str) -> str:
    """An entry point script installed beside this interpreter (pip install -e . makes it)."""
    script = Path(sys.executable).with_name(name + (".exe" if sys.platform == "win32" else ""))
    if not script.exists():
        missing(f"the {name} console script beside {sys.executable}",
                "pip install -e '.[test,build]' installs it")
    return str(script)


FIND_PYTHON = Path(__file__).resolve().parents[2] / "packaging" / "find-python"


def require_python(version: str, script: Path = FIND_PYTHON) -> str:
    """The interpreter of `version` ("3.13"), found as packaging/find-python finds one (on PATH,
    else under pyenv even when not selected); CI must test every version PackDesk supports."""
    found = subprocess.run(["sh", str(script), version], capture_output=True, text=True,
                           timeout=60, check=False)
    if found.returncode != 0:
        missing(f"Python {version}", found.stderr.strip() or f"e.g. pyenv install {version}")
    return found.stdout.strip()
