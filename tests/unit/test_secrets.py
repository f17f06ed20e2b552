import keyring
import keyring.backends.fail
import keyring.errors
import pytest

from app.errors import SecretsUnavailableError
from app.logs import REDACTED, redactor
from app.secrets import SecretStore


def test_round_trip_uses_app_id_and_connection_kind_key(memory_keyring):
    store = SecretStore()
    store.put(7, "token", "tok-abcdef123456")
    assert memory_keyring.passwords == {("packdesk", "7:token"): "tok-abcdef123456"}
    assert store.get(7, "token") == "tok-abcdef123456"
    store.delete(7, "token")
    store.delete(7, "token")  # idempotent
    with pytest.raises(SecretsUnavailableError, match="No token is saved"):
        store.get(7, "token")


def test_no_backend_fails_with_a_fixing_hint_and_never_writes_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    keyring.set_keyring(keyring.backends.fail.Keyring())
    store = SecretStore()
    assert not store.available()
    with pytest.raises(SecretsUnavailableError) as err:
        store.put(1, "token", "tok-never-on-disk-1234")
    message = str(err.value)
    assert "PYTHON_KEYRING_BACKEND" in message and "Secret Service" in message
    assert "KWallet" in message
    with pytest.raises(SecretsUnavailableError):
        store.get(1, "token")
    assert list(tmp_path.iterdir()) == []


class LeakyKeyring(keyring.backends.fail.Keyring):
    priority = 1

    def set_password(self, service, username, password):
        raise keyring.errors.PasswordSetError(f"could not store {password}")


def test_backend_errors_never_echo_the_secret():
    store = SecretStore(LeakyKeyring())
    with pytest.raises(SecretsUnavailableError) as err:
        store.put(1, "token", "tok-leaky-secret-9876")
    assert "tok-leaky-secret-9876" not in str(err.value)
    # the backend's text (which held the secret) is not chained into the traceback either
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_secrets_are_registered_for_redaction():
    store = SecretStore()
    store.put(3, "token", "tok-registered-5555")
    assert redactor.redact("x tok-registered-5555 y") == f"x {REDACTED} y"


def test_in_memory_store_never_touches_the_keyring(memory_keyring):
    store = SecretStore.in_memory()
    store.put(1, "token", "tok-demo-only-4444")
    assert store.get(1, "token") == "tok-demo-only-4444"
    assert memory_keyring.passwords == {}
    assert "memory" in store.backend_name


def test_self_test_reports_backend(memory_keyring):
    assert "MemoryKeyring" in SecretStore().self_test()
    assert memory_keyring.passwords == {}


def test_entries_are_named_by_database_id_and_connection(memory_keyring):
    one, two = SecretStore().for_database("db1"), SecretStore().for_database("db2")
    one.put(1, "token", "tok-folder-one-1111")
    two.put(1, "token", "tok-folder-two-2222")
    assert memory_keyring.passwords == {("packdesk", "db1:1:token"): "tok-folder-one-1111",
                                        ("packdesk", "db2:1:token"): "tok-folder-two-2222"}
    one.delete(1, "token")
    assert two.get(1, "token") == "tok-folder-two-2222"
    with pytest.raises(ValueError, match="without ':'"):
        SecretStore().for_database("a:b")


def test_earlier_entries_are_moved_and_a_newer_one_wins(memory_keyring):
    memory_keyring.passwords.update({("packdesk", "1:token"): "tok-old-1111111",
                                     ("packdesk", "2:token"): "tok-old-2222222",
                                     ("packdesk", "db1:2:token"): "tok-new-2222222"})
    store = SecretStore().for_database("db1")
    assert store.adopt_unscoped([1, 2, 3])
    assert memory_keyring.passwords == {("packdesk", "db1:1:token"): "tok-old-1111111",
                                        ("packdesk", "db1:2:token"): "tok-new-2222222"}


def test_moving_entries_without_a_keyring_is_tried_again_later():
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert SecretStore().for_database("db1").adopt_unscoped([1]) is False
