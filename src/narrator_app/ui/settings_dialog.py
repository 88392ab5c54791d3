"""Settings…: voice (from the installed voices file), speed and language; the open project's take
limit and auto-trim."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.catalog import LANGUAGES, MAX_SPEED, MIN_SPEED
from narrator_app.app.controller import Controller
from narrator_app.app.errors import VoicesUnavailable
from narrator_app.app.take_commands import DEFAULT_AUTO_TRIM, MAX_AUTO_TRIM, MAX_TAKE_LIMIT
from narrator_app.core.rules import SettingsError

LANGUAGE_NAMES = {
    "en-us": "English (US)",
    "en-gb": "English (UK)",
    "es": "Spanish",
    "fr-fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "pt-br": "Portuguese (Brazil)",
    "ja": "Japanese",
    "cmn": "Mandarin Chinese",
}


def bundled_voices_note(voices: Sequence[str]) -> str:
    """The one line said where voices are picked while only the bundled Japanese voices are there."""
    if not voices or not all(name.startswith("j") for name in voices):
        return ""
    return (
        "These bundled Japanese voices read English well with English (US). For the 54 official "
        "voices: Download or Install from files in Model & voices."
    )


def blend_example(voices: Sequence[str]) -> str:
    """A blend of two of the installed voices, to show how one is written ("" with fewer than two)."""
    return f"{voices[0]}:2,{voices[1]}:1" if len(voices) >= 2 else ""


class SettingsDialog(QDialog):
    def __init__(
        self,
        controller: Controller,
        parent: QWidget | None = None,
        more_voices: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.setMinimumWidth(420)
        self._controller = controller
        settings = controller.settings.current()

        self.voice = QComboBox(self)
        self.voice.setObjectName("voiceCombo")
        self.voice.setAccessibleName("Voice")
        # Editable: a blend of installed voices, such as af_bella:2,af_sky:1, can be typed.
        self.voice.setEditable(True)
        self._voice_problem = ""
        try:
            voices = controller.settings.available_voices()
        except VoicesUnavailable as error:
            voices = ()
            self._voice_problem = str(error)
        self.voice.addItems(list(voices))
        example = blend_example(voices) or "af_bella:2,af_sky:1"
        self.voice.setToolTip(f"A voice, or a blend of voices with weights, such as {example}")
        if settings.default_voice_id:
            self.voice.setCurrentText(settings.default_voice_id)
        self.voice.setEnabled(bool(voices))
        voices_file = controller.loader.availability().voices
        self.voices_source = QLabel(
            f"{len(voices)} voices from {voices_file.name}" if voices and voices_file else "", self
        )
        self.voices_source.setObjectName("voicesSource")
        if voices_file is not None:
            self.voices_source.setToolTip(str(voices_file))

        # The bundled voices are Japanese voices: say that they read English, and where the others are.
        self.voices_note = QLabel(bundled_voices_note(voices), self)
        self.voices_note.setObjectName("bundledVoicesNote")
        self.voices_note.setWordWrap(True)
        self.voices_note.setVisible(bool(self.voices_note.text()))
        self.more_voices = QPushButton("&More voices…", self)
        self.more_voices.setObjectName("moreVoicesButton")
        self.more_voices.setToolTip("Model & voices: download or install the 54 official voices")
        self.more_voices.setVisible(more_voices is not None)
        if more_voices is not None:
            self.more_voices.clicked.connect(self.reject)
            self.more_voices.clicked.connect(more_voices)

        self.speed = QDoubleSpinBox(self)
        self.speed.setObjectName("speedSpin")
        self.speed.setAccessibleName("Speed")
        self.speed.setRange(MIN_SPEED, MAX_SPEED)
        self.speed.setSingleStep(0.05)
        self.speed.setDecimals(2)
        self.speed.setSuffix("×")
        self.speed.setValue(settings.tts_speed)

        self.language = QComboBox(self)
        self.language.setObjectName("languageCombo")
        self.language.setAccessibleName("Language")
        for code in LANGUAGES:
            self.language.addItem(f"{LANGUAGE_NAMES.get(code, code)} ({code})", code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))

        self._project_box = self._project_settings(controller)

        self.problem = QLabel(self._voice_problem, self)
        self.problem.setObjectName("settingsProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(self._voice_problem))

        form = QFormLayout()
        form.addRow("&Voice:", self.voice)
        form.addRow("", self.voices_source)
        form.addRow("", self.voices_note)
        form.addRow("", self.more_voices)
        form.addRow("&Speed:", self.speed)
        form.addRow("&Language:", self.language)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._project_box)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def _project_settings(self, controller: Controller) -> QGroupBox:
        """The open project's own: how many takes a segment keeps, and auto-trim on render."""
        limit, margin = controller.takes.settings()
        box = QGroupBox(f"This project ({controller.project.name})", self)
        box.setObjectName("projectSettings")
        self.take_limit = QSpinBox(box)
        self.take_limit.setObjectName("takeLimitSpin")
        self.take_limit.setAccessibleName("Takes kept per segment")
        self.take_limit.setRange(1, MAX_TAKE_LIMIT)
        self.take_limit.setValue(min(limit, MAX_TAKE_LIMIT))
        self.take_limit.setToolTip(
            "Every render is kept as a take; beyond this many, the oldest one not in use is deleted"
        )
        self.auto_trim = QCheckBox("Trim &silence at both ends on render, keeping", box)
        self.auto_trim.setObjectName("autoTrimCheck")
        self.auto_trim.setChecked(margin is not None)
        self.trim_margin = QDoubleSpinBox(box)
        self.trim_margin.setObjectName("autoTrimMargin")
        self.trim_margin.setAccessibleName("Silence kept at each end")
        self.trim_margin.setRange(0.0, MAX_AUTO_TRIM)
        self.trim_margin.setSingleStep(0.05)
        self.trim_margin.setDecimals(2)
        self.trim_margin.setSuffix(" s")
        self.trim_margin.setValue(DEFAULT_AUTO_TRIM if margin is None else margin)
        self.trim_margin.setEnabled(margin is not None)
        self.auto_trim.toggled.connect(self.trim_margin.setEnabled)
        trim_row = QHBoxLayout()
        trim_row.addWidget(self.auto_trim)
        trim_row.addWidget(self.trim_margin)
        trim_row.addStretch(1)
        form = QFormLayout(box)
        form.addRow("&Takes kept per segment:", self.take_limit)
        form.addRow(trim_row)
        return box

    def accept(self) -> None:
        """Save; on a bad value say why and stay open, so nothing typed is lost."""
        try:
            self._controller.settings.update(
                voice=self.voice.currentText() if self.voice.isEnabled() else None,
                speed=round(self.speed.value(), 2),
                language=self.language.currentData(),
            )
            margin = round(self.trim_margin.value(), 2) if self.auto_trim.isChecked() else None
            self._controller.takes.set_settings(self.take_limit.value(), margin)
        except (SettingsError, VoicesUnavailable) as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        super().accept()
