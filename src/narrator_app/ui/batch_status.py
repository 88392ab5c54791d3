"""The status-bar widget for Generate all: "Generating: 2 running, 10 of 12 left — about 1:20 left",
then a summary."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from narrator_app.app.catalog import SegmentRecord
from narrator_app.app.controller import Controller
from narrator_app.core.batch import BatchProgress, BatchState, BatchSummary
from narrator_app.core.tasks import TaskStatus
from narrator_app.ui.cancelling import POLL_MS


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
    """ "Generating: 2 running, 3 of 5 left — about 0:40 left" (counts of tasks, not segment numbers)."""
    left = state.total - state.ended
    running = f"{state.running} running, " if state.running else ""
    return f"Generating: {running}{left} of {state.total} left — {time_left(state.seconds_left)}"


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


def _edited(record: SegmentRecord) -> tuple[object, ...]:
    """What an edit changes in a segment (not its audio, which the batch itself records)."""
    return (record.text, record.is_locked, record.voice, record.speed, record.pause_after, record.chapter_id)


class BatchStatus(QWidget):
    """Generate all's progress and then its summary; a single Generate's percent when no batch runs.
    The summary goes once it stops being true: an edit, other settings, another model or project."""

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
        # While cancelled renders run on to their sentence end the summary would already say
        # "5 cancelled": it waits (the status bar says "Stopping…", ui/cancelling.py).
        self._stopping = QTimer(self)
        self._stopping.setInterval(POLL_MS)
        self._stopping.timeout.connect(self.refresh)
        self._single: dict[str, int] = {}  # running tasks outside a batch → their segment ids
        self._showing_summary = False
        self._dismissed: BatchProgress | None = None  # the batch whose summary was cleared
        self._as_shown_for: BatchProgress | None = None
        self._as_shown: dict[int, tuple[object, ...]] = {}  # what was edited, when the summary came
        controller.batch_changed.connect(self.refresh)
        controller.task_changed.connect(self._on_task)
        controller.task_progress.connect(lambda *_: self.refresh() if self._single else None)
        controller.settings_changed.connect(self.dismiss)
        controller.model_prepared.connect(lambda _problem: self.dismiss())
        controller.segments_reset.connect(self.dismiss)
        controller.project_changed.connect(self.dismiss)
        controller.segment_changed.connect(self._on_segment_changed)

    def dismiss(self) -> None:
        """Clear a finished batch's summary (it no longer describes the project)."""
        if self._showing_summary:
            self._dismissed = self._controller.generation.batch
            self.refresh()

    def _on_segment_changed(self, segment_id: int) -> None:
        batch = self._controller.generation.batch
        if batch is None or not self._showing_summary:
            return
        record = self._controller.segments.get(segment_id)
        if record is not None and self._as_shown.get(segment_id) == _edited(record):
            return  # only its audio changed: the batch's own work, told late
        self.dismiss()

    def _on_task(self, task_id: str, segment_id: int) -> None:
        generation = self._controller.generation
        info = generation.task(task_id)
        in_batch = generation.batch is not None and task_id in generation.batch.chars
        if info is not None and info.status is TaskStatus.RUNNING and not in_batch:
            self._single[task_id] = segment_id
        elif info is None or not info.status.is_active:
            if self._single.pop(task_id, None) is None:
                return
        else:
            return
        self.refresh()

    def refresh(self) -> None:
        batch = self._controller.generation.batch
        state = self._controller.generation.batch_state()
        self._showing_summary = False
        if batch is not None and state is not None and not state.finished:
            self.bar.show()
            self.bar.setRange(0, state.total)
            self.bar.setValue(state.ended)
            self.label.setText(describe_progress(state))
        elif self._single:
            self._show_single()
        elif batch is not None and state is not None and self._controller.generation.stopping():
            self._stopping.start()
            self.hide()
            return
        elif batch is not None and state is not None and batch is not self._dismissed:
            self._stopping.stop()
            self.bar.hide()
            self.label.setText(describe_result(batch.summary, state))
            if self._as_shown_for is not batch:
                self._as_shown_for = batch
                self._as_shown = {r.id: _edited(r) for r in self._controller.segments.all()}
            self._showing_summary = True
        else:
            self.hide()
            return
        self.show()

    def _show_single(self) -> None:
        """ "Generating segment 3: 40%" (or the mean of several started one by one)."""
        generation = self._controller.generation
        fractions = [generation.progress_of(t) for t in self._single]
        percent = round(100 * sum(fractions) / len(fractions))
        if len(self._single) == 1:
            record = self._controller.segments.get(next(iter(self._single.values())))
            what = f"segment {record.position + 1}" if record is not None else "a segment"
        else:
            what = f"{len(self._single)} segments"
        self.bar.show()
        self.bar.setRange(0, 100)
        self.bar.setValue(percent)
        self.label.setText(f"Generating {what}: {percent}%")
