"""A take's waveform with two trim handles: the start and the end of what is heard, the cut parts
shaded. Drag a handle (or click: the nearer handle comes there), or use the keyboard: S or E chooses
the start or the end handle, Left/Right move it by 10 ms (Shift: 100 ms)."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MIN_KEPT_S = 0.01  # the handles never come closer than this: a trim always leaves something heard
GRAB_PX = 10  # how near a handle a press must be to take it (else the nearer handle jumps there)
_MARGIN_PX = 8


class Handle(Enum):
    START = "start"
    END = "end"


class TrimWaveform(QWidget):
    """`cuts` are the seconds cut from the start and from the end (as controller.takes.trim takes
    them); `changed` tells when the user moved a handle."""

    changed = Signal(float, float)  # seconds cut from the start, from the end

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trimWaveform")
        self.setAccessibleName("Trim handles")
        self.setAccessibleDescription(
            "The take's waveform. Left and Right move the chosen handle (Shift: ten times as far); "
            "S chooses the start handle, E the end handle."
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(120)
        self.setMouseTracking(True)
        self._duration = 0.0
        self._start = 0.0  # cut from the start
        self._end = 0.0  # cut from the end
        self._peaks: tuple[float, ...] | None = None
        self._note = "Reading the audio…"
        self._playhead: float | None = None
        self._dragging: Handle | None = None
        self.active = Handle.START  # the handle the keyboard moves

    # -- state ------------------------------------------------------------------------------
    @property
    def duration(self) -> float:
        return self._duration

    @property
    def cuts(self) -> tuple[float, float]:
        return self._start, self._end

    def set_duration(self, duration: float) -> None:
        self._duration = max(0.0, duration)
        self.set_cuts(*self.cuts)

    def set_cuts(self, start: float, end: float) -> None:
        """Place both handles (kept inside the take and apart), without `changed`."""
        self._start = self._clamped(start, other=end)
        self._end = self._clamped(end, other=self._start)
        self.update()

    def set_peaks(self, peaks: tuple[float, ...] | None, note: str = "") -> None:
        """The picture (None: not there, `note` says why)."""
        self._peaks, self._note = peaks, note
        self.update()

    def set_playhead(self, seconds: float | None) -> None:
        self._playhead = seconds
        self.update()

    def max_cut(self, handle: Handle) -> float:
        """How far a handle may go, the other staying where it is."""
        other = self._end if handle is Handle.START else self._start
        return max(0.0, self._duration - other - MIN_KEPT_S)

    def _clamped(self, value: float, *, other: float) -> float:
        limit = max(0.0, self._duration - other - MIN_KEPT_S)
        return min(max(0.0, value), limit)

    def move_handle(self, handle: Handle, cut: float) -> None:
        """Move one handle as the user does (it stops short of the other); `changed` if it moved."""
        if handle is Handle.START:
            new = (self._clamped(cut, other=self._end), self._end)
        else:
            new = (self._start, self._clamped(cut, other=self._start))
        if new != (self._start, self._end):
            self._start, self._end = new
            self.update()
            self.changed.emit(*new)

    # -- geometry ---------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(640, 160)

    def _area(self) -> QRectF:
        return QRectF(self.rect()).adjusted(_MARGIN_PX, _MARGIN_PX + 10, -_MARGIN_PX, -_MARGIN_PX)

    def x_of(self, seconds: float) -> float:
        area = self._area()
        fraction = seconds / self._duration if self._duration > 0 else 0.0
        return area.left() + fraction * area.width()

    def _seconds_at(self, x: float) -> float:
        area = self._area()
        fraction = (x - area.left()) / area.width() if area.width() > 0 else 0.0
        return min(max(fraction, 0.0), 1.0) * self._duration

    def handle_x(self, handle: Handle) -> float:
        """Where a handle is drawn (for tests and screenshots: drag from here)."""
        seconds = self._start if handle is Handle.START else self._duration - self._end
        return self.x_of(seconds)

    # -- mouse and keyboard -----------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._duration <= 0:
            return super().mousePressEvent(event)
        x = event.position().x()
        start_x, end_x = self.handle_x(Handle.START), self.handle_x(Handle.END)
        if abs(x - start_x) <= GRAB_PX and abs(x - start_x) <= abs(x - end_x):
            self._dragging = Handle.START
        elif abs(x - end_x) <= GRAB_PX:
            self._dragging = Handle.END
        else:  # a click elsewhere brings the nearer handle there
            self._dragging = Handle.START if abs(x - start_x) < abs(x - end_x) else Handle.END
            self._drag_to(x)
        self.active = self._dragging
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._dragging is not None:
            self._drag_to(x)
        elif self._duration > 0:
            near = min(abs(x - self.handle_x(Handle.START)), abs(x - self.handle_x(Handle.END)))
            shape = Qt.CursorShape.SizeHorCursor if near <= GRAB_PX else Qt.CursorShape.ArrowCursor
            self.setCursor(shape)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging is not None:
            self._drag_to(event.position().x())
            self._dragging = None

    def _drag_to(self, x: float) -> None:
        seconds = self._seconds_at(x)
        if self._dragging is Handle.START:
            self.move_handle(Handle.START, seconds)
        elif self._dragging is Handle.END:
            self.move_handle(Handle.END, self._duration - seconds)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        step = 0.1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 0.01
        if key == Qt.Key.Key_S:
            self.active = Handle.START
        elif key == Qt.Key.Key_E:
            self.active = Handle.END
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            # Left moves the handle towards the take's start, whichever it is.
            towards_start = key == Qt.Key.Key_Left
            if self.active is Handle.START:
                self.move_handle(Handle.START, self._start + (-step if towards_start else step))
            else:
                self.move_handle(Handle.END, self._end + (step if towards_start else -step))
        else:
            return super().keyPressEvent(event)
        self.update()

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        area = self._area()
        painter.fillRect(self.rect(), palette.base())
        painter.setPen(QPen(palette.mid().color(), 1))
        painter.drawRect(area)
        if not self._peaks:
            painter.setPen(palette.text().color())
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self._note)
        else:
            self._paint_peaks(painter, area, palette.highlight().color())
        if self._duration <= 0:
            return
        start_x, end_x = self.handle_x(Handle.START), self.handle_x(Handle.END)
        shade = QColor(palette.window().color())
        shade.setAlpha(200)
        painter.fillRect(QRectF(area.left(), area.top(), start_x - area.left(), area.height()), shade)
        painter.fillRect(QRectF(end_x, area.top(), area.right() - end_x, area.height()), shade)
        if self._playhead is not None:
            painter.setPen(QPen(palette.text().color(), 1, Qt.PenStyle.DashLine))
            x = self.x_of(self._playhead)
            painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        for handle, x in ((Handle.START, start_x), (Handle.END, end_x)):
            self._paint_handle(painter, area, handle, x)

    def _paint_peaks(self, painter: QPainter, area: QRectF, color: QColor) -> None:
        peaks = self._peaks or ()
        middle = area.center().y()
        step = area.width() / len(peaks)
        path = QPainterPath()
        for i, peak in enumerate(peaks):
            half = max(0.5, peak * (area.height() - 4) / 2)
            path.addRect(QRectF(area.left() + i * step, middle - half, max(1.0, step * 0.8), 2 * half))
        painter.fillPath(path, color)

    def _paint_handle(self, painter: QPainter, area: QRectF, handle: Handle, x: float) -> None:
        chosen = handle is self.active and self.hasFocus()
        color = QColor("#d0452f") if handle is Handle.START else QColor("#2f7fd0")
        painter.setPen(QPen(color, 3 if chosen else 2))
        painter.drawLine(QPointF(x, area.top() - 8), QPointF(x, area.bottom()))
        tab = QPainterPath()  # a flag at the top, pointing into the kept part
        direction = 1 if handle is Handle.START else -1
        tab.moveTo(x, area.top() - 10)
        tab.lineTo(x + direction * 12, area.top() - 4)
        tab.lineTo(x, area.top() + 2)
        tab.closeSubpath()
        painter.fillPath(tab, color)
