"""An inline, non-modal message strip above the table (like KMessageWidget)."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class Kind(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


# Opaque (the bar floats over the table's rows) and with its own text colour, for light and dark
# themes alike.
_COLOURS = {
    Kind.INFO: ("#2d6cdf", "#e4ecfb"),
    Kind.WARNING: ("#c98a00", "#f9efd6"),
    Kind.ERROR: ("#c0392b", "#f7e0dd"),
}
MARGIN = 6  # between the floating bar and the edges of what it floats over


class MessageBar(QFrame):
    """Shows one message at a time; the user closes it, or the next message replaces it. With
    `float_over(widget)` it floats over that widget's foot instead of taking room in a layout, so
    that showing or hiding it never moves what is below it."""

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
        self._over: QWidget | None = None
        self.hide()

    def float_over(self, widget: QWidget) -> None:
        """Float over the bottom of `widget` (its full width, less a margin), following its size."""
        self._over = widget
        self.setParent(widget)
        widget.installEventFilter(self)
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._over and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        if self._over is None:
            return
        width = max(0, self._over.width() - 2 * MARGIN)
        height = self.heightForWidth(width)
        if height < 0:
            height = self.sizeHint().height()
        height = min(height, max(0, self._over.height() - 2 * MARGIN))
        self.setGeometry(MARGIN, self._over.height() - height - MARGIN, width, height)
        self.raise_()

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
            " #messageBar QLabel { color: #1f1f1f; }"
        )
        self._label.setText(text)
        self.show()
        self._place()
