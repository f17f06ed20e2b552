"""Work around PySide6 6.12's reference counting of True and None on Python < 3.12.

PySide6 6.12 drops one reference to True on every Python-side `Signal.emit()`, and one to None
on every Qt signal delivered to a Python callable (measured here: 100 emits, refcount -100).
From Python 3.12 these objects are immortal and the missing references are harmless; on 3.11
the count reaches zero after a few thousand signals and the interpreter aborts ("bool_dealloc:
deallocating True or False"), sometimes mid-session, often at exit. PySide6-Pdf exists only
from 6.12, so an older PySide6 is not an option.

The remedy gives True, False and None so many references that no session can spend them,
which is what 3.12's immortality does. It touches nothing else and is a no-op on 3.12+.
"""
from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 40  # a trillion signals' worth; still far from the counter's limit


def make_singletons_immortal() -> bool:
    """Returns True when the reserve was added (Python < 3.12), False when not needed."""
    if sys.version_info >= (3, 12) or getattr(sys, "_packdesk_singletons_pinned", False):
        return False
    for singleton in (True, False, None):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    sys._packdesk_singletons_pinned = True
    return True
