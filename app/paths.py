"""Where PackDesk keeps its files.

One data directory holds the database, its backups and the logs, so several stations on one
machine (or tests) can be kept apart with `--data-dir` or `PACKDESK_HOME`.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import platformdirs

from app import APP_ID

HOME_ENV = "PACKDESK_HOME"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    log_dir: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "packdesk.sqlite3"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "packdesk.log"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    def ensure(self) -> AppPaths:
        for d in (self.data_dir, self.log_dir, self.backups_dir, self.cache_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: str | os.PathLike | None = None,
                  env: Mapping[str, str] | None = None) -> AppPaths:
    """--data-dir wins over PACKDESK_HOME, which wins over the platform's user dirs.

    An explicit data dir keeps its logs inside it, so one folder is the whole station.
    """
    env = os.environ if env is None else env
    chosen = data_dir or env.get(HOME_ENV)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return AppPaths(data_dir=root, log_dir=root / "logs")
    return AppPaths(
        data_dir=Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
        log_dir=Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
    )


def resources_dir() -> Path:
    """The fonts, sounds and icons: package data of `app.resources`.

    The top-level resources/ folder is mapped to that package at build time (pyproject.toml), so
    a wheel, an editable install and the PyInstaller bundle all find it the same way.
    """
    # Every install keeps them as real files (reportlab and Qt need paths, not streams).
    return Path(str(files("app.resources")))
