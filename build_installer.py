#!/usr/bin/env python3
"""Build PackDesk's desktop installer for the OS this runs on.

    python build_installer.py [--dist DIR] [--work DIR] [--bundle-only] [--self-test]

1. PyInstaller builds the onedir bundle DIST/packdesk/ from packaging/packdesk.spec.
2. The platform package is made from it:
   - Linux:   DIST/packdesk-VERSION-linux-ARCH.tar.gz (+ .sha256): the bundle, packdesk.desktop,
              the icon and install.sh (menu entry, icon, `packdesk` command).
   - Windows: DIST/PackDesk-VERSION-windows-x64-setup.exe, with Inno Setup 6 (ISCC.exe).
   - macOS:   DIST/PackDesk.app (by the spec) and DIST/PackDesk-VERSION-macos-ARCH.dmg (hdiutil).
3. With --self-test, the bundle's own `--self-test` runs (offscreen) and must pass.

Reproducible: it runs on Python 3.12+ and refuses to build unless the running environment holds
exactly what requirements.lock pins for this OS (no package missing, other or extra: an extra
one can change what PyInstaller bundles). PYTHONHASHSEED is fixed, and the tarball's timestamps,
owners and order are fixed (SOURCE_DATE_EPOCH, else the last commit's time). The version comes
from app/__init__.py only.
Fails loudly: any missing tool, file or failed step stops the build with a non-zero exit and
says what to do.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if sys.version_info < (3, 12):  # noqa: UP036 - a script: run before pip checks requires-python
    sys.exit(f"build_installer: error: PackDesk is built with Python 3.12 or newer, not "
             f"{platform.python_version()}: `sh packaging/find-python` finds one")

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from app import APP_ID, APP_NAME, __version__  # noqa: E402 - the version's one place

LOCK = ROOT / "requirements.lock"
# In the environment but never in the lock: PackDesk itself and the installer of everything.
NOT_LOCKED = frozenset({"packdesk", "pip"})
SPEC = ROOT / "packaging" / "packdesk.spec"
LINUX_DIR = ROOT / "packaging" / "linux"
WINDOWS_ISS = ROOT / "packaging" / "windows" / "packdesk.iss"
ICONS = ROOT / "resources" / "icons"
# Used when neither SOURCE_DATE_EPOCH nor git can date the sources (e.g. a source tarball).
FALLBACK_EPOCH = 315532800  # 1980-01-01, the oldest time every archive format can hold
INNO_SETUP_DIRS = ("Inno Setup 6",)


class BuildError(Exception):
    """A step failed; the message says which and what to do."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=f"Build the {APP_NAME} {__version__} desktop installer for this OS "
                    f"({platform.system()}): a PyInstaller onedir bundle from "
                    f"{SPEC.relative_to(ROOT)}, "
                    "then a tar.gz (Linux), an Inno Setup installer (Windows) or a .dmg (macOS).")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", metavar="DIR",
                        help="where the bundle and the package go (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", metavar="DIR",
                        help="PyInstaller's work folder, emptied first (default: build/)")
    parser.add_argument("--bundle-only", action="store_true",
                        help="stop after the PyInstaller bundle (no tar.gz / setup.exe / .dmg)")
    parser.add_argument("--self-test", action="store_true",
                        help="run the bundle's `--self-test` (offscreen) and fail if it fails")
    return parser.parse_args(argv)


def run(command: Sequence[str | Path], *, env: dict[str, str] | None = None) -> None:
    printable = " ".join(str(part) for part in command)
    print(f"+ {printable}", flush=True)
    result = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise BuildError(f"`{printable}` failed with exit code {result.returncode}")


def require_inputs() -> None:
    """Fail before a long build when something the bundle must contain is missing."""
    import importlib.util

    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildError(f"PyInstaller is not installed for {sys.executable}: "
                         "pip install -e '.[build]'")
    needed = [SPEC, ICONS / "packdesk.png", ICONS / "packdesk.ico",
              ROOT / "app" / "db" / "migrations" / "env.py", LINUX_DIR / "packdesk.desktop",
              LINUX_DIR / "install.sh", WINDOWS_ISS]
    missing = [str(path.relative_to(ROOT)) for path in needed if not path.is_file()]
    if missing:
        raise BuildError(f"missing from the source tree: {', '.join(missing)}")


