"""Shortcuts shown the same way everywhere: in tooltips, on buttons and in the F1 list.

The F1 list is built from the windows' own QActions, so it cannot drift from the keys that
work. Actions that form one family (Alt+1 … Alt+9) carry the same `SHORTCUT_GROUP` property
and show as one row.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence

SHORTCUT_GROUP = "shortcutGroup"  # dynamic property: rows with the same value are merged


def key_text(action: QAction) -> str:
    """The action's keys as the platform writes them ("Ctrl+Enter", "Esc or Ctrl+W")."""
    keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
            if not k.isEmpty()]
    return " or ".join(dict.fromkeys(keys))


def action_title(action: QAction) -> str:
    """The action's text without mnemonics or trailing dots ("&Print slips…" -> "Print slips")."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&") \
        .rstrip("…").rstrip(".").strip()


def with_keys(text: str, action: QAction) -> str:
    """A tooltip naming the action's keys: "Merge the shipments (Ctrl+M)"."""
    keys = key_text(action)
    return f"{text} ({keys})" if keys else text


def show_keys_in_tooltip(action: QAction) -> None:
    """Tooltips and status tips say the key, as the menus do."""
    tip = action.toolTip() if action.toolTip() and action.toolTip() != action.text() \
        else action_title(action)
    if key_text(action) and key_text(action) not in tip:
        action.setToolTip(with_keys(tip, action))


@dataclass(frozen=True)
class ShortcutRow:
    area: str  # "Orders", "Packing"
    action: str
    keys: str


def shortcut_rows(area: str, actions: Iterable[QAction]) -> list[ShortcutRow]:
    """One row per action with a key (one per group of actions), in the given order."""
    rows: list[tuple[str, list[str]]] = []  # (title, keys) in order of first appearance
    groups: dict[str, list[str]] = {}
    for action in actions:
        keys = key_text(action)
        if not keys:
            continue
        group = action.property(SHORTCUT_GROUP)
        if not group:
            rows.append((action_title(action), [keys]))
        elif group in groups:
            groups[group].append(keys)
        else:
            groups[group] = [keys]
            rows.append((str(group), groups[group]))
    return [ShortcutRow(area, title, keys[0] if len(keys) == 1 else f"{keys[0]} … {keys[-1]}")
            for title, keys in rows]
