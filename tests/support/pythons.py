"""Another Python for a test (e.g. the wheel on 3.13), found as packaging/find-python finds one."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

FIND_PYTHON = Path(__file__).resolve().parents[2] / "packaging" / "find-python"


def python_path(version: str, script: Path = FIND_PYTHON) -> str:
    """The interpreter of `version` ("3.13"); a test without it is skipped, but under CI=true
    it fails: CI must test every version PackDesk supports."""
    found = subprocess.run(["sh", str(script), version], capture_output=True, text=True,
                           timeout=60)
    if found.returncode == 0:
        return found.stdout.strip()
    message = f"needs Python {version}: {found.stderr.strip()}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)
