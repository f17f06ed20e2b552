"""Build the wheel once, install it (not editable) into fresh venvs, and print from each (slow).

A normal install once left out resources/ and could not print (issue 19.1). Two venvs:
- this Python's: it sees this venv's site-packages for the dependencies (through a .pth file, so
  it is quick), but not the source tree: `app` and its fonts must come from the wheel;
- Python 3.13's (found like packaging/find-python finds it; missing: skipped, failed under
  CI=true), with its dependencies from requirements.lock, hashes checked, as a user installs them.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from app import APP_ID, __version__
from app.sandbox import Sandbox, SandboxConfig
from app.sandbox.data import FIRST_ORDER_ID
from tests.support.tools import require_python

# Installing the lock into the 3.13 venv: seconds with uv, 1-3 minutes with pip, on 2 cores.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

ROOT = Path(__file__).resolve().parents[2]
BIN = "Scripts" if sys.platform == "win32" else "bin"
TOKEN = "sandbox-token-wheel-1234"
BUNDLED_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "Symbola.ttf",
                 "DroidSansFallbackFull.ttf")


def _check(command: list[str], timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert result.returncode == 0, (" ".join(command) + "\n" + result.stdout[-3000:]
                                    + result.stderr[-3000:])
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built by the locked setuptools of this venv, not whatever an isolated build would fetch.
    _check([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
            "-w", str(out), str(ROOT)])
    built, = out.glob(f"{APP_ID}-{__version__}-*.whl")
    return built


@pytest.fixture(scope="module", params=["this Python", "3.13"])
def venv(request, wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed (see the module's docstring for its dependencies)."""
    root = tmp_path_factory.mktemp("venv") / "venv"
    locked = request.param != "this Python"
    base = require_python(request.param) if locked else sys.executable
    _check([base, "-m", "venv", str(root)])
    python = root / BIN / ("python.exe" if sys.platform == "win32" else "python")
    if locked:
        # uv (pinned in the lock's build tools) installs the same pins with the same hash checks
        # in seconds where pip takes a minute or more; CI's own venv is made by pip.
        uv = Path(sys.executable).with_name("uv.exe" if sys.platform == "win32" else "uv")
        installer = ([str(uv), "pip", "install", "--python", str(python)] if uv.exists()
                     else [str(python), "-m", "pip", "install"])
        _check([*installer, "-q", "--require-hashes", "-r", str(ROOT / "requirements.lock")],
               timeout=900)
        version = _check([str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        assert version.stdout.strip() == request.param
    else:
        purelib = _check([str(python), "-c",
                          "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
        # A plain path line: the directory joins sys.path, but its own .pth files (this venv's
        # editable-install finder) are not run, so `app` cannot come from the source tree.
        (Path(purelib.stdout.strip()) / "packdesk-test-deps.pth").write_text(
            sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _check([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    return root


def _env(home: Path) -> dict[str, str]:
    keyring_dir = home / "keyring-backend"
    keyring_dir.mkdir(parents=True)
    # The subprocess test keyring, without putting the source tree (and its `app`) on the path.
    shutil.copy(ROOT / "tests" / "support" / "file_keyring.py", keyring_dir / "file_keyring.py")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PACKDESK_HOME", "VIRTUAL_ENV")}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(keyring_dir),
               PYTHON_KEYRING_BACKEND="file_keyring.TestFileKeyring",
               PACKDESK_TEST_KEYRING_FILE=str(home / "keyring.json"))
    return env


def test_wheel_holds_the_fonts_sounds_and_icons_but_not_the_screenshots(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for font in BUNDLED_FONTS:
        assert f"app/resources/fonts/{font}" in names
    assert {"app/resources/icons/packdesk.png", "app/resources/sounds/ok.wav"} <= names
    assert not any("screenshots" in name for name in names)


def test_installed_wheel_passes_its_self_test_and_prints_slips(venv, tmp_path):
    packdesk = str(venv / BIN / APP_ID)
    env = _env(tmp_path / "home")
    where = _check([str(venv / BIN / "python"), "-c",
                    "import app.paths; print(app.paths.resources_dir())"], env=env, cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout

    self_test = subprocess.run([packdesk, "--self-test"], capture_output=True, text=True,
                               env=env, cwd=tmp_path, timeout=300)
    lines = self_test.stdout.splitlines()
    assert self_test.returncode == 0, self_test.stdout + self_test.stderr[-3000:]
    assert lines[-1] == "self-test passed"

    station = ["--data-dir", str(tmp_path / "station")]
    with Sandbox(SandboxConfig(orders=3, seed=3, token=TOKEN)) as sandbox:
        # One new order, imported whatever the seed made of it (the sandbox spans 60 days).
        sandbox.control.set_order_status(FIRST_ORDER_ID, 1)
        _check([packdesk, *station, "connect", "main", "--domain", sandbox.domain,
                "--token-stdin", "--prefix", "AC-", "--days", "90"],
               input=TOKEN + "\n", env=env, cwd=tmp_path)
        _check([packdesk, *station, "sync"], env=env, cwd=tmp_path)
    orders = json.loads(_check([packdesk, *station, "orders", "--json"], env=env,
                               cwd=tmp_path).stdout)
    number = next(order["number"] for order in orders
                  if order["number"].endswith(str(FIRST_ORDER_ID)))
    pdf = tmp_path / "slips.pdf"
    _check([packdesk, *station, "slips", number, "-o", str(pdf)], env=env, cwd=tmp_path)

    fonts = {str(font["/BaseFont"]).split("+")[-1]
             for page in PdfReader(pdf).pages
             for font in page["/Resources"]["/Font"].values()}
    assert "DejaVuSans" in fonts and "DejaVuSans-Bold" in fonts, fonts
