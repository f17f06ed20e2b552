"""The context's storage (database and repositories) is for the composition root only: the UI,
the CLI's commands and the services reach data through services (import-linter checks the
imports; this checks the attribute, which imports cannot show)."""
from __future__ import annotations

import ast
from pathlib import Path

import app

APP = Path(app.__file__).parent
COMPOSITION_ROOT = {APP / "bootstrap.py", APP / "context.py"}


def storage_uses(source: str) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and node.attr == "storage"]


def test_only_the_composition_root_touches_the_contexts_storage():
    found = {str(path.relative_to(APP)): lines
             for path in sorted(APP.rglob("*.py")) if path not in COMPOSITION_ROOT
             for lines in [storage_uses(path.read_text(encoding="utf-8"))] if lines}
    assert found == {}


def test_the_check_sees_a_storage_use():
    assert storage_uses("def f(context):\n    return context.storage.db\n") == [2]
