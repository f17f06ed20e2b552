"""House rules that the code's imports must keep (DESIGN.md)."""
import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__"
              and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(str(node.args[0].value))
    return names


def _modules():
    files = sorted(APP.rglob("*.py"))
    assert len(files) > 10  # the scan really looks at the package
    return [(f.relative_to(APP.parent).as_posix(), _imports(f)) for f in files]


def test_qt_only_in_app_ui():
    offenders = [path for path, names in _modules()
                 if not path.startswith("app/ui/")
                 and any(n == "PySide6" or n.startswith(("PySide6.", "shiboken6")) for n in names)]
    assert offenders == []


def test_keyring_only_in_the_secrets_facade():
    offenders = [path for path, names in _modules()
                 if path != "app/secrets/store.py"
                 and any(n == "keyring" or n.startswith("keyring.") for n in names)]
    assert offenders == []


def test_domain_rules_do_no_io():
    banned = ("sqlmodel", "sqlalchemy", "httpx", "keyring", "reportlab", "PySide6", "app.db",
              "app.services", "app.integrations", "app.ui")
    offenders = [(path, sorted(n for n in names if n.startswith(banned)))
                 for path, names in _modules() if path.startswith("app/domain/")]
    assert [o for o in offenders if o[1]] == []


def test_sandbox_is_a_separate_program():
    offenders = [(path, sorted(n for n in names if n.startswith("app.")
                               and not n.startswith("app.sandbox")))
                 for path, names in _modules() if path.startswith("app/sandbox/")]
    assert [o for o in offenders if o[1]] == []
