"""File → Export narration…: where, which format, pause, subtitles; and the export's progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.catalog import FORMATS, MAX_PAUSE
from narrator_app.app.controller import Controller
from narrator_app.app.exporting import ExportRequest
from narrator_app.ui.audiobook_options import AudiobookOptions, describe_audiobook
from narrator_app.ui.export_memory import ask_to_replace, existing_files, load_choices, save_choices
from narrator_app.ui.formatting import format_duration

FORMAT_LABELS = {
    "wav": "WAV (uncompressed)",
    "flac": "FLAC (lossless)",
    "mp3": "MP3",
    "m4b": "M4B audiobook (chapters, tags)",
}
EXPORT_FORMATS = (*FORMATS, "m4b")
CUE_LABELS = {"sentence": "One per sentence", "segment": "One per segment"}
SUBTITLE_LABELS: dict[str | None, str] = {None: "None", "srt": "SRT", "vtt": "WebVTT"}


class ExportDialog(QDialog):
    # The user chose to generate the missing segments first: the ExportRequest to make afterwards.
    generate_missing = Signal(object)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export narration")
        self.setObjectName("exportDialog")
        self.setMinimumWidth(860)
        self._controller = controller
        self.plan = controller.exports.plan()

        default = platformdirs.user_music_path() / f"{controller.project.name}.wav"
        self.path = QLineEdit(str(default), self)
        self.path.setObjectName("exportPath")
        browse = QPushButton("&Browse…", self)
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)

        self.fmt = QComboBox(self)
        self.fmt.setObjectName("exportFormat")
        for key in EXPORT_FORMATS:
            self.fmt.addItem(FORMAT_LABELS[key], key)
        self.fmt.currentIndexChanged.connect(self._format_changed)
        self.pause = QDoubleSpinBox(self)
        self.pause.setObjectName("exportPause")
        self.pause.setRange(0.0, MAX_PAUSE)
        self.pause.setSingleStep(0.1)
        self.pause.setValue(0.5)
        self.pause.setSuffix(" s")
        self.subtitles = QComboBox(self)
        self.subtitles.setObjectName("exportSubtitles")
        for kind, label in SUBTITLE_LABELS.items():
            self.subtitles.addItem(label, kind)
        self.cue_by = QComboBox(self)
        self.cue_by.setObjectName("exportCueBy")
        for key, label in CUE_LABELS.items():
            self.cue_by.addItem(label, key)

        self.per_segment = QCheckBox("Also each segment in its own &file, into:", self)
        self.per_segment.setObjectName("exportPerSegment")
        self.segments_dir = QLineEdit(str(default.with_name(f"{controller.project.name} segments")), self)
        self.segments_dir.setObjectName("exportSegmentsDir")
        self.segments_dir.setEnabled(False)
        browse_dir = QPushButton("B&rowse…", self)
        browse_dir.setEnabled(False)
        browse_dir.clicked.connect(self._browse_dir)
        self.per_segment.toggled.connect(self.segments_dir.setEnabled)
        self.per_segment.toggled.connect(browse_dir.setEnabled)
        dir_row = QHBoxLayout()
        dir_row.addWidget(self.segments_dir, 1)
        dir_row.addWidget(browse_dir)

        output = QGroupBox("Output", self)
        form = QFormLayout(output)
        form.addRow("File:", path_row)
        form.addRow("F&ormat:", self.fmt)
        form.addRow("&Pause between segments:", self.pause)
        form.addRow("&Subtitles:", self.subtitles)
        form.addRow("C&ues:", self.cue_by)
        form.addRow(self.per_segment)
        form.addRow("", dir_row)

        self.book = AudiobookOptions(controller.chapters.book_details(), self)
        self.book.split.toggled.connect(self._format_changed)
        self.book.set_format(self.fmt.currentData())
        left = QVBoxLayout()
        left.addWidget(output)
        left.addWidget(self.book.level_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.book.audiobook_box)
        right.addWidget(self.book.tags_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.summary = QLabel(self)
        self.summary.setObjectName("exportSummary")
        self.summary.setWordWrap(True)
        self.summary.setText(self._describe_plan())

        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setEnabled(bool(self.plan.items))
        if any(not record.is_locked for record in self.plan.missing):  # locked ones cannot be generated
            generate = buttons.addButton(
                "&Generate missing, then export", QDialogButtonBox.ButtonRole.ActionRole
            )
            generate.setObjectName("generateMissingButton")
            generate.clicked.connect(self._generate_first)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self._restore(load_choices(controller.data_dir, controller.project.id))

    # -- remembered per project (export_memory.py) -------------------------------------------
    def choices(self) -> dict[str, Any]:
        """What the dialog shows now, as export_memory stores it."""
        return {
            "path": self.path.text().strip(),
            "fmt": self.fmt.currentData(),
            "pause": round(self.pause.value(), 2),
            "subtitles": self.subtitles.currentData() or "",
            "cue_by": self.cue_by.currentData(),
            "per_segment": self.per_segment.isChecked(),
            "segments_dir": self.segments_dir.text().strip(),
            "split": self.book.split.isChecked(),
            "chapter_pause": round(self.book.chapter_pause.value(), 2),
            "bitrate": int(self.book.bitrate.currentData()),
            "loudness": self.book.loudness.currentData() or "",
            "check_acx": self.book.check_acx.isChecked(),
        }

    def _restore(self, choices: dict[str, Any]) -> None:
        """Start from the project's last export; a value this version does not offer is skipped."""

        def pick(box: QComboBox, key: str, empty_is_none: bool = False) -> None:
            if key in choices:
                value = (choices[key] or None) if empty_is_none else choices[key]
                if (index := box.findData(value)) >= 0:
                    box.setCurrentIndex(index)

        pick(self.fmt, "fmt")  # first: it sets which of the others apply
        if "split" in choices and self.book.split.isEnabled():
            self.book.split.setChecked(choices["split"])
        if "pause" in choices:
            self.pause.setValue(choices["pause"])
        pick(self.subtitles, "subtitles", empty_is_none=True)
        pick(self.cue_by, "cue_by")
        if choices.get("segments_dir"):
            self.segments_dir.setText(choices["segments_dir"])
        if "per_segment" in choices and self.per_segment.isEnabled():
            self.per_segment.setChecked(choices["per_segment"])
        if "chapter_pause" in choices:
            self.book.chapter_pause.setValue(choices["chapter_pause"])
        pick(self.book.bitrate, "bitrate")
        pick(self.book.loudness, "loudness", empty_is_none=True)
        if "check_acx" in choices:
            self.book.check_acx.setChecked(choices["check_acx"])
        if choices.get("path"):
            self.path.setText(choices["path"])  # last: a format change rewrites the suffix

    def _confirmed(self) -> bool:
        """Valid, and if the export would replace files that are there, the user said so; then the
        choices are remembered for this project's next export."""
        if not self._valid():
            return False
        there = existing_files(self._controller.exports.targets(self.request(), self.plan))
        if there and not ask_to_replace(self, there):
            return False  # nothing touched; the dialog stays open with the choices
        save_choices(self._controller.data_dir, self._controller.project.id, self.choices())
        return True

    def _describe_plan(self) -> str:
        count = len(self.plan.items)
        chapters = len({item.chapter_id for item in self.plan.book})
        text = f"{count} segment{'s' if count != 1 else ''} will be exported in order"
        text += f", in {chapters} chapters." if chapters > 1 else "."
        if self.plan.missing:
            names = ", ".join(
                f"{r.position + 1}{' (locked)' if r.is_locked else ''}" for r in self.plan.missing[:12]
            )
            more = "…" if len(self.plan.missing) > 12 else ""
            text += (
                f"\n{len(self.plan.missing)} segment(s) have no current audio and will be left out: "
                f"{names}{more}."
            )
        return text

    def target(self) -> Path | None:
        """The file to write: a relative name goes in the Music folder; None if there is no name."""
        text = self.path.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.is_absolute() else platformdirs.user_music_path() / path

    def folder(self) -> Path | None:
        """Where each segment's own file goes, if the user asked for them."""
        text = self.segments_dir.text().strip()
        if not self.per_segment.isChecked() or not text:
            return None
        path = Path(text).expanduser()
        return path if path.is_absolute() else platformdirs.user_music_path() / path

    def _valid(self) -> bool:
        target = self.target()
        if target is None or target.is_dir():
            self.summary.setText(self._describe_plan() + "\nGive the name of the file to write.")
            return False
        folder = self.folder()
        if self.per_segment.isChecked() and (folder is None or folder.is_file()):
            self.summary.setText(self._describe_plan() + "\nGive a folder for the segments' files.")
            return False
        return True

    def accept(self) -> None:
        if self._confirmed():
            super().accept()

    def request(self) -> ExportRequest:
        target = self.target()
        assert target is not None  # accept() made sure
        fields = self.book.fields()
        split = fields["split"] is not None
        return ExportRequest(
            target.with_suffix("") if split else target,  # a file per chapter: a folder of that name
            fmt=self.fmt.currentData(),
            pause=round(self.pause.value(), 2),
            subtitles=None if split else self.subtitles.currentData(),
            segments_dir=None if split or self.fmt.currentData() == "m4b" else self.folder(),
            cue_by=self.cue_by.currentData(),
            **fields,
        )

    def _format_changed(self) -> None:
        fmt = self.fmt.currentData()
        path = Path(self.path.text().strip())
        if path.name:
            self.path.setText(str(path.with_suffix(f".{fmt}")))
        self.book.set_format(fmt)
        split = self.book.split.isChecked()
        one_file = fmt in FORMATS and not split
        self.subtitles.setEnabled(not split)
        self.cue_by.setEnabled(not split)
        self.per_segment.setEnabled(one_file)
        if not one_file:
            self.per_segment.setChecked(False)

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export narration", self.path.text(), "Audio (*.wav *.flac *.mp3 *.m4b)"
        )
        if chosen:
            self.path.setText(chosen)
            suffix = Path(chosen).suffix.lstrip(".").lower()
            if suffix in EXPORT_FORMATS:
                self.fmt.setCurrentIndex(self.fmt.findData(suffix))

    def _browse_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Folder for the segments' files", self.segments_dir.text()
        )
        if chosen:
            self.segments_dir.setText(chosen)

    def _generate_first(self) -> None:
        if self._confirmed():
            self.generate_missing.emit(self.request())
            self.reject()


