"""The only door to the OS keyring.

Secrets live in the OS keyring under service = app id, username = "{connection_id}:{kind}".
They never touch SQLite, QSettings, logs or command lines. When the OS has no usable keyring
(headless Linux without a Secret Service), every call that needs a secret fails with a message
that says how to fix it; there is deliberately no plaintext fallback.

`SecretStore.in_memory()` exists for the sandbox demo, whose token must not outlive the
process and must not be written to the user's keyring.
"""
from __future__ import annotations

import logging
import threading
from typing import Literal

import keyring
import keyring.backend
import keyring.errors

from app import APP_ID
from app.errors import SecretsUnavailableError
from app.logs import redactor

log = logging.getLogger(__name__)

SecretKind = Literal["token", "refresh_token", "client_secret"]

NO_KEYRING_HINT = (
    "Unlock or install a keyring service (GNOME Keyring / Secret Service, or KWallet on KDE), "
    "or choose a backend with the PYTHON_KEYRING_BACKEND environment variable. "
    "PackDesk never stores tokens in a plain file."
)


def _username(connection_id: int | str, kind: SecretKind) -> str:
    return f"{connection_id}:{kind}"


def backend_usable(backend: keyring.backend.KeyringBackend) -> bool:
    """The fail backend (and a chainer with nothing behind it) has priority <= 0."""
    try:
        return backend.priority > 0  # type: ignore[operator]
    except Exception:  # a backend whose priority probe raises is not usable
        return False


class SecretStore:
    def __init__(self, backend: keyring.backend.KeyringBackend | None = None,
                 *, service: str = APP_ID) -> None:
        self._backend = backend
        self._service = service
        self._memory: dict[str, str] | None = None
        self._lock = threading.Lock()

    @classmethod
    def in_memory(cls) -> "SecretStore":
        store = cls(service=f"{APP_ID}-memory")
        store._memory = {}
        return store

    @property
    def backend_name(self) -> str:
        if self._memory is not None:
            return "in-memory (this session only)"
        backend = self._keyring()
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def _keyring(self) -> keyring.backend.KeyringBackend:
        return self._backend or keyring.get_keyring()

    def _usable_keyring(self) -> keyring.backend.KeyringBackend:
        backend = self._keyring()
        if not backend_usable(backend):
            raise SecretsUnavailableError("No system keyring is available to keep store tokens.",
                                          hint=NO_KEYRING_HINT)
        return backend

    def available(self) -> bool:
        return self._memory is not None or backend_usable(self._keyring())

    def require_available(self) -> None:
        """Fail early, with the how-to-fix message, before anything else is saved."""
        if self._memory is None:
            self._usable_keyring()

    def put(self, connection_id: int | str, kind: SecretKind, secret: str) -> None:
        if not secret:
            raise SecretsUnavailableError("An empty secret cannot be stored.")
        redactor.register(secret)
        key = _username(connection_id, kind)
        if self._memory is not None:
            with self._lock:
                self._memory[key] = secret
            return
        try:
            self._usable_keyring().set_password(self._service, key, secret)
        except keyring.errors.KeyringError as exc:
            # The backend's own text may echo the secret; keep only its type.
            raise SecretsUnavailableError(
                f"The system keyring refused to save the {kind} ({type(exc).__name__}).",
                hint=NO_KEYRING_HINT) from None

    def get(self, connection_id: int | str, kind: SecretKind) -> str:
        key = _username(connection_id, kind)
        if self._memory is not None:
            with self._lock:
                secret = self._memory.get(key)
        else:
            try:
                secret = self._usable_keyring().get_password(self._service, key)
            except keyring.errors.KeyringError as exc:
                raise SecretsUnavailableError(
                    f"The system keyring could not be read ({type(exc).__name__}).",
                    hint=NO_KEYRING_HINT) from None
        if not secret:
            raise SecretsUnavailableError(
                f"No {kind.replace('_', ' ')} is saved for connection {connection_id}.",
                hint="Edit the connection and enter its access token again.")
        redactor.register(secret)
        return secret

    def delete(self, connection_id: int | str, kind: SecretKind) -> None:
        key = _username(connection_id, kind)
        if self._memory is not None:
            with self._lock:
                self._memory.pop(key, None)
            return
        try:
            self._usable_keyring().delete_password(self._service, key)
        except keyring.errors.PasswordDeleteError:
            pass  # already gone: deleting is idempotent
        except keyring.errors.KeyringError as exc:
            raise SecretsUnavailableError(
                f"The system keyring could not delete the {kind} ({type(exc).__name__}).",
                hint=NO_KEYRING_HINT) from None

    def self_test(self) -> str:
        """Round-trip a throwaway secret; returns the backend name. Used by --self-test."""
        probe = "self-test-probe-value"
        self.put("self-test", "token", probe)
        try:
            if self.get("self-test", "token") != probe:
                raise SecretsUnavailableError("The keyring returned a different value.")
        finally:
            self.delete("self-test", "token")
        return self.backend_name
