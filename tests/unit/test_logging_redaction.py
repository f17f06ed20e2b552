"""A token pushed through every logging path must never reach the log file or the console."""
import argparse
import io
import logging
import threading
import warnings

import pytest

from app import cli
from app.errors import StoreAuthError
from app.logs import REDACTED, redactor, setup_logging
from app.secrets import SecretStore

TOKEN = "tok-7f3a9c1e5b2d4f60a8e1"
UNKNOWN_TOKEN = "never-registered-0b1c2d3e4f"  # only recognisable by its header name


@pytest.fixture
def console():
    return io.StringIO()


@pytest.fixture
def log_file(paths, console):
    setup_logging(paths.log_file, level=logging.DEBUG, console=console)
    SecretStore().put(1, "token", TOKEN)  # registers it, as every real token is
    yield paths.log_file
    setup_logging(None)  # detach our handlers before the captured stream goes away


def _flush():
    for handler in logging.getLogger().handlers:
        if getattr(handler, "_packdesk", False):
            handler.flush()


def test_token_never_reaches_the_log_file(log_file, console):
    log = logging.getLogger("app.sync.test")
    log.info("plain message with token %s", TOKEN)
    log.warning(f"f-string with token {TOKEN}")
    log.debug("dict argument %r", {"X-AC-Auth-Token": TOKEN})
    log.error("header dump: X-AC-Auth-Token: %s", UNKNOWN_TOKEN)
    log.error("json dump: %s", '{"access_token": "%s", "refresh_token": "%s"}'
              % (UNKNOWN_TOKEN, UNKNOWN_TOKEN))
    try:
        raise StoreAuthError(f"refused {TOKEN}", details=TOKEN)
    except StoreAuthError:
        log.exception("store error")
    try:
        secret_local = TOKEN  # noqa: F841 - tracebacks may show locals' text via messages
        raise ValueError(f"bad header value {TOKEN!r}")
    except ValueError as exc:
        log.error("with exc_info", exc_info=exc)
    log.info("stack info %s", TOKEN, stack_info=True)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        logging.captureWarnings(False)  # pytest records warnings itself; route them as the app does
        logging.captureWarnings(True)
        warnings.warn(f"deprecated call with {TOKEN}")
        logging.captureWarnings(False)
    logging.getLogger("httpx").warning("HTTP Request: GET https://shop/api/v1/stores "
                                       "headers={'x-ac-auth-token': '%s'}", TOKEN)

    def worker():
        logging.getLogger("app.worker").info("thread says %s", TOKEN)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    _flush()

    text = log_file.read_text(encoding="utf-8")
    for output in (text, console.getvalue()):
        assert TOKEN not in output
        assert UNKNOWN_TOKEN not in output
        assert REDACTED in output
    # every path above really wrote a line
    for marker in ("plain message", "f-string", "dict argument", "header dump", "json dump",
                   "store error", "with exc_info", "stack info", "deprecated call",
                   "HTTP Request", "thread says"):
        assert marker in text, marker


def test_cli_failures_print_and_log_without_the_token(log_file, capfd):
    def fails_with_app_error(_args):
        raise StoreAuthError(f"The store refused token {TOKEN}")

    def fails_unexpectedly(_args):
        raise RuntimeError(f"boom X-AC-Auth-Token: {UNKNOWN_TOKEN}")

    for runner in (fails_with_app_error, fails_unexpectedly):
        code = cli.run(argparse.Namespace(command="sync", run=runner))
        assert code == cli.EXIT_FAILED
    _flush()
    err = capfd.readouterr().err
    text = log_file.read_text(encoding="utf-8")
    for output in (err, text):
        assert TOKEN not in output and UNKNOWN_TOKEN not in output
    lines = [line for line in err.splitlines() if line.startswith("packdesk sync:")]
    assert len(lines) == 2  # one clear line per failure


def test_redactor_ignores_short_values_and_replaces_longest_first():
    redactor.register("abc")  # too short to be a token: would redact ordinary words
    assert redactor.redact("abc") == "abc"
    redactor.register("long-secret-value")
    redactor.register("long-secret-value-extended")
    assert redactor.redact("long-secret-value-extended") == REDACTED
