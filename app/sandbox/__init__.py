"""Sandbox store: a faithful AmeriCommerce REST API simulator served over HTTP on loopback.

A separate program: it imports nothing from the rest of `app` (stdlib and Pillow only).

    from app.sandbox import Sandbox, SandboxConfig
    with Sandbox(SandboxConfig(orders=250, seed=1)) as sb:
        sb.base_url, sb.token, sb.control
"""

from .config import SandboxConfig
from .server import Sandbox

__all__ = ["Sandbox", "SandboxConfig"]
