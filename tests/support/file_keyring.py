"""A keyring backend for subprocess tests only: secrets in a JSON file OUTSIDE the data dir.

Selected with PYTHON_KEYRING_BACKEND=tests.support.file_keyring.TestFileKeyring and
PACKDESK_TEST_KEYRING_FILE; the product never uses it (it would be a plaintext fallback).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import keyring.backend
import keyring.errors


class TestFileKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ["PACKDESK_TEST_KEYRING_FILE"])

    def _load(self) -> dict[str, str]:
        return json.loads(self._path.read_text()) if self._path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._path.write_text(json.dumps(data))