def lock_pins(text: str) -> list[tuple[str, str, str]]:
    """(canonical name, version, environment marker or "") of each `name==version` line."""
    from packaging.utils import canonicalize_name

    pins = []
    for line in text.splitlines():
        requirement, _, marker = line.rstrip(" \\").partition(";")
        name, equals, version = requirement.partition("==")
        if equals and name[:1].isalnum():
            pins.append((canonicalize_name(name), version.strip(), marker.strip()))
    return pins


def lock_mismatches(lock_text: str, installed: dict[str, str],
                    environment: dict[str, str] | None = None) -> list[str]:
    """How `installed` (canonical name -> version) differs from what the lock pins for this
    machine (or for `environment`: marker variables such as sys_platform)."""
    from packaging.markers import Marker

    wanted = {name: version for name, version, marker in lock_pins(lock_text)
              if not marker or Marker(marker).evaluate(environment)}
    problems = [f"{name} {installed[name]} is installed, the lock pins {version}"
                for name, version in wanted.items() if name in installed
                and installed[name] != version]
    problems += [f"{name} {version} is missing" for name, version in wanted.items()
                 if name not in installed]
    problems += [f"{name} {version} is not in the lock" for name, version in installed.items()
                 if name not in wanted and name not in NOT_LOCKED]
    return sorted(problems)


