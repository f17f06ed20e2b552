"""No import by name outside the composition root: lint-imports cannot see one.

ruff's banned-api rule (pyproject.toml) forbids `importlib.import_module`; it cannot express a
call of the builtin `__import__`, so this test does.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _sources() -> list[Path]:
    files = [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py"),
             ROOT / "build_installer.py", *ROOT.joinpath("packaging").glob("*.spec")]
    return sorted(f for f in files if "migrations" not in f.parts)


def _dunder_import_calls(source: str, filename: str) -> list[int]:
    tree = ast.parse(source, filename=filename)
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and (getattr(node.func, "id", None) == "__import__"
                 or getattr(node.func, "attr", None) == "__import__")]


def test_the_check_finds_an_import_by_name():
    source = 'logging = __import__("logging")\nui = builtins.__import__("app.ui")\n'
    assert _dunder_import_calls(source, "example.py") == [1, 2]


def test_no_dunder_import_anywhere():
    files = _sources()
    assert len(files) > 100  # the scan really reads the code base
    offenders = {f.relative_to(ROOT).as_posix(): lines for f in files
                 if (lines := _dunder_import_calls(f.read_text(encoding="utf-8"), str(f)))}
    assert offenders == {}
