"""Build the Linux installer package, pack it again (the same sha256) and run `packdesk
--self-test` from inside it (slow: 2-4 min on 2 cores).

The keyring check uses a real Secret Service: gnome-keyring in a private D-Bus session with a
throwaway login keyring (.ci/run installs gnome-keyring). Where those tools are missing (a
developer's machine), the keyring line must instead FAIL with the how-to-fix message.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from app import APP_ID, __version__
from app.secrets.store import NO_KEYRING_HINT
from tests.support.tools import in_ci, require_module

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="builds the Linux package"),
    pytest.mark.timeout(1200),  # a build alone takes 2-4 minutes on 2 cores
]

ROOT = Path(__file__).resolve().parents[2]
# An unpacked bundle is ~230 MB today; a jump past this means something big slipped in.
SIZE_BUDGET = 300_000_000
CHECKS = ("database", "keyring", "packing slip", "sandbox", "qt")
# Unlocks (creating on first use) a login keyring with a throwaway password, then runs the app.
WITH_SECRET_SERVICE = ("printf %s self-test-password | gnome-keyring-daemon --unlock "
                       "--components=secrets >/dev/null && exec \"$0\" --self-test")


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """Build with build_installer.py and unpack the tar.gz the way a workstation would."""
    require_module("PyInstaller", "pip install -e '.[build]'")
    work = tmp_path_factory.mktemp("installer")
    build = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--dist", str(work / "dist"),
         "--work", str(work / "build")],
        cwd=ROOT, capture_output=True, text=True, timeout=1100)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-5000:]
    archive, = (work / "dist").glob(f"{APP_ID}-{__version__}-linux-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(work / "unpacked", filter="tar")
    folder, = (work / "unpacked").iterdir()
    return folder


def test_packing_the_bundle_again_gives_the_same_archive(package, tmp_path):
    """The archive depends on the bundle's bytes only: a copy of the bundle with other file
    times, packed into another folder, gives the same sha256. (That PyInstaller makes the same
    bundle twice, with PYTHONHASHSEED and SOURCE_DATE_EPOCH fixed, was measured by building
    twice, `python build_installer.py --dist DIR` into two folders; a second 2-4 minute build
    on every CI run would cost more than the suite's budget allows.)"""
    import build_installer

    dist = package.parents[1] / "dist"
    first, = dist.glob("*.tar.gz.sha256")
    bundle = tmp_path / "bundle"
    shutil.copytree(dist / APP_ID, bundle, symlinks=True)
    for path in bundle.rglob("*"):
        if not path.is_symlink():
            os.utime(path, (1_700_000_000, 1_700_000_000))
    (tmp_path / "dist").mkdir()
    with tarfile.open(first.with_suffix("")) as built:  # the build's own date (its commit's)
        epoch = built.next().mtime
    archive = build_installer.package_linux(bundle, tmp_path / "dist", epoch)
    second = archive.with_name(archive.name + ".sha256")
    assert second.read_text() == first.read_text()


def _secret_service_available() -> bool:
    return bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))


def _run_self_test(package: Path, home: Path) -> subprocess.CompletedProcess:
    home.mkdir()
    # A private home: the keyring file, the station dirs and caches stay in the test's folder.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
           "XDG_DATA_HOME": str(home / "data"), "XDG_STATE_HOME": str(home / "state"),
           "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_RUNTIME_DIR": str(home / "runtime"), "QT_QPA_PLATFORM": "offscreen",
           "LANG": "C.UTF-8"}
    (home / "runtime").mkdir(mode=0o700)
    executable = str(package / APP_ID)
    command = [executable, "--self-test"]
    if _secret_service_available():
        command = ["dbus-run-session", "--", "sh", "-c", WITH_SECRET_SERVICE, executable]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def _report(lines: list[str]) -> dict[str, str]:
    """check name -> its report line."""
    return {name: line for line in lines for name in CHECKS
            if line.split(None, 1)[-1].startswith(f"{name}:")}


def test_package_holds_the_bundle_desktop_entry_and_icon(package):
    assert package.name.startswith(f"{APP_ID}-{__version__}-linux-")
    for name in (APP_ID, "install.sh"):
        assert os.access(package / name, os.X_OK), name
    for name in (f"{APP_ID}.desktop", f"{APP_ID}.png", "_internal/app/resources/icons/packdesk.png",
                 "_internal/app/resources/fonts/DejaVuSans.ttf",
                 "_internal/app/db/migrations/env.py"):
        assert (package / name).is_file(), name
    size = sum(p.stat().st_size for p in package.rglob("*") if p.is_file() and not p.is_symlink())
    assert size < SIZE_BUDGET, f"the bundle grew to {size / 1e6:.0f} MB"


def test_package_leaves_out_what_packdesk_does_not_use(package):
    internal = package / "_internal"
    assert not (internal / "PySide6" / "Qt" / "translations").exists()
    assert not list(internal.rglob("libqgtk3.so")) and not list(internal.glob("libgtk-3.so*"))
    assert not list(internal.glob("PySide6/QtWebEngine*"))
    assert not list(internal.glob("PySide6/QtQml*"))
    assert not (internal / "hypothesis").exists()
    # How the build machine's venv was installed: it made two builds of one lock differ.
    records = [p.name for p in internal.glob("*.dist-info/*")
               if p.name in ("INSTALLER", "REQUESTED", "RECORD", "direct_url.json")]
    assert records == [] and list(internal.glob("keyring-*.dist-info/entry_points.txt"))
    dangling = [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    assert dangling == []


def test_bundle_self_test_passes_offscreen(package, tmp_path):
    result = _run_self_test(package, tmp_path / "home")
    lines = result.stdout.splitlines()
    report = _report(lines)
    print(result.stdout)  # shown with -s or on failure: the bundle's own report

    assert lines[0] == f"PackDesk {__version__} self-test (installer bundle)"
    assert set(report) == set(CHECKS), result.stdout + result.stderr
    for name in CHECKS:
        if name != "keyring":
            assert report[name].startswith("OK "), report[name]
    if _secret_service_available():
        assert report["keyring"].startswith("OK ")
        assert report["keyring"].endswith("keyring.backends.SecretService.Keyring")
        assert result.returncode == 0 and lines[-1] == "self-test passed"
    else:
        assert not in_ci(), "CI must install gnome-keyring (see .ci/run)"
        assert report["keyring"].startswith("FAILED  keyring: No system keyring is available")
        assert NO_KEYRING_HINT in report["keyring"]
        assert result.returncode == 1
