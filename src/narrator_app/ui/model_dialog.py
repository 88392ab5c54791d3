"""Model & voices…: where Narrator looks, what it found and what is wrong; install from files,
download the official model, use the bundled one; the execution provider; the voice picker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from narrator_app.app.catalog import (
    CUDA_PROVIDER,
    OFFICIAL_FILES,
    VARIANTS,
    VOICES_FILE,
    Source,
    model_status,
)
from narrator_app.app.controller import Controller
from narrator_app.ui.player import AudioPlayer
from narrator_app.ui.voice_picker import VoicePicker

SOURCE_NAMES = {
    Source.MODEL_DIR: "the model folder given (--model-dir or NARRATOR_APP_MODEL_DIR)",
    Source.DATA_DIR: "the data folder's models/",
    Source.CHECKOUT: "models/ of the source checkout",
    Source.BUNDLED: "the model that came with Narrator",
}
# How onnxruntime's providers are named to the user.
PROVIDER_NAMES = {"CPUExecutionProvider": "The CPU", "CUDAExecutionProvider": "The GPU (CUDA)"}
VARIANT_NAMES = {"fp32": "Full precision", "fp16": "Half precision", "int8": "Compact"}


def file_size(official: object) -> str:
    """One size for one file: the exact one when known (as the dialog shows the file in use)."""
    size = getattr(official, "size", None)
    return f"{size / 1e6:.1f} MB" if size else str(getattr(official, "approx_size", ""))


FileChooser = Callable[[], tuple[Path | None, Path | None]]


class ModelDialog(QDialog):
    def __init__(self, controller: Controller, player: AudioPlayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Model & voices")
        self.setObjectName("modelDialog")
        self.resize(760, 720)
        self._controller = controller
        self.models = controller.models
        # Asks for the model and voices files; tests replace it.
        self.choose_files: FileChooser = self._ask_for_files
        self.picker = VoicePicker(controller, player, self)
        voices = QGroupBox("Voices", self)
        QVBoxLayout(voices).addWidget(self.picker)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_in_use())
        layout.addWidget(self._build_install())
        layout.addWidget(voices, 1)
        layout.addWidget(close)
        self._connect()
        self._update_checksum_note()
        self._set_busy(self.models.busy)
        self.refresh()

    def _build_in_use(self) -> QGroupBox:
        """What is in use: the files, where they came from, the provider, where Narrator looks."""
        controller = self._controller
        self.model_label = self._value("modelFile")
        self.voices_label = self._value("voicesFile")
        self.source_label = self._value("modelSource")
        self.provider_label = self._value("providerLabel")
        self.places_label = self._value("searchPlaces")
        self.problem = self._value("modelProblem")
        self.problem.setStyleSheet("color: #c0392b;")
        self.provider = QComboBox(self)
        self.provider.setObjectName("providerCombo")
        self.provider.setAccessibleName("Execution provider")
        self.provider.addItem("CPU", "cpu")
        self.provider.addItem("GPU (CUDA)", "cuda")
        cuda = CUDA_PROVIDER in controller.loader.offered_providers()
        self.provider.model().item(1).setEnabled(cuda)  # type: ignore[attr-defined]
        self.provider.setToolTip(
            "CUDA is offered by this onnxruntime build."
            if cuda
            else "The GPU needs an NVIDIA graphics card and the GPU build of onnxruntime (onnxruntime-gpu); "
            "this installation runs on the CPU only."
        )
        self.provider.setCurrentIndex(max(0, self.provider.findData(controller.loader.provider)))

        found = QGroupBox("In use", self)
        form = QFormLayout(found)
        form.addRow("Model:", self.model_label)
        form.addRow("Voices:", self.voices_label)
        form.addRow("From:", self.source_label)
        provider_row = QHBoxLayout()
        provider_row.addWidget(self.provider)
        provider_row.addWidget(self.provider_label, 1)
        form.addRow("Runs on:", provider_row)
        form.addRow("Looks in:", self.places_label)
        form.addRow(self.problem)
        return found

    def _build_install(self) -> QGroupBox:
        """Install from files, download an official model, use the bundled one; progress and Cancel."""
        self.install_button = QPushButton("&Install from files…", self)
        self.install_button.setObjectName("installFilesButton")
        self.install_button.setToolTip(
            "Copy a Kokoro .onnx model and a voices .bin/.npz into the model folder"
        )
        self.variant = QComboBox(self)
        self.variant.setObjectName("variantCombo")
        self.variant.setAccessibleName("Model to download")
        for key, name in VARIANTS.items():
            label = VARIANT_NAMES.get(key, key)
            self.variant.addItem(f"{label} — {name} ({file_size(OFFICIAL_FILES[name])})", key)
        self.variant.setCurrentIndex(self.variant.findData("int8"))
        self.download_button = QPushButton("&Download", self)
        self.download_button.setObjectName("downloadButton")
        self.bundled_button = QPushButton("Use &bundled model", self)
        self.bundled_button.setObjectName("bundledButton")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelInstallButton")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("installProgress")
        self.task_label = QLabel(self)
        self.task_label.setObjectName("installStatus")
        self.task_label.setWordWrap(True)
        self.checksum_note = QLabel(self)
        self.checksum_note.setObjectName("checksumNote")
        self.checksum_note.setWordWrap(True)

        install = QGroupBox("Install", self)
        rows = QVBoxLayout(install)
        buttons = QHBoxLayout()
        buttons.addWidget(self.install_button)
        buttons.addWidget(self.bundled_button)
        buttons.addStretch(1)
        rows.addLayout(buttons)
        download = QHBoxLayout()
        download.addWidget(QLabel("Official model:", self))
        download.addWidget(self.variant, 1)
        download.addWidget(self.download_button)
        rows.addLayout(download)
        rows.addWidget(self.checksum_note)
        progress = QHBoxLayout()
        progress.addWidget(self.progress, 1)
        progress.addWidget(self.cancel_button)
        rows.addLayout(progress)
        rows.addWidget(self.task_label)
        return install

    def _connect(self) -> None:
        self.install_button.clicked.connect(self.install_from_files)
        self.download_button.clicked.connect(self.download)
        self.bundled_button.clicked.connect(self.use_bundled)
        self.cancel_button.clicked.connect(self.models.cancel)
        self.variant.currentIndexChanged.connect(self._update_checksum_note)
        self.provider.currentIndexChanged.connect(self._on_provider)
        self.models.progress.connect(self._on_progress)
        self.models.finished.connect(self._on_finished)
        self.models.failed.connect(self._on_failed)
        self._controller.model_prepared.connect(lambda _problem: self.refresh())

    def _value(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setWordWrap(True)
        return label

    # -- what is in use ---------------------------------------------------------------------
    def refresh(self) -> None:
        status = model_status(self._controller.loader)
        if status.model_file is not None:
            details = ", ".join(
                part
                for part in (
                    status.precision,
                    f"{status.model_size / 1e6:.1f} MB" if status.model_size else "",
                    "put together on first use"
                    if status.model_size and not status.model_file.is_file()
                    else "",
                )
                if part
            )
            self.model_label.setText(f"{status.model_file.name}" + (f" ({details})" if details else ""))
            self.model_label.setToolTip(str(status.model_file))
        else:
            self.model_label.setText("none found")
        if status.voices_file is not None:
            self.voices_label.setText(f"{status.voices_file.name} — {len(status.voices)} voices")
            self.voices_label.setToolTip(str(status.voices_file))
        else:
            self.voices_label.setText("none found")
        self.source_label.setText(SOURCE_NAMES.get(status.source or "", "—"))
        loaded = "runs" if self._controller.loader.is_loaded else "will run"
        provider = PROVIDER_NAMES.get(status.provider, status.provider)
        self.provider_label.setText(f"{provider} {loaded} the model")
        self.provider_label.setToolTip(status.provider)  # onnxruntime's name, for a bug report
        places = [str(p) for p in status.searched]
        if self._controller.loader.model_dir is None:  # with a model folder given, only it is searched
            places.append("the bundled model" + ("" if status.bundled else " (not installed)"))
        self.places_label.setText("\n".join(places))
        self.problem.setText(status.problem)
        self.problem.setVisible(bool(status.problem))
        self.bundled_button.setEnabled(status.bundled and not self.models.busy)
        self.install_button.setToolTip(f"Copied into {status.install_dir}, checked, then used")

    def _update_checksum_note(self, *_: object) -> None:
        model = OFFICIAL_FILES[VARIANTS[self.variant.currentData()]]
        unpinned = [f.name for f in (model, OFFICIAL_FILES[VOICES_FILE]) if f.sha256 is None]
        text = "Downloaded over HTTPS from the kokoro-onnx release model-files-v1.0, then checked "
        text += "(its checksum and size) and loaded before anything is replaced."
        if unpinned:
            text += f" No checksum is known for {', '.join(unpinned)}: only its size and loading are checked."
        self.checksum_note.setText(text)

    def _on_provider(self, *_: object) -> None:
        self._controller.settings.set_provider(self.provider.currentData())
        self.refresh()

    # -- installing ---------------------------------------------------------------------------
    def _ask_for_files(self) -> tuple[Path | None, Path | None]:
        model, _ = QFileDialog.getOpenFileName(
            self, "Choose the Kokoro model", str(Path.home()), "ONNX models (*.onnx);;All files (*)"
        )
        if not model:
            return None, None
        voices, _ = QFileDialog.getOpenFileName(
            self,
            "Choose the voices file",
            str(Path(model).parent),
            "Kokoro voices (*.bin *.npz);;All files (*)",
        )
        return Path(model), Path(voices) if voices else None

    def install_from_files(self) -> None:
        model, voices = self.choose_files()
        if model is None and voices is None:
            return
        self._start(lambda: self.models.install_files(model, voices), "Installing…")

    def download(self) -> None:
        variant = self.variant.currentData()
        self._start(lambda: self.models.download(variant), f"Downloading {VARIANTS[variant]}…")

    def use_bundled(self) -> None:
        self._start(self.models.use_bundled, "Preparing the bundled model…")

    def _start(self, start: Callable[[], str], text: str) -> None:
        problem = start()
        if problem:
            self.task_label.setText(problem)
            return
        self.progress.setRange(0, 0)
        self.task_label.setText(text)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.install_button, self.download_button, self.variant):
            button.setEnabled(not busy)
        self.bundled_button.setEnabled(not busy and model_status(self._controller.loader).bundled)
        self.cancel_button.setEnabled(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)

    def _on_progress(self, fraction: float, what: str) -> None:
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(fraction * 1000))
        self.task_label.setText(what)

    def _on_finished(self, message: str) -> None:
        self._set_busy(False)
        self.task_label.setText(message)
        self.picker.reload()
        self.refresh()

    def _on_failed(self, message: str, cancelled: bool) -> None:
        self._set_busy(False)
        self.task_label.setText(message)
        self.refresh()