def installed_distributions() -> dict[str, str]:
    """What is installed in this environment's site-packages. Not all of sys.path: setuptools
    puts its vendored copies (setuptools/_vendor: packaging, platformdirs...) there once
    imported, and their older versions would read as installed."""
    import sysconfig
    from importlib.metadata import distributions

    from packaging.utils import canonicalize_name

    site = list(dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib")))
    return {canonicalize_name(dist.metadata["Name"]): dist.version
            for dist in distributions(path=site)}


def require_locked_environment() -> None:
    """What PyInstaller bundles is what is installed: it must be the lock, nothing else."""
    problems = lock_mismatches(LOCK.read_text(encoding="utf-8"), installed_distributions())
    if problems:
        raise BuildError(
            f"the environment of {sys.executable} is not requirements.lock: "
            + "; ".join(problems) + ". Build from a venv made from the lock: `python -m venv "
            "--clear .venv && .venv/bin/pip install --require-hashes -r requirements.lock && "
            ".venv/bin/pip install --no-deps --no-build-isolation -e .`")


def source_date_epoch() -> int:
    """The sources' date, so that two builds of one commit produce identical archives."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout.strip()
        return int(stamp)
    except (OSError, subprocess.CalledProcessError, ValueError):
        print(f"note: sources not dated by git; archive timestamps use {FALLBACK_EPOCH}")
        return FALLBACK_EPOCH


def build_bundle(dist: Path, work: Path, epoch: int) -> Path:
    # A fixed hash seed makes PyInstaller's output (sets turned into lists) stable between runs.
    # Its cache goes in the work folder: --clean empties the cache, and a shared one
    # (~/.cache/pyinstaller) emptied under another build made that build fail.
    env = {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": str(epoch),
           "PYINSTALLER_CONFIG_DIR": str(work / "pyinstaller-cache")}
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", dist, "--workpath", work, SPEC], env=env)
    bundle = dist / APP_ID
    executable = bundle_executable(bundle)
    if not executable.is_file():
        raise BuildError(f"PyInstaller finished but {executable} is missing")
    return bundle


def bundle_executable(bundle: Path) -> Path:
    """The console executable, for --self-test (the spec adds a windowed one on Windows)."""
    return bundle / (f"{APP_ID}-cli.exe" if sys.platform == "win32" else APP_ID)


def self_test_bundle(bundle: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run([bundle_executable(bundle), "--self-test"], env=env)


# --- Linux ---------------------------------------------------------------------------------

def package_linux(bundle: Path, dist: Path, epoch: int) -> Path:
    name = f"{APP_ID}-{__version__}-linux-{platform.machine()}"
    archive = dist / f"{name}.tar.gz"
    normalize = _normalized_tar_entry(epoch)
    with open(archive, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=epoch) as compressed, \
            tarfile.open(fileobj=compressed, mode="w", format=tarfile.GNU_FORMAT) as tar:
        # tarfile adds a folder's entries in sorted order, so the archive's order is fixed too.
        tar.add(bundle, arcname=name, filter=normalize)
        for source in (LINUX_DIR / "packdesk.desktop", ICONS / "packdesk.png",
                       LINUX_DIR / "install.sh"):
            tar.add(source, arcname=f"{name}/{source.name}", filter=normalize)
    write_checksum(archive)
    return archive


def _normalized_tar_entry(epoch: int) -> Callable[[tarfile.TarInfo], tarfile.TarInfo]:
    """Same owner, time and permissions for every entry, whoever built it and when."""
    def normalize(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.mtime = epoch
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        if not info.issym():
            info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
        return info
    return normalize


def write_checksum(path: Path) -> Path:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    checksum = path.with_name(path.name + ".sha256")
    checksum.write_text(f"{digest.hexdigest()}  {path.name}\n", encoding="utf-8")
    return checksum


# --- Windows -------------------------------------------------------------------------------

def package_windows(bundle: Path, dist: Path, epoch: int) -> Path:
    iscc = find_inno_setup()
    run([iscc, f"/DAppName={APP_NAME}", f"/DAppExe={APP_NAME}.exe",
         f"/DAppVersion={__version__}", f"/DBundleDir={bundle}", f"/DOutputDir={dist}",
         f"/DIconFile={ICONS / 'packdesk.ico'}", WINDOWS_ISS])
    installer = dist / f"{APP_NAME}-{__version__}-windows-x64-setup.exe"
    if not installer.is_file():
        raise BuildError(f"Inno Setup finished but {installer} is missing")
    write_checksum(installer)
    return installer


def find_inno_setup() -> Path:
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return Path(found)
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        for folder in INNO_SETUP_DIRS:
            candidate = Path(base or "C:/missing") / folder / "ISCC.exe"
            if candidate.is_file():
                return candidate
    raise BuildError("Inno Setup 6 (ISCC.exe) was not found: install it from jrsoftware.org "
                     "(or `winget install JRSoftware.InnoSetup`), or put ISCC.exe on PATH")


# --- macOS ---------------------------------------------------------------------------------

def package_macos(bundle: Path, dist: Path, epoch: int) -> Path:
    app = dist / f"{APP_NAME}.app"
    if not app.is_dir():
        raise BuildError(f"{app} is missing: the spec's BUNDLE step did not run")
    if shutil.which("hdiutil") is None:
        raise BuildError("hdiutil was not found: build the .dmg on macOS")
    image = dist / f"{APP_NAME}-{__version__}-macos-{platform.machine()}.dmg"
    with tempfile.TemporaryDirectory(prefix="packdesk-dmg-") as staging:
        # The usual drag-to-install window: the app beside a link to /Applications.
        shutil.copytree(app, Path(staging) / app.name, symlinks=True)
        os.symlink("/Applications", Path(staging) / "Applications")
        run(["hdiutil", "create", "-volname", f"{APP_NAME} {__version__}", "-srcfolder", staging,
             "-ov", "-format", "UDZO", image])
    write_checksum(image)
    return image


PACKAGERS: dict[str, Callable[[Path, Path, int], Path]] = {
    "linux": package_linux, "win32": package_windows, "darwin": package_macos}


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


def build(args: argparse.Namespace) -> None:
    packager = PACKAGERS.get(sys.platform)
    if packager is None and not args.bundle_only:
        raise BuildError(f"no installer format for {sys.platform}; use --bundle-only")
    require_inputs()
    require_locked_environment()
    started = time.monotonic()
    dist, work = args.dist.resolve(), args.work.resolve()
    epoch = source_date_epoch()
    bundle = build_bundle(dist, work, epoch)
    print(f"bundle: {bundle} ({megabytes(folder_size(bundle))})")
    if args.self_test:
        self_test_bundle(bundle)
    if not args.bundle_only:
        package = packager(bundle, dist, epoch)
        print(f"package: {package} ({megabytes(package.stat().st_size)})")
    print(f"{APP_NAME} {__version__} built in {time.monotonic() - started:.0f} s")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        build(args)
    except BuildError as exc:
        print(f"build_installer: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
