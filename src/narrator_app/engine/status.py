"""What the model dialog and `models status` show: which files are used, from where, on which
provider, and what is wrong, in words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from narrator_app.engine.bundled import find_bundled_model
from narrator_app.engine.loader import KokoroModelLoader, ModelUnavailableError
from narrator_app.engine.voices import VoicesFileError, list_voices


def precision_of(path: Path | None) -> str:
    """fp32, fp16 or int8, from the official file names; "" when the name does not say."""
    if path is None:
        return ""
    name = path.name
    if "int8" in name:
        return "int8"
    if "fp16" in name:
        return "fp16"
    if name == "kokoro-v1.0.onnx":
        return "fp32"
    return ""


@dataclass(frozen=True)
class ModelStatus:
    available: bool
    model_file: Path | None
    voices_file: Path | None
    voices: tuple[str, ...]
    source: str | None
    provider: str  # the onnxruntime provider that runs (or would run) the model
    problem: str
    model_size: int | None  # bytes; None while the bundled model is not assembled yet
    precision: str
    searched: tuple[Path, ...]
    install_dir: Path
    bundled: bool  # the `model` extra is installed
    verified: bool  # the model was loaded (and so is known to load)

    def to_json(self) -> dict[str, object]:
        return {
            "available": self.available,
            "model_file": str(self.model_file) if self.model_file else None,
            # False while the bundled model is still to be put together (on first use): then
            # `model_file` names where it will be, not a file that exists yet.
            "assembled": self.model_file is not None and self.model_file.is_file(),
            "voices_file": str(self.voices_file) if self.voices_file else None,
            "voices": list(self.voices),
            "source": self.source,
            "provider": self.provider,
            "problem": self.problem or None,
        }


def model_status(loader: KokoroModelLoader, *, verify: bool = False) -> ModelStatus:
    """The status from names, sizes and headers; with `verify`, load the model too (blocking, about
    a second: never on the UI thread) so that a damaged file shows as unavailable."""
    verified = False
    first = loader.availability()
    # The bundled model still to be assembled is checked by its SHA-256 when it is; not written here.
    if verify and first.available and not first.needs_assembly:
        try:
            loader.get_model()
            verified = True
        except ModelUnavailableError:
            pass  # recorded by the loader: availability() now says what is wrong
    found = loader.availability()
    voices: tuple[str, ...] = ()
    if found.voices is not None:
        try:
            voices = list_voices(found.voices)
        except VoicesFileError:
            voices = ()
    size = None
    if found.needs_assembly and found.bundled is not None:
        size = found.bundled.size
    elif found.model is not None:
        try:
            size = found.model.stat().st_size
        except OSError:
            size = None
    return ModelStatus(
        available=found.available,
        model_file=found.model,
        voices_file=found.voices,
        voices=voices,
        source=found.source,
        provider=loader.running_provider(),
        problem=found.problem,
        model_size=size,
        precision=precision_of(found.model),
        searched=found.searched,
        install_dir=found.install_dir,
        bundled=find_bundled_model() is not None,
        verified=verified or loader.is_loaded,
    )
