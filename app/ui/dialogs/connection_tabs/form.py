"""What every tab of the connections dialog shares: a form row with its hint and its error
label, and a pair of exclusive choices whose second one unlocks a detail."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1f7a3a;"
HINT_STYLE = "color: #5f6368;"


class FormTab(QWidget):
    """A tab whose fields are validated together: `edited` fires on every change, `errors`
    maps each validate_settings key to the label under its field."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: dict[str, QLabel] = {}

    def _error(self, key: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error_{key}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.hide()
        self.errors[key] = label
        return label

    def _row(self, form: QFormLayout, title: str, widget: QWidget, key: str,
             hint: str = "") -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setStyleSheet(HINT_STYLE)
            column.addWidget(note)
        column.addWidget(self._error(key))
        form.addRow(title, box)

    def _either(self, default: QRadioButton, chosen: QRadioButton,
                detail: QWidget) -> QWidget:
        """Two exclusive choices; the detail below is editable only with the second."""
        group = QButtonGroup(self)
        group.addButton(default)
        group.addButton(chosen)
        default.setChecked(True)
        detail.setEnabled(False)
        chosen.toggled.connect(detail.setEnabled)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (default, chosen, detail):
            layout.addWidget(widget)
        return box
