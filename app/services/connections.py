"""Store connections: test, add, edit and remove them; tokens go to the keyring only.

Every write publishes what it changed (Changes.connections) on the change feed, so the windows
that show connections refresh from that one notification.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from app.db.repositories.connections import ConnectionRecord as ConnectionRecord
from app.db.repositories.connections import ConnectionRepository
from app.domain.changes import Changes
from app.domain.connection_settings import ConnectionSettings, StatusInfo, ensure_valid
from app.domain.status_rules import StatusView
from app.domain.store_info import StorefrontInfo
from app.errors import ConfigurationError, PackDeskError
from app.integrations.americommerce import mapping
from app.integrations.americommerce.address import StoreAddress as StoreAddress
from app.integrations.americommerce.address import parse_store_address
from app.integrations.americommerce.oauth import OAuthTokens
from app.logs import redactor
from app.secrets import SecretStore
from app.secrets.store import KINDS as SECRET_KINDS
from app.services.changes import ChangeFeed
from app.services.oauth_signin import OAuthApp, OAuthSignIn
from app.services.store_clients import StoreClients

# ConnectionRecord and StoreAddress are re-exported (`as`): callers above the services (the
# UI) name them from here, not from app.db or app.integrations.

log = logging.getLogger(__name__)


class UnconfirmedIdnError(ConfigurationError):
    """An international (possibly lookalike) store domain the person has not confirmed yet."""


def refuse_unconfirmed_idn(address: StoreAddress, accepted: bool) -> None:
    """No token (or OAuth secret) goes to an international domain until a person confirms it:
    "аррӏе.com" is all Cyrillic, and only its xn-- form tells it from the real one."""
    if address.is_idn and not accepted:
        raise UnconfirmedIdnError(
            f"The store address {address.display} is an international domain name; its letters "
            "may imitate another domain. Nothing was sent to it.",
            hint="If this is your store's address, confirm it (on the command line: "
                 "--accept-idn).")


@dataclass(frozen=True)
class StoreCheck:
    """A store that answered: where it is, its storefronts, and its plan's rate limit."""

    address: StoreAddress
    storefronts: list[StorefrontInfo]
    calls_per_10s: int | None

    @property
    def fingerprint(self) -> str:
        return account_fingerprint(self.address.origin, self.storefronts)


def account_fingerprint(origin: str, storefronts: Iterable[StorefrontInfo]) -> str:
    keys = sorted(_storefront_keys(origin, storefronts, None))
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:16]


def _storefront_keys(origin: str, storefronts: Iterable[StorefrontInfo],
                     chosen: Iterable[int] | None) -> set[str]:
    """One key per storefront: the address we reach the store at, then what `/stores` says.
    Storefront ids start at 1 in every store, and copies of a store keep their names, so only
    the address tells two stores apart."""
    wanted = set(chosen) if chosen is not None else None
    try:
        origin = parse_store_address(origin).origin
    except ConfigurationError:
        pass  # an address saved by hand that no longer parses: compared as written
    return {"\t".join((origin.lower(), str(s.store_id), s.domain_name.strip().lower(),
                       " ".join(s.name.split()).casefold()))
            for s in storefronts if wanted is None or s.store_id in wanted}


def refuse_unconfirmed_address(domain: str, accepted: bool) -> None:
    """Refuse a typed address that does not parse, or an unconfirmed international one."""
    refuse_unconfirmed_idn(parse_store_address(domain), accepted)


def address_problem(domain: str) -> str | None:
    """What is wrong with a typed store address, or None when it can be reached."""
    try:
        parse_store_address(domain)
    except PackDeskError as exc:
        return str(exc)
    return None


def read_address(domain: str) -> StoreAddress | None:
    """The typed store address, or None when it does not parse (address_problem says why)."""
    try:
        return parse_store_address(domain)
    except PackDeskError:
        return None


@dataclass(frozen=True)
class ConnectionDetails:
    """One connection as its settings form shows it: the record, its statuses, storefronts."""

    record: ConnectionRecord
    statuses: list[StatusInfo]
    storefronts: list[StorefrontInfo]