class ExportStatus(QWidget):
    """Status-bar progress of a running export, with a cancel button."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportStatus")
        self._controller = controller
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 100)
        self.bar.setMaximumWidth(260)
        self.bar.setFormat("Exporting %p%")
        cancel = QToolButton(self)
        cancel.setText("Cancel export")
        cancel.clicked.connect(controller.exports.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(cancel, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()
        controller.exports.progress.connect(self._progress)
        controller.exports.finished.connect(lambda _result: self.hide())
        controller.exports.failed.connect(lambda _message, _cancelled: self.hide())

    def started(self) -> None:
        self.bar.setValue(0)
        self.bar.setFormat("Exporting %p%")
        self.show()

    def _progress(self, fraction: float) -> None:
        self.bar.setValue(round(fraction * 100))
        left = self._controller.exports.time_left(fraction)
        self.bar.setFormat("Exporting %p%" + (f" · {format_duration(left)} left" if left is not None else ""))


def describe_export(result: object) -> str:
    path = getattr(result, "path", "")
    duration = format_duration(getattr(result, "duration", 0.0))
    segments = getattr(result, "segments", 0)
    subtitles = getattr(result, "subtitles", None)
    extra = f" and subtitles to {subtitles}" if subtitles else ""
    files = getattr(result, "segment_files", ())
    if files:
        extra += f", and {len(files)} segment files to {files[0].parent}"
    book = describe_audiobook(result)
    return f"Exported {segments} segments ({duration}) to {path}{extra}." + (f" {book}." if book else "")
