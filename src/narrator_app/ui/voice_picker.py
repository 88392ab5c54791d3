"""The voice picker: every voice in the installed voices file with its language and gender,
filterable, with a background Preview in the chosen language; a blend can be typed too."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.catalog import LANGUAGES, LANGUAGES_BY_PREFIX, describe_voice
from narrator_app.app.controller import Controller
from narrator_app.app.errors import VoicesUnavailable
from narrator_app.core.rules import SettingsError
from narrator_app.ui.player import AudioPlayer
from narrator_app.ui.settings_dialog import LANGUAGE_NAMES, bundled_voices_note

ALL = ""
PREVIEW_SEGMENT_ID = -1  # what the player is told it plays


class VoiceFilter(QSortFilterProxyModel):
    """Text in the name, language or gender; and an exact language and gender."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.language = ALL
        self.gender = ALL

    def set_filter(self, text: str, language: str, gender: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+; invalidateFilter() is deprecated there
            self.beginFilterChange()
            self.text, self.language, self.gender = text.strip().lower(), language, gender
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.text, self.language, self.gender = text.strip().lower(), language, gender
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: object) -> bool:  # noqa: N802 - Qt's name
        model = self.sourceModel()
        name, language, gender = (model.index(row, c).data() or "" for c in range(3))
        if self.language and language != self.language:
            return False
        if self.gender and gender != self.gender:
            return False
        return not self.text or any(self.text in str(v).lower() for v in (name, language, gender))


