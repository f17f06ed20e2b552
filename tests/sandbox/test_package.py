"""The sandbox is a separate program: stdlib and Pillow only, nothing else from `app`."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import app.sandbox
from app.sandbox import cli

PACKAGE = Path(app.sandbox.__file__).resolve().parent
FORBIDDEN = ("PySide6", "httpx", "sqlmodel", "sqlalchemy", "reportlab", "keyring")


def test_imports_stay_inside_the_sandbox() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if (top == "app" and not name.startswith("app.sandbox")) or top in FORBIDDEN:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []


def test_cli_arguments_build_the_config() -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    args = parser.parse_args(["--port", "0", "--orders", "12", "--seed", "3", "--rate-limit", "10",
                              "--latency-ms", "5", "--fail-rate", "0.1", "--state", "x.sqlite",
                              "--retry-after", "http-date"])
    config = cli.config_from_args(args)
    assert (config.port, config.orders, config.seed, config.rate_limit, config.latency_ms,
            config.fail_rate, config.state_path, config.retry_after_style) == \
        (0, 12, 3, 10, 5, 0.1, "x.sqlite", "http-date")
