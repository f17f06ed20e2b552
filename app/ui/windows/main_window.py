"""The main window. (The full orders workspace arrives with the orders-workspace issue.)"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from app import APP_NAME
from app.context import AppContext


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self._context = context
        self.setWindowTitle(f"{APP_NAME} — {self.tr('station')} {context.station_id}")
        label = QLabel(self.tr("Data folder: %1").replace("%1", str(context.paths.data_dir)))
        label.setTextFormat(label.textFormat().PlainText)
        self.setCentralWidget(label)
        self.resize(1200, 800)
