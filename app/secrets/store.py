"""The only door to the OS keyring.

Secrets live in the OS keyring under service = app id, username =
"{database id}:{connection_id}:{kind}": the database id is a random id kept in the station's
database, so two data folders on one machine (each with its own connection 1) never share or
delete each other's entries. Entries of earlier versions ("{connection_id}:{kind}") are moved
under the database id on first start (`adopt_unscoped`). Secrets never touch SQLite,
QSettings, logs or command lines. When the OS has no usable keyring (headless Linux without a
Secret Service), every call that needs a secret fails with a message that says how to fix it;
there is deliberately no plaintext fallback.

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


KINDS: tuple[SecretKind, ...] = ("token", "refresh_token", "client_secret")


def _username(connection_id: int | str, kind: SecretKind, namespace: str = "") -> str:
    return f"{namespace}:{connection_id}:{kind}" if namespace else f"{connection_id}:{kind}"


def backend_usable(backend: keyring.backend.KeyringBackend) -> bool:
    """The fail backend (and a chainer with nothing behind it) has priority <= 0."""
    try:
        return backend.priority > 0
    except Exception:  # noqa: BLE001 - a backend whose priority probe raises is not usable
        return False


class SecretStore:
    def __init__(self, backend: keyring.backend.KeyringBackend | None = None,
                 *, service: str = APP_ID, namespace: str = "") -> None:
        self._backend = backend
        self._service = service
        self._namespace = namespace
        self._memory: dict[str, str] | None = None
        self._lock = threading.Lock()

    def for_database(self, database_id: str) -> SecretStore:
        """This store's entries for one station database (same backend, own namespace)."""
        if not database_id or ":" in database_id:
            raise ValueError("a database id is a non-empty string without ':'")
        scoped = SecretStore(self._backend, service=self._service, namespace=database_id)
        scoped._memory, scoped._lock = self._memory, self._lock
        return scoped

    def adopt_unscoped(self, connection_ids: list[int]) -> bool:
        """Move entries saved before the database id existed ("{connection_id}:{kind}") under
        this database's namespace: copy, then delete the old entry. An entry already under the
        namespace wins. True when done (or nothing to do); False when the keyring could not be
        used, so the caller tries again at the next start."""
        if not self._namespace or self._memory is not None:
            return True
        try:
            backend = self._usable_keyring()
            for connection_id in connection_ids:
                for kind in KINDS:
                    old = _username(connection_id, kind)
                    secret = backend.get_password(self._service, old)
                    if not secret:
                        continue
                    new = _username(connection_id, kind, self._namespace)
                    if not backend.get_password(self._service, new):
                        backend.set_password(self._service, new, secret)
                    try:
                        backend.delete_password(self._service, old)
                    except keyring.errors.PasswordDeleteError:
                        pass
                    log.info("Moved the keyring entry %s to %s", old, new)
        except (SecretsUnavailableError, keyring.errors.KeyringError) as exc:
            log.warning("Keyring entries of an earlier version not moved yet (%s); "
                        "trying again at the next start", type(exc).__name__)
            return False
        return True

    @classmethod
    def in_memory(cls) -> SecretStore:
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
        key = _username(connection_id, kind, self._namespace)
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
        key = _username(connection_id, kind, self._namespace)
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
        key = _username(connection_id, kind, self._namespace)
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
