"""Help ▸ About: the version, where this station keeps its data and logs, bundled licences."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.ui.screen_fit import resize_to_screen


def licence_texts(fonts_dir: Path) -> str:
    """The licence files shipped beside the bundled fonts, one after the other."""
    parts = []
    for path in sorted(fonts_dir.glob("*LICENSE*.txt")):
        try:
            parts.append(f"== {path.name} ==\n{path.read_text(encoding='utf-8').strip()}")
        except OSError:  # a broken install still shows the rest
            parts.append(f"== {path.name} == (unreadable)")
    return "\n\n".join(parts)


class AboutDialog(QDialog):
    def __init__(self, *, data_dir: Path, log_dir: Path, fonts_dir: Path,
                 station: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About %1").replace("%1", APP_NAME))
        title = QLabel(f"{APP_NAME} {__version__}")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        blurb = QLabel(self.tr("Packing and shipping station for AmeriCommerce / Cart.com "
                               "Storefront stores."))
        blurb.setWordWrap(True)
        form = QFormLayout()
        self.folder_labels: dict[str, QLabel] = {}
        if station:
            form.addRow(self.tr("Station"), self._plain(station))
        for key, caption, folder in (("data", self.tr("Data folder"), data_dir),
                                     ("logs", self.tr("Log folder"), log_dir)):
            label = self._plain(str(folder))
            self.folder_labels[key] = label
            open_button = QPushButton(self.tr("Open"))
            open_button.clicked.connect(
                lambda _c=False, f=folder: QDesktopServices.openUrl(QUrl.fromLocalFile(str(f))))
            row = QHBoxLayout()
            row.addWidget(label, 1)
            row.addWidget(open_button)
            form.addRow(caption, row)
        self.licences = QPlainTextEdit(licence_texts(fonts_dir))
        self.licences.setObjectName("licenceText")
        self.licences.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Bundled fonts and their licences")))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
        resize_to_screen(self, 640, 560)

    @staticmethod
    def _plain(text: str) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)  # a folder name is data, never markup
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label
