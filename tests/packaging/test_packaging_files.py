"""The installer's inputs agree with the app (fast: nothing is built here)."""
from __future__ import annotations

import configparser
import subprocess
import sys
import tarfile
from pathlib import Path

import build_installer
from app import APP_ID, APP_NAME, __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # keys are case-sensitive in .desktop files
    parser.read(PACKAGING / "linux" / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_matches_what_qt_sets():
    entry = _desktop_entry()
    # Wayland's app id is QGuiApplication.desktopFileName() = APP_ID, i.e. this file's name;
    # X11's WM_CLASS class is the application name (checked under Xvfb when this was written).
    assert entry["Name"] == APP_NAME
    assert entry["StartupWMClass"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Exec"] == APP_ID and entry["Terminal"] == "false"


def test_version_is_not_hard_coded_in_the_installer_scripts():
    for script in (PACKAGING / "packdesk.spec", PACKAGING / "windows" / "packdesk.iss",
                   PACKAGING / "linux" / f"{APP_ID}.desktop", PACKAGING / "linux" / "install.sh"):
        assert __version__ not in script.read_text(encoding="utf-8"), script


def test_build_script_help_runs_without_pyinstaller_work():
    result = subprocess.run([sys.executable, str(ROOT / "build_installer.py"), "--help"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert f"{APP_NAME} {__version__}" in result.stdout and "--self-test" in result.stdout


def _fake_bundle(root: Path) -> Path:
    bundle = root / APP_ID
    (bundle / "_internal").mkdir(parents=True)
    (bundle / APP_ID).write_bytes(b"\x7fELF fake")
    (bundle / APP_ID).chmod(0o755)
    (bundle / "_internal" / "lib.so").write_bytes(b"library")
    return bundle


def test_linux_tarball_is_reproducible_and_complete(tmp_path):
    bundle = _fake_bundle(tmp_path / "build")
    archives = []
    for run in ("first", "second"):
        dist = tmp_path / run
        dist.mkdir()
        archives.append(build_installer.package_linux(bundle, dist, epoch=1_700_000_000))
        (bundle / "_internal" / "lib.so").touch()  # a newer mtime must not change the archive

    assert archives[0].read_bytes() == archives[1].read_bytes()
    machine = build_installer.platform.machine()
    assert archives[0].name == f"{APP_ID}-{__version__}-linux-{machine}.tar.gz"
    checksum = archives[0].with_name(archives[0].name + ".sha256").read_text()
    assert checksum.endswith(f"  {archives[0].name}\n")
    with tarfile.open(archives[0]) as tar:
        members = {m.name.split("/", 1)[-1]: m for m in tar.getmembers()}
    top = archives[0].name.removesuffix(".tar.gz")
    assert all(m.name.startswith(top) for m in members.values())
    assert {APP_ID, "_internal/lib.so", f"{APP_ID}.desktop", f"{APP_ID}.png",
            "install.sh"} <= set(members)
    assert members[APP_ID].mode == members["install.sh"].mode == 0o755
    assert members[f"{APP_ID}.desktop"].mode == 0o644
    assert {m.uid for m in members.values()} == {0}
    assert {m.mtime for m in members.values()} == {1_700_000_000}


def test_every_app_package_is_listed_in_pyproject():
    """The packages are listed (app.resources maps the top-level resources/ folder), so a new
    subpackage must be added there or the wheel would leave it out."""
    import tomllib

    from setuptools import find_packages

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = pyproject["tool"]["setuptools"]
    assert set(listed["packages"]) == {*find_packages(str(ROOT), include=["app*"]), "app.resources"}
    assert listed["package-dir"] == {"app.resources": "resources"}


def test_each_build_has_its_own_pyinstaller_cache(tmp_path, monkeypatch):
    """--clean empties PyInstaller's cache: a shared one, emptied by a second build running at
    the same time, made the first fail (FileNotFoundError in ~/.cache/pyinstaller/bincache)."""
    seen: dict[str, str] = {}

    def pyinstaller(command, *, env=None):
        seen.update(env)
        (tmp_path / "dist" / APP_ID).mkdir(parents=True)
        build_installer.bundle_executable(tmp_path / "dist" / APP_ID).write_bytes(b"fake")

    monkeypatch.setattr(build_installer, "run", pyinstaller)
    build_installer.build_bundle(tmp_path / "dist", tmp_path / "work", epoch=1_700_000_000)

    assert Path(seen["PYINSTALLER_CONFIG_DIR"]).is_relative_to(tmp_path / "work")
    assert seen["PYTHONHASHSEED"] == "0" and seen["SOURCE_DATE_EPOCH"] == "1700000000"
