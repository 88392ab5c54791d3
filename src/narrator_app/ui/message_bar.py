"""An inline, non-modal message strip above the table (like KMessageWidget)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class Kind(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


_COLOURS = {
    Kind.INFO: ("#2d6cdf", "rgba(45, 108, 223, 0.12)"),
    Kind.WARNING: ("#c98a00", "rgba(201, 138, 0, 0.14)"),
    Kind.ERROR: ("#c0392b", "rgba(192, 57, 43, 0.13)"),
}


class MessageBar(QFrame):
    """Shows one message at a time; the user closes it, or the next message replaces it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.kind = Kind.INFO
        self._label = QLabel(self)
        self._label.setObjectName("messageText")
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(self.hide)
        # An optional way out, e.g. "Model & voices…" under "the model is missing".
        self.button = QPushButton(self)
        self.button.setObjectName("messageButton")
        self.button.clicked.connect(self._trigger)
        self.button.hide()
        self._action: QAction | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @property
    def text(self) -> str:
        return self._label.text()

    def _trigger(self) -> None:
        if self._action is not None:
            self._action.trigger()

    def show_message(self, text: str, kind: Kind = Kind.INFO, action: QAction | None = None) -> None:
        """Show `text`; with `action`, a button beside it triggers that action."""
        self._action = action
        if action is not None:
            # The action's text without its mnemonic ("&&" stays: it shows one "&").
            self.button.setText(action.text().replace("&&", "\0").replace("&", "").replace("\0", "&&"))
        self.button.setVisible(action is not None)
        self.kind = kind
        border, background = _COLOURS[kind]
        self.setStyleSheet(
            f"#messageBar {{ border: 1px solid {border}; border-radius: 4px; background: {background}; }}"
        )
        self._label.setText(text)
        self.show()
