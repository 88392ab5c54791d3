"""The export dialog's audiobook part: M4B and per-chapter options, the book's tags and cover, loudness
and the ACX check, in three group boxes; and the words that describe an audiobook export's result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

BITRATES = (32_000, 48_000, 64_000, 96_000, 128_000)
LOUDNESS_LABELS: dict[str | None, str] = {
    None: "Off",
    "acx": "Audiobook (ACX: RMS −23 to −18 dB, peaks ≤ −3 dB)",
    "podcast": "Podcast −16 LUFS",
    "broadcast": "Broadcast −23 LUFS",
}
MAX_CHAPTER_PAUSE = 30.0


class AudiobookOptions(QWidget):
    """Chapters (split, chapter pause, bitrate), Book details (tags, cover) and Level (loudness, ACX)."""

    def __init__(self, details: Any, parent: QWidget | None = None) -> None:
        """`details`: the project's book details (title, author, ...), to prefill the tags."""
        super().__init__(parent)
        self.audiobook_box = QGroupBox("Audiobook", self)
        self.split = QCheckBox("One &file per chapter, with an M3U playlist", self)
        self.split.setObjectName("exportSplit")
        self.chapter_pause = QDoubleSpinBox(self)
        self.chapter_pause.setObjectName("exportChapterPause")
        self.chapter_pause.setRange(0.0, MAX_CHAPTER_PAUSE)
        self.chapter_pause.setSingleStep(0.5)
        self.chapter_pause.setValue(2.0)
        self.chapter_pause.setSuffix(" s")
        self.bitrate = QComboBox(self)
        self.bitrate.setObjectName("exportBitrate")
        for bits in BITRATES:
            self.bitrate.addItem(
                f"{bits // 1000} kb/s{' (audiobook stores)' if bits == 64_000 else ''}", bits
            )
        self.bitrate.setCurrentIndex(self.bitrate.findData(64_000))
        form = QFormLayout(self.audiobook_box)
        form.addRow(self.split)
        form.addRow("Pause between &chapters:", self.chapter_pause)
        form.addRow("&Bitrate:", self.bitrate)

        self.tags_box = QGroupBox("Book details (tags)", self)
        self.book_title = QLineEdit(details.title, self)
        self.author = QLineEdit(details.author, self)
        self.narrator = QLineEdit(details.narrator, self)
        self.year = QLineEdit(details.year, self)
        self.genre = QLineEdit(details.genre, self)
        self.description = QLineEdit(details.description, self)
        self.cover = QLineEdit(self)
        self.cover.setObjectName("exportCover")
        self.cover.setPlaceholderText(
            "The project's cover (File → Book details); or choose another"
            if getattr(details, "cover", None)
            else "No cover (JPEG or PNG); File → Book details keeps one for the project"
        )
        choose = QPushButton("C&hoose…", self)
        choose.clicked.connect(self._choose_cover)
        cover_row = QHBoxLayout()
        cover_row.addWidget(self.cover, 1)
        cover_row.addWidget(choose)
        tags = QFormLayout(self.tags_box)
        tags.addRow("&Title:", self.book_title)
        tags.addRow("&Author:", self.author)
        tags.addRow("&Narrator:", self.narrator)
        tags.addRow("&Year:", self.year)
        tags.addRow("&Genre:", self.genre)
        tags.addRow("&Description:", self.description)
        tags.addRow("Cover:", cover_row)

        self.level_box = QGroupBox("Level", self)
        self.loudness = QComboBox(self)
        self.loudness.setObjectName("exportLoudness")
        for key, label in LOUDNESS_LABELS.items():
            self.loudness.addItem(label, key)
        self.check_acx = QCheckBox("Check the files against ACX's limits after the export", self)
        self.check_acx.setObjectName("exportCheckAcx")
        level = QFormLayout(self.level_box)
        level.addRow("&Loudness:", self.loudness)
        level.addRow(self.check_acx)

    def set_format(self, fmt: str) -> None:
        """M4B and MP3 can be split per chapter; the tags and the chapter options are for m4b or a split."""
        self.split.setEnabled(fmt in ("m4b", "mp3"))
        if fmt not in ("m4b", "mp3"):
            self.split.setChecked(False)
        book = fmt == "m4b" or self.split.isChecked()
        self.audiobook_box.setEnabled(fmt in ("m4b", "mp3"))
        self.chapter_pause.setEnabled(not self.split.isChecked())  # every file of the whole book
        self.bitrate.setEnabled(book)
        self.tags_box.setEnabled(book)

    def cover_path(self) -> Path | None:
        text = self.cover.text().strip()
        return Path(text).expanduser() if text else None

    def fields(self) -> dict[str, Any]:
        """The ExportRequest fields these widgets give."""
        return {
            "split": "chapters" if self.split.isEnabled() and self.split.isChecked() else None,
            "chapter_pause": round(self.chapter_pause.value(), 2),
            "bitrate": int(self.bitrate.currentData()),
            "loudness": self.loudness.currentData(),
            "check_acx": self.check_acx.isChecked(),
            "title": self.book_title.text().strip(),
            "author": self.author.text().strip(),
            "narrator": self.narrator.text().strip(),
            "year": self.year.text().strip(),
            "genre": self.genre.text().strip(),
            "description": self.description.text().strip(),
            "cover": self.cover_path(),
        }

    def _choose_cover(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Cover image", self.cover.text(), "Images (*.jpg *.jpeg *.png)"
        )
        if chosen:
            self.cover.setText(chosen)


def describe_audiobook(result: object) -> str:
    """The chapters, per-chapter files, cue fallback and ACX verdicts of an export's result, or ''."""
    parts: list[str] = []
    chapters = getattr(result, "chapters", ())
    if chapters:
        parts.append(f"{len(chapters)} chapter{'s' if len(chapters) != 1 else ''}")
    files = getattr(result, "files", ())
    if files:
        parts.append(f"{len(files)} chapter files and a playlist in {files[0].parent}")
    untimed = getattr(result, "untimed_segments", 0)
    if untimed:
        parts.append(f"{untimed} segment(s) without sentence timings got one cue each (regenerate them)")
    text = "; ".join(parts)
    reports = getattr(result, "acx", ())
    if reports:
        verdicts = [
            f"{path.name} {'passed' if r.passed else 'failed'} (RMS {r.rms_db:.1f} dB, "
            f"peak {r.peak_db:.1f} dB, noise floor {r.noise_floor_db:.1f} dB)"
            for path, r in reports
        ]
        text += ("; " if text else "") + "ACX check: " + ", ".join(verdicts)
    return text
