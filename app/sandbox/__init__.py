"""Sandbox store: a faithful AmeriCommerce REST API simulator served over HTTP on loopback.

A separate program: it imports nothing from the rest of `app` (stdlib and Pillow only).

    from app.sandbox import Sandbox, SandboxConfig
    with Sandbox(SandboxConfig(orders=250, seed=1)) as sb:
        sb.base_url, sb.token, sb.control
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import SandboxConfig
    from .server import Sandbox

__all__ = ["Sandbox", "SandboxConfig"]


def __getattr__(name: str) -> Any:
    # Lazy: `packdesk` builds its parser (including `packdesk sandbox`) at every start, and
    # the GUI must not pay for importing the server to show its first window.
    if name == "Sandbox":
        from .server import Sandbox
        return Sandbox
    if name == "SandboxConfig":
        from .config import SandboxConfig
        return SandboxConfig
    raise AttributeError(name)
