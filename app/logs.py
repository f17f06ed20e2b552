"""Logging: one rotating file per data directory, with secrets redacted on the way out.

Redaction happens in the handlers' formatter, after the message and any traceback are rendered,
so a token that reaches a log line by any path (message, argument, exception text, traceback,
an httpx header dump) is replaced before a byte hits the disk or the console.
"""
from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import threading
from pathlib import Path
from typing import TextIO

REDACTED = "«redacted»"

# Header-shaped leaks are redacted even for tokens we were never told about
# (e.g. a token typed into a dialog that failed before it was stored).
_HEADER_PATTERNS = [
    re.compile(r"(?i)(x-ac-auth-token['\"]?\s*[:=,]\s*['\"]?)([^\s'\",}\]]+)"),
    re.compile(r"(?i)((?:access|refresh)_token['\"]?\s*[:=]\s*['\"]?)([^\s'\",}&]+)"),
    re.compile(r"(?i)((?:app_)?secret['\"]?\s*[:=]\s*['\"]?)([^\s'\",}&]+)"),
    re.compile(r"(?i)(authorization['\"]?\s*[:=,]\s*['\"]?(?:bearer\s+)?)([^\s'\",}\]]+)"),
]


class SecretRedactor:
    """Knows every secret this process has handled and scrubs them out of text."""

    # Short values would redact ordinary words; real tokens are long.
    MIN_LENGTH = 6

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: frozenset[str] = frozenset()

    def register(self, secret: str | None) -> None:
        if secret and len(secret) >= self.MIN_LENGTH:
            with self._lock:
                self._secrets = self._secrets | {secret}

    def redact(self, text: str) -> str:
        if not text:
            return text
        # Longest first so a secret that contains another is replaced whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        for pattern in _HEADER_PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        return text


# One per process: secrets come from the keyring facade and from dialogs alike, and every
# logging path must see them. It holds no secret beyond the process's life.
redactor = SecretRedactor()


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redactor.redact(super().format(record))


LOG_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"


class FallbackFileHandler(logging.handlers.RotatingFileHandler):
    """The log file, until it cannot be written (full disk, read-only folder): then one line
    on stderr says so and warnings go to stderr from there on, instead of logging's
    "--- Logging error ---" traceback at every record."""

    def __init__(self, log_file: Path, **kwargs) -> None:
        super().__init__(log_file, **kwargs)
        self._fallback: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self._fallback is not None:
            if record.levelno >= logging.WARNING:
                self._fallback.handle(record)
            return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        if self._fallback is not None:
            return
        reason = sys.exc_info()[1]
        why = f"{type(reason).__name__}: {reason}" if reason else "unknown error"
        self._fallback = logging.StreamHandler(sys.stderr)
        self._fallback.setFormatter(self.formatter)
        try:
            sys.stderr.write(f"packdesk: cannot write the log file {self.baseFilename} "
                             f"({redactor.redact(why)}); warnings go to the console instead\n")
        except Exception:  # noqa: BLE001, S110 - no stderr either (a windowed app)
            pass
        if record.levelno >= logging.WARNING:
            self._fallback.handle(record)


def setup_logging(log_file: Path | None, *, level: int = logging.INFO,
                  console: bool | TextIO = False) -> None:
    """Route the root logger to a rotating file (and optionally stderr or a given stream),
    redacting secrets. `setup_logging(None)` detaches PackDesk's handlers."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_packdesk", False):
            root.removeHandler(handler)
            handler.close()
    formatter = RedactingFormatter(LOG_FORMAT)
    handlers: list[logging.Handler] = []
    if log_file is not None:
        try:
            log_file.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # the handler's first write reports it once (see FallbackFileHandler)
        handlers.append(FallbackFileHandler(
            log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8", delay=True))
    if console:
        handlers.append(logging.StreamHandler(None if console is True else console))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler._packdesk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL at INFO; keep it at WARNING so the file stays readable.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.captureWarnings(True)


def describe_exception(exc: BaseException) -> str:
    """One line for a person: the app's own message, or the exception's, redacted."""
    from app.errors import PackDeskError

    if isinstance(exc, PackDeskError):
        text = str(exc)
    else:
        # Library errors can span lines (SQL, tracebacks of causes): the first line is enough
        # for a person; the log has the rest.
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return redactor.redact(text)
