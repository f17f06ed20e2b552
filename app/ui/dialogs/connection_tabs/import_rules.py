"""The Import tab: which orders come in (the rule, how far back, how often), and what
PackDesk adds to them locally (tag, number prefix, bin field)."""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QRadioButton, QSpinBox, QWidget

from app.domain.connection_settings import DEFAULT_BIN_FIELD, ConnectionSettings
from app.domain.status_rules import format_status_list, parse_status_list
from app.ui.dialogs.connection_tabs.form import FormTab


class ImportTab(FormTab):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self._rule_rows(form)
        self.tag_edit = QLineEdit()
        self._row(form, self.tr("Tag for new orders"), self.tag_edit, "new_order_tag",
                  self.tr("Optional; newly imported orders get this local tag."))
        self.prefix_edit = QLineEdit()
        self._row(form, self.tr("Order number prefix"), self.prefix_edit, "order_prefix",
                  self.tr("Shown in lists, slips and search; never sent to the store."))
        self.bin_edit = QLineEdit()
        self._row(form, self.tr("Bin location field"), self.bin_edit, "bin_field_name",
                  self.tr("The product custom field that holds the bin."))
        for widget in (self.prefix_edit, self.tag_edit, self.bin_edit, self.statuses_edit):
            widget.textChanged.connect(self.edited)
        for spin in (self.days_spin, self.poll_spin):
            spin.valueChanged.connect(self.edited)
        self.import_default.toggled.connect(self.edited)

    def _rule_rows(self, form: QFormLayout) -> None:
        self.import_default = QRadioButton(self.tr("Open orders that are not shipped and not "
                                                   "quotes (default)"))
        self.import_named = QRadioButton(self.tr("Orders in these statuses:"))
        self.statuses_edit = QLineEdit()
        self.statuses_edit.setObjectName("importStatusesEdit")
        self.statuses_edit.setPlaceholderText(self.tr("e.g. Pending, Approved Pending Shipping"))
        rule = self._either(self.import_default, self.import_named, self.statuses_edit)
        self._row(form, self.tr("Import rule"), rule, "import_statuses",
                  self.tr("Comma-separated, case-insensitive; drop commas inside a name."))
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 9999)
        self.days_spin.setSuffix(self.tr(" days"))
        self._row(form, self.tr("Orders created within"), self.days_spin, "created_within_days")
        self.poll_spin = QSpinBox()
        self.poll_spin.setRange(0, 9999)
        self.poll_spin.setSuffix(self.tr(" min"))
        self._row(form, self.tr("Check for new orders every"), self.poll_spin,
                  "poll_interval_min")

    def load(self, settings: ConnectionSettings) -> None:
        named = settings.import_statuses is not None
        self.import_named.setChecked(named)
        self.import_default.setChecked(not named)
        self.statuses_edit.setText(format_status_list(settings.import_statuses or ()))
        self.days_spin.setValue(settings.created_within_days)
        self.poll_spin.setValue(settings.poll_interval_min)
        self.tag_edit.setText(settings.new_order_tag)
        self.prefix_edit.setText(settings.order_prefix)
        self.bin_edit.setText(settings.bin_field_name or DEFAULT_BIN_FIELD)

    def apply(self, settings: ConnectionSettings) -> ConnectionSettings:
        return settings.with_changes(
            import_statuses=tuple(parse_status_list(self.statuses_edit.text()))
            if self.import_named.isChecked() else None,
            created_within_days=self.days_spin.value(),
            poll_interval_min=self.poll_spin.value(),
            order_prefix=self.prefix_edit.text().strip(),
            new_order_tag=self.tag_edit.text().strip(),
            bin_field_name=self.bin_edit.text().strip())
