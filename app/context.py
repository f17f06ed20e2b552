"""AppContext: everything the UI and the CLI need, built once by bootstrap.py.

Objects arrive here through the constructor; nothing in the app looks up globals.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.db.engine import Database
from app.paths import AppPaths
from app.secrets import SecretStore


@dataclass
class AppContext:
    paths: AppPaths
    db: Database
    secrets: SecretStore
    station_id: str
    demo: bool = False
    # Callbacks run at shutdown, newest first (stop the demo sandbox, close HTTP clients...).
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def on_close(self, closer: Callable[[], None]) -> None:
        self._closers.append(closer)

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()
        self.db.dispose()
