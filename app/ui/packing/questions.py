"""The packing view's questions: a tracking number that does not fit its carrier, an order the
store changed since packing began, a void. Window-modal, opened with open(); the caller wires
`finished` and keeps the box to answer Esc (close_requested) and to refuse scans meanwhile.

A stray scanner Enter must never accept: each box's default button is the safe one. The text
is plain (it quotes store data and scans).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget


class QuestionBox(QMessageBox):
    """A message box whose accepting button has a name (the answer is read, and tests click)."""

    keep_button: QPushButton
    acknowledge_button: QPushButton
    void_button: QPushButton


def tracking_box(parent: QWidget, warnings: list[str]) -> QuestionBox:
    """Keep the tracking number (`box.keep_button`) or fix it."""
    box = QuestionBox(parent)
    box.setObjectName("trackingBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowTitle(parent.tr("Check the tracking number"))
    box.setText("\n".join(warnings))
    box.setInformativeText(parent.tr("Keep it anyway, or fix the carrier or the number?"))
    box.keep_button = box.addButton(parent.tr("Keep it"), QMessageBox.ButtonRole.AcceptRole)
    fix = box.addButton(parent.tr("Fix it"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(fix)  # a stray scanner Enter must not accept a wrong number
    box.setEscapeButton(fix)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box


def interruption_box(parent: QWidget, label: str, reasons: str) -> QuestionBox:
    """The order changed in the store: acknowledge (`box.acknowledge_button`) or cancel."""
    box = QuestionBox(parent)
    box.setObjectName("interruptionBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(parent.tr("The order changed in the store"))
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(parent.tr("Order %s changed in the store since packing began:") % label
                + f"\n\n{reasons}.")
    box.setInformativeText(parent.tr("Check the order and the parcel. Acknowledge to ship "
                                     "it anyway, or cancel and set the parcel aside."))
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.acknowledge_button = box.addButton(parent.tr("Acknowledge and ship"),
                                           QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)  # a stray scanner Enter must not ship
    box.setEscapeButton(cancel)
    return box


def void_box(parent: QWidget, number: int, shipped: bool) -> QuestionBox:
    """Void shipment `number` (`box.void_button`) or cancel."""
    box = QuestionBox(parent)
    box.setObjectName("voidBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowTitle(parent.tr("Void shipment %d") % number)
    box.setText(parent.tr("Void shipment %d? Its units go back to be packed.") % number
                + ("\n" + parent.tr("It was shipped: the store is told it is void.")
                   if shipped else ""))
    box.void_button = box.addButton(parent.tr("Void"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box
