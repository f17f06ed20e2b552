"""PySide6 6.12 loses a reference to True/None per signal on Python 3.11 (see
app/ui/pyside_refcounts.py). Without the workaround this test aborts the interpreter."""
import subprocess
import sys
import textwrap


def test_many_signals_do_not_exhaust_true_or_none():
    script = textwrap.dedent("""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        import app.ui  # applies the workaround
        from PySide6.QtCore import QObject, Signal
        from PySide6.QtWidgets import QApplication, QCheckBox
        app = QApplication([])
        class Source(QObject):
            fired = Signal(bool)
        source = Source()
        source.fired.connect(lambda value: None)
        box = QCheckBox()
        box.toggled.connect(lambda value: None)
        for _ in range(20000):
            source.fired.emit(True)
            box.toggle()
        print("survived")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert "survived" in result.stdout
