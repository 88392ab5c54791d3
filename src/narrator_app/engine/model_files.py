"""Finding the Kokoro model and voices files, and saying in words what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from narrator_app.engine.bundled import BUNDLED_MODEL_NAME, BundledModel, find_bundled_model

# In order of preference when a folder holds several.
MODEL_NAMES = ("kokoro-v1.0.onnx", "kokoro-v1.0.int8.onnx", "kokoro-v1.0.fp16.onnx")
VOICES_NAMES = ("voices-v1.0.bin",)
VOICES_PATTERNS = ("voices*.bin", "voices*.npz")
INSTALL_HINT_EXTRA = "pip install 'narrator-app[model]'"


@dataclass(frozen=True)
class ModelFiles:
    """A model and a voices file that can be loaded as they are."""

    model: Path
    voices: Path


@dataclass(frozen=True)
class Availability:
    """What the search found. Cheap to compute: nothing is read or hashed."""

    model: Path | None
    voices: Path | None
    searched: tuple[Path, ...]
    # Set when the model comes from the `model` extra and still has to be assembled to `model`.
    bundled: BundledModel | None = None
    problem: str = ""

    @property
    def available(self) -> bool:
        return self.model is not None and self.voices is not None

    @property
    def needs_assembly(self) -> bool:
        return self.bundled is not None and self.model is not None and not self.model.is_file()


def checkout_models_dir() -> Path | None:
    """`models/` of a source checkout, when running from one."""
    root = Path(__file__).resolve().parents[3]
    if (root / "pyproject.toml").is_file() and (root / "src" / "narrator_app").is_dir():
        return root / "models"
    return None


def search_places(data_dir: Path, model_dir: Path | None) -> tuple[Path, ...]:
    if model_dir is not None:
        return (model_dir,)
    places = [data_dir / "models"]
    if (checkout := checkout_models_dir()) is not None:
        places.append(checkout)
    return tuple(places)


def _usable(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _find_model(place: Path) -> Path | None:
    return next((place / n for n in MODEL_NAMES if _usable(place / n)), None)


def _find_voices(place: Path) -> Path | None:
    for name in VOICES_NAMES:
        if _usable(place / name):
            return place / name
    if not place.is_dir():
        return None
    for pattern in VOICES_PATTERNS:
        for candidate in sorted(place.glob(pattern)):
            if _usable(candidate):
                return candidate
    return None


def locate_model_files(data_dir: Path, model_dir: Path | None = None) -> Availability:
    """Search the model folder given, or else the data dir's `models/`, a checkout's `models/`
    and the bundled model (the `model` extra), and describe what is missing."""
    places = search_places(data_dir, model_dir)
    model = next((m for p in places if (m := _find_model(p)) is not None), None)
    voices = next((v for p in places if (v := _find_voices(p)) is not None), None)

    bundled = None
    if model_dir is None and (model is None or voices is None):
        bundled = find_bundled_model()
        if bundled is not None:
            if voices is None:
                voices = bundled.voices
            if model is None:
                model = data_dir / "models" / BUNDLED_MODEL_NAME
            else:
                bundled = None  # only its voices are used; nothing to assemble

    problem = "" if model and voices else _missing_message(model, voices, places, model_dir)
    return Availability(model, voices, places, bundled, problem)


def _missing_message(
    model: Path | None, voices: Path | None, places: tuple[Path, ...], model_dir: Path | None
) -> str:
    missing = []
    if model is None:
        missing.append("model file (" + ", ".join(MODEL_NAMES[:-1]) + " or " + MODEL_NAMES[-1] + ")")
    if voices is None:
        missing.append(f"voices file ({VOICES_NAMES[0]})")
    where = ", ".join(str(p) for p in places)
    install_dir = places[0]
    lines = [f"The Kokoro {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed."]
    if model_dir is not None:
        lines.append(
            f"Narrator looked only in {where}, the model folder given by --model-dir or "
            "NARRATOR_APP_MODEL_DIR."
        )
    else:
        lines.append(f"Narrator looked in {where} and for the bundled model (the `model` extra).")
    copy = f"copy kokoro-v1.0.onnx (or kokoro-v1.0.int8.onnx) and voices-v1.0.bin into {install_dir}"
    if model_dir is not None:
        lines.append(
            f"To install: {copy}, or leave the model folder unset to use the bundled int8 model "
            f"and voices ({INSTALL_HINT_EXTRA})."
        )
    else:
        lines.append(f"To install: {INSTALL_HINT_EXTRA} for the bundled int8 model and voices, or {copy}.")
    return " ".join(lines)