class VoicePicker(QWidget):
    voice_chosen = Signal(str)  # the default voice was set to this

    def __init__(self, controller: Controller, player: AudioPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voicePicker")
        self._controller = controller
        self._player = player
        self._waiting: int | None = None  # the preview request whose result is awaited
        self._playing_note = ""  # the status line said while a preview plays
        player.playing_changed.connect(self._on_playing)
        filters = self._build_filters()
        self._build_table()
        actions = self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self.note = QLabel(self)
        self.note.setObjectName("bundledVoicesNote")
        self.note.setWordWrap(True)
        layout.insertWidget(0, self.note)
        self._connect()
        self.reload()

    def _build_filters(self) -> QHBoxLayout:
        """Search text, language and gender."""
        self.search = QLineEdit(self)
        self.search.setObjectName("voiceSearch")
        self.search.setPlaceholderText("Filter voices…")
        self.search.setClearButtonEnabled(True)
        self.language_filter = QComboBox(self)
        self.language_filter.setObjectName("voiceLanguageFilter")
        self.language_filter.setAccessibleName("Language of the voices shown")
        self.language_filter.addItem("All languages", ALL)
        for name, _code in LANGUAGES_BY_PREFIX.values():
            self.language_filter.addItem(name, name)
        self.gender_filter = QComboBox(self)
        self.gender_filter.setObjectName("voiceGenderFilter")
        self.gender_filter.setAccessibleName("Gender of the voices shown")
        for label, value in (("Any gender", ALL), ("Female", "female"), ("Male", "male")):
            self.gender_filter.addItem(label, value)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.language_filter)
        filters.addWidget(self.gender_filter)
        return filters

    def _build_table(self) -> None:
        """The voices (name, language, gender), filtered and sortable."""
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Voice", "Language", "Gender"])
        self.proxy = VoiceFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView(self)
        self.table.setObjectName("voiceTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def _build_actions(self) -> QHBoxLayout:
        """The voice or blend, the preview language, Preview and Use as default; the status line."""
        self.spec = QLineEdit(self)
        self.spec.setObjectName("voiceSpec")
        self.spec.setAccessibleName("Voice or blend")
        self.spec.setPlaceholderText("a voice, or a blend such as af_bella:2,af_sky:1")
        self.preview_language = QComboBox(self)
        self.preview_language.setObjectName("previewLanguage")
        self.preview_language.setAccessibleName("Language of the preview")
        for code in LANGUAGES:
            self.preview_language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.preview_button = QPushButton("&Preview", self)
        self.preview_button.setObjectName("previewButton")
        self.preview_button.setToolTip("Speak a sample sentence in this voice (in the background)")
        self.use_button = QPushButton("Use as &default voice", self)
        self.use_button.setObjectName("useVoiceButton")
        self.status = QLabel(self)
        self.status.setObjectName("voiceStatus")
        self.status.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Voice:", self))
        actions.addWidget(self.spec, 1)
        actions.addWidget(QLabel("Preview in", self))
        actions.addWidget(self.preview_language)
        actions.addWidget(self.preview_button)
        actions.addWidget(self.use_button)
        return actions

    def _connect(self) -> None:
        controller = self._controller
        for widget in (self.language_filter, self.gender_filter):
            widget.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.preview_button.clicked.connect(self.preview)
        self.use_button.clicked.connect(self.use_voice)
        controller.previews.ready.connect(self._on_preview_ready)
        controller.previews.failed.connect(self._on_preview_failed)

    def reload(self) -> None:
        """Re-read the installed voices file."""
        self.model.removeRows(0, self.model.rowCount())
        try:
            voices = self._controller.settings.available_voices()
        except VoicesUnavailable:
            voices = ()
            self.status.setText("No usable voices file: install one above to see and preview its voices.")
        if voices:
            self.status.clear()
        note = bundled_voices_note(voices)
        self.note.setText(note.replace("in Model & voices", "above"))
        self.note.setVisible(bool(note))
        for name in voices:
            info = describe_voice(name)
            self.model.appendRow(
                [QStandardItem(name), QStandardItem(info.language or "?"), QStandardItem(info.gender or "?")]
            )
        settings = self._controller.settings.current()
        self.spec.setText(settings.default_voice_id or "")
        self.preview_language.setCurrentIndex(max(0, self.preview_language.findData(settings.language)))
        for widget in (self.spec, self.preview_button, self.use_button, self.table):
            widget.setEnabled(bool(voices))

    def visible_voices(self) -> list[str]:
        return [self.proxy.index(r, 0).data() for r in range(self.proxy.rowCount())]

    def select_voice(self, name: str) -> None:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data() == name:
                self.table.selectRow(row)
                return

    def _apply_filter(self, *_: object) -> None:
        self.proxy.set_filter(
            self.search.text(), self.language_filter.currentData(), self.gender_filter.currentData()
        )

    def _on_row(self, current: object, _previous: object) -> None:
        index = self.proxy.index(self.table.currentIndex().row(), 0)
        name = index.data()
        if not name:
            return
        # The preview keeps the language chosen (the project's by default): Kokoro voices read other
        # languages too, e.g. the bundled Japanese voices read English well.
        self.spec.setText(name)

    def preview(self) -> None:
        voice = self.spec.text().strip()
        language = self.preview_language.currentData()
        self.status.setText(f"Preparing a preview of {voice}…")
        self.preview_button.setEnabled(False)
        self._waiting = self._controller.previews.request(voice, language)

    def _on_preview_ready(self, request_id: int, path: str) -> None:
        if request_id != self._waiting:
            return  # an older request: the user asked for another preview since
        self._waiting = None
        self.preview_button.setEnabled(True)
        problem = self._player.play(Path(path), PREVIEW_SEGMENT_ID)
        voice = self.spec.text().strip()
        if problem is None and (silent := self._player.output_problem()):
            problem = f"The preview of {voice} cannot be heard: {silent}."
        self.status.setText(problem or f"Playing a preview of {voice}.")
        self._playing_note = "" if problem else self.status.text()

    def _on_playing(self, playing: bool) -> None:
        """The preview ended: "Playing a preview of …" is no longer true."""
        if not playing and self._playing_note and self.status.text() == self._playing_note:
            self.status.clear()
        if not playing:
            self._playing_note = ""

    def _on_preview_failed(self, request_id: int, message: str) -> None:
        if request_id != self._waiting:
            return
        self._waiting = None
        self.preview_button.setEnabled(True)
        self.status.setText(message)

    def use_voice(self) -> None:
        try:
            settings = self._controller.settings.update(voice=self.spec.text())
        except (SettingsError, VoicesUnavailable) as error:
            self.status.setText(str(error))
            return
        voice = settings.default_voice_id or ""
        self.spec.setText(voice)
        self.status.setText(f"The default voice is now {voice}.")
        self.voice_chosen.emit(voice)
