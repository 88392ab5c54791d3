"""The status-bar widget for Generate all: "Generating 3 of 12 — about 1:20 left", then a summary."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from narrator_app.app.controller import Controller
from narrator_app.core.batch import BatchState, BatchSummary


def time_left(seconds: float | None) -> str:
    if seconds is None:
        return "estimating time left…"
    seconds = round(seconds)
    if seconds < 60:
        return "less than a minute left" if seconds > 5 else "almost done"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    clock = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"about {clock} left"


def describe_progress(state: BatchState) -> str:
    first, last = state.current, state.current_last
    numbers = f"{first}–{last}" if last > first else f"{first}"
    return f"Generating {numbers} of {state.total} — {time_left(state.seconds_left)}"


def describe_result(summary: BatchSummary, state: BatchState | None) -> str:
    """One line: what a Generate all did, from its summary and (once it ended) its final state."""
    parts = []
    if not summary.queued:
        parts.append("Nothing to generate")
    elif state is not None and state.finished:
        parts.append(f"Generated {state.completed}")
        if state.failed:
            parts.append(f"{state.failed} failed")
        if state.cancelled:
            parts.append(f"{state.cancelled} cancelled")
    else:
        parts.append(f"Queued {summary.queued}")
    skipped = [
        (summary.skipped_unchanged, "up to date"),
        (summary.skipped_locked, "locked"),
        (summary.skipped_empty, "empty"),
        (summary.skipped_invalid, "with a malformed tag"),
    ]
    skipped_text = ", ".join(f"{count} {why}" for count, why in skipped if count)
    first = f" {summary.invalid_message}" if summary.invalid_message else ""
    if not summary.queued:
        return f"{parts[0]}: {skipped_text or 'the project has no segments'}.{first}"
    if skipped_text:
        parts.append(f"skipped {skipped_text}")
    return "; ".join(parts) + "." + first


class BatchStatus(QWidget):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchStatus")
        self._controller = controller
        self.label = QLabel(self)
        self.label.setObjectName("batchLabel")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("batchProgress")
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.hide()
        controller.batch_changed.connect(self.refresh)

    def refresh(self) -> None:
        batch = self._controller.generation.batch
        state = self._controller.generation.batch_state()
        if batch is None or state is None:
            self.hide()
            return
        if state.finished:
            self.bar.hide()
            self.label.setText(describe_result(batch.summary, state))
        else:
            self.bar.show()
            self.bar.setRange(0, state.total)
            self.bar.setValue(state.ended)
            self.label.setText(describe_progress(state))
        self.show()
