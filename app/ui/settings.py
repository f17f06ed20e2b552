"""The station's QSettings (window geometry, scanner, printer), one file per data folder.

Two data folders on one machine are two stations (or a station and the demo): each keeps its
own window layout and scanner settings instead of overwriting the other's.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings

from app import APP_NAME


def settings_name(data_dir: Path, *, demo: bool = False) -> str:
    """"PackDesk-demo", or "PackDesk-<10 hex digits of the data folder's path>"."""
    if demo:
        return f"{APP_NAME}-demo"  # the demo's folder is new each run: one file for them all
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode("utf-8")).hexdigest()[:10]
    return f"{APP_NAME}-{digest}"


def station_settings(data_dir: Path, *, demo: bool = False,
                     default_folder: bool = False) -> QSettings:
    """The settings of the station whose data folder this is. The default folder's starts from
    the settings all folders shared before (so an existing station keeps its scanner and
    printer settings after the update)."""
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME,
                         settings_name(data_dir, demo=demo))
    if default_folder and not demo and not settings.allKeys():
        _adopt_shared(settings)
    return settings


def _adopt_shared(settings: QSettings) -> None:
    shared = QSettings(APP_NAME, APP_NAME)
    for key in shared.allKeys():
        settings.setValue(key, shared.value(key))
    settings.sync()