class ConnectionService:
    def __init__(self, connections: ConnectionRepository, secrets: SecretStore,
                 clients: StoreClients, changes: ChangeFeed | None = None) -> None:
        self._connections = connections
        self._secrets = secrets
        self._clients = clients
        self._changes = changes or ChangeFeed()

    def _changed(self, connection_id: int) -> Changes:
        return self._changes.publish(Changes.of(connections=[connection_id]))

    # --- reading ----------------------------------------------------------------------------

    def all(self) -> list[ConnectionRecord]:
        return self._connections.all()

    def get(self, connection_id: int) -> ConnectionRecord:
        return self._connections.get(connection_id)

    def details(self, connection_id: int) -> ConnectionDetails:
        return ConnectionDetails(self._connections.get(connection_id),
                                 self._connections.statuses(connection_id),
                                 self._connections.storefronts(connection_id))

    def statuses(self, connection_id: int) -> list[StatusInfo]:
        return self._connections.statuses(connection_id)

    def storefronts(self, connection_id: int) -> list[StorefrontInfo]:
        return self._connections.storefronts(connection_id)

    # --- the store ----------------------------------------------------------------------------

    def check_saved_or_typed(self, connection_id: int | None, domain: str, token: str, *,
                             accept_idn: bool = False) -> StoreCheck:
        """check_store with the typed token, else (editing a saved connection) its saved one."""
        if not token.strip() and connection_id is not None:
            token = self._secrets.get(connection_id, "token")
        return self.check_store(domain, token, accept_idn=accept_idn)

    def check_store(self, domain: str, token: str, *, accept_idn: bool = False) -> StoreCheck:
        """Reach the store with `GET /stores`; raises a StoreError saying what to fix.
        `accept_idn`: the person confirmed an international domain (see refuse_unconfirmed_idn)."""
        address = parse_store_address(domain)
        refuse_unconfirmed_idn(address, accept_idn)
        token = token.strip()
        if not token:
            raise ConfigurationError("Paste the store's access token.")
        redactor.register(token)
        client = self._clients.for_new_store(address, token)
        try:
            check = client.test_connection()
        finally:
            client.close()
        storefronts = [s for raw in check.storefronts
                       if (s := mapping.storefront_from_api(raw, address.origin))]
        return StoreCheck(address, storefronts, check.call_limit_max)

    def same_account(self, check: StoreCheck, storefront_ids: Iterable[int] | None, *,
                     ignore: int | None = None) -> ConnectionRecord | None:
        """An existing connection that would import the same storefronts of the same account."""
        new_keys = _storefront_keys(check.address.origin, check.storefronts, storefront_ids)
        for record in self._connections.all():
            if record.id == ignore:
                continue
            theirs = _storefront_keys(record.settings.address,
                                      self._connections.storefronts(record.id),
                                      record.settings.storefront_ids)
            if new_keys & theirs:
                return record
        return None

    def add(self, settings: ConnectionSettings, token: str, *,
            check: StoreCheck | None = None, accept_idn: bool = False) -> ConnectionRecord:
        """Test the store, refuse a duplicate account, then save the connection and its token.
        A name already in use is refused before the token is sent anywhere."""
        self.refuse_taken_name(settings.name)
        check = check or self.check_store(settings.address, token, accept_idn=accept_idn)
        settings = settings.with_changes(address=check.address.origin)
        ensure_valid(settings)
        self._refuse_same_account(check, settings)
        self._secrets.require_available()
        record = self._connections.add(settings, fingerprint=check.fingerprint)
        try:
            self._secrets.put(record.id, "token", token.strip())
        except Exception:
            self._connections.delete(record.id)  # no connection without its token
            raise
        self._connections.save_storefronts(record.id, check.storefronts)
        log.info("Added connection %s to %s", settings.name, check.address.display)
        self._changed(record.id)
        return record

    def add_oauth(self, settings: ConnectionSettings, app: OAuthApp, tokens: OAuthTokens, *,
                  check: StoreCheck | None = None, accept_idn: bool = False) -> ConnectionRecord:
        """Save a connection made through the store's OAuth sign-in (an app's client id and
        secret, the tokens from OAuthSignIn). Secret, access and refresh tokens go to the
        keyring; the client id, which is not secret, to the database."""
        self.refuse_taken_name(settings.name)
        check = check or self.check_store(settings.address, tokens.access_token,
                                          accept_idn=accept_idn)
        settings = settings.with_changes(address=check.address.origin)
        ensure_valid(settings)
        self._refuse_same_account(check, settings)
        self._secrets.require_available()
        record = self._connections.add(settings, auth_kind="oauth",
                                       fingerprint=check.fingerprint,
                                       oauth_client_id=app.client_id)
        try:
            self._secrets.put(record.id, "token", tokens.access_token)
            if tokens.refresh_token:
                self._secrets.put(record.id, "refresh_token", tokens.refresh_token)
            self._secrets.put(record.id, "client_secret", app.client_secret)
        except Exception:
            self.remove(record.id)
            raise
        self._connections.save_storefronts(record.id, check.storefronts)
        self._changed(record.id)
        return record

    def begin_oauth(self, domain: str, app: OAuthApp, *,
                    accept_idn: bool = False) -> OAuthSignIn:
        """Start the store's OAuth sign-in: open `.url` in a browser, then `.wait()` (off the
        GUI thread) for the tokens to give add_oauth or reauthorize."""
        address = parse_store_address(domain)
        refuse_unconfirmed_idn(address, accept_idn)
        return OAuthSignIn(self._clients.http_for(address), address, app, owns_http=True)

    def reauthorize(self, connection_id: int, app: OAuthApp, tokens: OAuthTokens) -> Changes:
        """New tokens for a saved OAuth connection (signed in again, e.g. after the store
        revoked the app or its refresh token expired); the old ones stay when the store
        refuses the new access token."""
        record = self._connections.get(connection_id)
        if record.auth_kind != "oauth":
            raise ConfigurationError(f"The connection {record.name} uses an access token, not "
                                     "an app sign-in.",
                                     hint="Paste a new access token in its settings instead.")
        # The saved address was confirmed when it was entered.
        check = self.check_store(record.settings.address, tokens.access_token, accept_idn=True)
        self._secrets.put(connection_id, "token", tokens.access_token)
        if tokens.refresh_token:
            self._secrets.put(connection_id, "refresh_token", tokens.refresh_token)
        self._secrets.put(connection_id, "client_secret", app.client_secret)
        self._connections.set_fingerprint(connection_id, check.fingerprint,
                                          oauth_client_id=app.client_id)
        self._clients.forget(connection_id)  # its reauthorize callback holds the old record
        log.info("Signed %s in to the store again", record.name)
        return self._changed(connection_id)

    def _refuse_same_account(self, check: StoreCheck, settings: ConnectionSettings) -> None:
        clash = self.same_account(check, settings.storefront_ids)
        if clash is not None:
            raise ConfigurationError(
                f"This token reaches the same store account as the connection "
                f"'{clash.name}'; both would import the same orders twice.",
                hint=f"Choose different storefronts for each connection, or edit "
                     f"'{clash.name}' instead.")

    def refuse_taken_name(self, name: str) -> None:
        if self._connections.by_name(name.strip()) is not None:
            raise ConfigurationError(f"A connection named {name.strip()!r} already exists.",
                                     hint="Choose another name, or edit that connection.")

    def update(self, connection_id: int, settings: ConnectionSettings, *,
               accept_idn: bool = False) -> ConnectionRecord:
        record = self._update(connection_id, settings, accept_idn)
        self._changed(connection_id)
        return record

    def _update(self, connection_id: int, settings: ConnectionSettings,
                accept_idn: bool) -> ConnectionRecord:
        if settings.address != self._connections.get(connection_id).settings.address:
            refuse_unconfirmed_idn(parse_store_address(settings.address), accept_idn)
        ensure_valid(settings, self._connections.statuses(connection_id))
        record = self._connections.update(connection_id, settings)
        self._clients.forget(connection_id)  # the address may have changed
        return record

    def save_edits(self, connection_id: int, settings: ConnectionSettings, *, token: str = "",
                   views: dict[int, StatusView | None] | None = None,
                   accept_idn: bool = False) -> Changes:
        """The settings form's save: a new token first (when typed: tested before anything is
        written), then the settings and the status views; one notification for all."""
        if token.strip():
            self._replace_token(connection_id, token)
        self._update(connection_id, settings, accept_idn)
        if views:
            self._connections.set_status_views(connection_id, views)
        return self._changed(connection_id)

    def set_status_views(self, connection_id: int,
                         views: dict[int, StatusView | None]) -> Changes:
        """Which PackDesk view each store status lands in (None: the default)."""
        self._connections.set_status_views(connection_id, views)
        return self._changed(connection_id)

    def replace_token(self, connection_id: int, token: str) -> Changes:
        self._replace_token(connection_id, token)
        return self._changed(connection_id)

    def _replace_token(self, connection_id: int, token: str) -> None:
        record = self._connections.get(connection_id)
        # The saved address was confirmed when it was entered.
        check = self.check_store(record.settings.address, token, accept_idn=True)
        self._secrets.put(connection_id, "token", token.strip())
        self._connections.set_fingerprint(connection_id, check.fingerprint)
        self._clients.forget(connection_id)

    def remove(self, connection_id: int) -> Changes:
        self._clients.forget(connection_id)
        self._connections.delete(connection_id)
        for kind in SECRET_KINDS:
            self._secrets.delete(connection_id, kind)
        return self._changed(connection_id)

    def find(self, name_or_id: str) -> ConnectionRecord:
        record = self._connections.by_name(name_or_id)
        if record is None and name_or_id.isdigit():
            try:
                record = self._connections.get(int(name_or_id))
            except ConfigurationError:
                record = None
        if record is None:
            names = ", ".join(r.name for r in self._connections.all()) or "none yet"
            raise ConfigurationError(f"There is no connection named {name_or_id!r} "
                                     f"(connections: {names}).")
        return record
