"""The mypy gate's comparison (.ci/mypy_baseline.py): a new error fails, a fixed one must leave
the baseline, and moving an error to another line changes nothing."""
import importlib.util
from collections import Counter
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "mypy_baseline.py"


def _gate():
    spec = importlib.util.spec_from_file_location("mypy_baseline", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


OUTPUT = """\
app/services/outbox.py:89: error: Missing type arguments for generic type "dict"  [type-arg]
app/services/outbox.py:89: note: See https://mypy.readthedocs.io
app/services/sync.py:12:5: error: Name "x" already defined on line 7  [no-redef]
app/services/sync.py:40: error: Missing type arguments for generic type "dict"  [type-arg]
"""


def test_errors_are_keyed_without_their_line_numbers():
    gate = _gate()
    keys, lines = gate.parse_output(OUTPUT)
    assert keys == Counter({
        'app/services/outbox.py: [type-arg] Missing type arguments for generic type "dict"': 1,
        'app/services/sync.py: [no-redef] Name "x" already defined on line N': 1,
        'app/services/sync.py: [type-arg] Missing type arguments for generic type "dict"': 1})
    assert lines['app/services/sync.py: [no-redef] Name "x" already defined on line N'] == [
        'app/services/sync.py:12:5: error: Name "x" already defined on line 7  [no-redef]']


def test_a_moved_error_passes_a_new_one_fails_and_a_fixed_one_is_reported():
    gate = _gate()
    baseline = gate.read_baseline(gate.HEADER + "".join(
        f"{key}\n" for key in sorted(gate.parse_output(OUTPUT)[0])))
    moved = OUTPUT.replace("outbox.py:89:", "outbox.py:120:").replace(" line 7 ", " line 9 ")
    assert gate.compare(gate.parse_output(moved)[0], baseline) == (Counter(), Counter())

    second = OUTPUT + ('app/services/outbox.py:300: error: Missing type arguments for generic '
                       'type "dict"  [type-arg]\n')
    new, gone = gate.compare(gate.parse_output(second)[0], baseline)
    assert new == Counter({'app/services/outbox.py: [type-arg] Missing type arguments for '
                           'generic type "dict"': 1}) and not gone

    fixed = "\n".join(line for line in OUTPUT.splitlines() if "sync.py:40" not in line)
    new, gone = gate.compare(gate.parse_output(fixed)[0], baseline)
    assert not new and gone == Counter({'app/services/sync.py: [type-arg] Missing type '
                                        'arguments for generic type "dict"': 1})
