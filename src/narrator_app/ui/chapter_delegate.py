"""How a chapter row is drawn: its title in bold, its status on a smaller, quieter second line."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from narrator_app.ui.chapter_model import STATUS_TEXT_ROLE

PADDING = 5


class ChapterDelegate(QStyledItemDelegate):
    """Two lines per chapter, each cut with "…" when the list is narrow; editing edits the title."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        status = QFont(option.font)
        status.setPointSizeF(status.pointSizeF() * 0.9)
        return title, status

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        title, status = self._fonts(option)
        height = QFontMetrics(title).height() + QFontMetrics(status).height() + 2 * PADDING + 2
        return QSize(160, height)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget is not None else None
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        second = str(index.data(STATUS_TEXT_ROLE) or "")
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        group = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        quiet = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        title_font, status_font = self._fonts(option)
        area: QRect = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        painter.save()
        for font, line, role in ((title_font, text, group), (status_font, second, quiet)):
            metrics = QFontMetrics(font)
            painter.setFont(font)
            painter.setPen(palette.color(role))
            elided = metrics.elidedText(line, Qt.TextElideMode.ElideRight, area.width())
            painter.drawText(area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), elided)
            area.setTop(area.top() + metrics.height() + 2)
        painter.restore()
