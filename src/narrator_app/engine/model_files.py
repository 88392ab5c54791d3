"""Finding the Kokoro model and voices files, and saying in words what is missing or wrong."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from narrator_app.engine.bundled import BUNDLED_MODEL_NAME, BundledModel, find_bundled_model
from narrator_app.engine.model_choice import prefer_chosen
from narrator_app.engine.voices import VoicesFileError, list_voices

# In order of preference when a folder holds several; then any other kokoro*.onnx (a custom export).
MODEL_NAMES = ("kokoro-v1.0.onnx", "kokoro-v1.0.int8.onnx", "kokoro-v1.0.fp16.onnx")
MODEL_PATTERN = "kokoro*.onnx"
VOICES_NAMES = ("voices-v1.0.bin",)
VOICES_PATTERNS = ("voices*.bin", "voices*.npz")
INSTALL_HINT_EXTRA = "pip install 'narrator-app[model]'"
# An ONNX file is a protobuf ModelProto; its first field (ir_version, a varint) starts with this byte.
ONNX_FIRST_BYTE = 0x08


class Source:
    MODEL_DIR = "model_dir"  # --model-dir / NARRATOR_APP_MODEL_DIR
    DATA_DIR = "data_dir"  # the data folder's models/
    CHECKOUT = "checkout"  # models/ of a source checkout
    BUNDLED = "bundled"  # the `model` extra


@dataclass(frozen=True)
class ModelFiles:
    """A model and a voices file that can be loaded as they are."""

    model: Path
    voices: Path


@dataclass(frozen=True)
class Availability:
    """What the search found. Cheap to compute: only names, sizes and a few header bytes are read."""

    model: Path | None
    voices: Path | None
    searched: tuple[Path, ...]
    # Set when the model comes from the `model` extra and still has to be assembled to `model`.
    bundled: BundledModel | None = None
    problem: str = ""
    source: str | None = None  # where the model file comes from (a Source value)

    @property
    def available(self) -> bool:
        return self.model is not None and self.voices is not None and not self.problem

    @property
    def needs_assembly(self) -> bool:
        return self.bundled is not None and self.model is not None and not self.model.is_file()

    @property
    def install_dir(self) -> Path:
        """Where installed or downloaded files go: the model folder given, else the data dir's models/."""
        return self.searched[0]

    def with_problem(self, problem: str) -> Availability:
        return replace(self, problem=problem)


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


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def model_candidates(place: Path) -> list[Path]:
    """The model files in a folder, in order of preference (empty ones included)."""
    found = [place / n for n in MODEL_NAMES if _size(place / n) is not None]
    if place.is_dir():
        found += [p for p in sorted(place.glob(MODEL_PATTERN)) if p.name not in MODEL_NAMES and p.is_file()]
    return prefer_chosen(place, "model", found)


def voices_candidates(place: Path) -> list[Path]:
    found = [place / n for n in VOICES_NAMES if _size(place / n) is not None]
    if place.is_dir():
        for pattern in VOICES_PATTERNS:
            found += [p for p in sorted(place.glob(pattern)) if p not in found and p.is_file()]
    return prefer_chosen(place, "voices", found)


def _first_usable(candidates: list[Path]) -> tuple[Path | None, Path | None]:
    """(the first non-empty file, the first empty one)."""
    usable = next((p for p in candidates if _size(p)), None)
    empty = next((p for p in candidates if _size(p) == 0), None)
    return usable, empty


def model_file_problem(path: Path) -> str:
    """What is wrong with a model file that a cheap look can tell (empty, not ONNX), or ""."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        return f"The model file {path} cannot be read: {error.strerror or error}."
    if not head:
        return f"The model file {path} is empty (0 bytes). Install the model again."
    if head[0] != ONNX_FIRST_BYTE:
        return (
            f"The model file {path} is not an ONNX model (it starts with {head[:8]!r}). Replace it "
            "with kokoro-v1.0.onnx, kokoro-v1.0.fp16.onnx or kokoro-v1.0.int8.onnx."
        )
    return ""


def voices_file_problem(path: Path) -> str:
    try:
        list_voices(path)
    except VoicesFileError as error:
        return f"{error} Replace it with voices-v1.0.bin."
    return ""


def locate_model_files(data_dir: Path, model_dir: Path | None = None) -> Availability:
    """Search the model folder given, or else the data dir's `models/`, a checkout's `models/`
    and the bundled model (the `model` extra), and describe what is missing or damaged."""
    places = search_places(data_dir, model_dir)
    model = voices = empty_model = empty_voices = None
    source = None
    for index, place in enumerate(places):
        usable, empty = _first_usable(model_candidates(place))
        empty_model = empty_model or empty
        if model is None and usable is not None:
            model = usable
            source = (
                Source.MODEL_DIR
                if model_dir is not None
                else (Source.DATA_DIR if index == 0 else Source.CHECKOUT)
            )
        usable, empty = _first_usable(voices_candidates(place))
        empty_voices = empty_voices or empty
        if voices is None and usable is not None:
            voices = usable

    bundled = None
    if model_dir is None and (model is None or voices is None):
        bundled = find_bundled_model()
        if bundled is not None:
            if voices is None:
                voices = bundled.voices
            if model is None:
                model = data_dir / "models" / BUNDLED_MODEL_NAME
            if voices == bundled.voices and model == data_dir / "models" / BUNDLED_MODEL_NAME:
                source = Source.BUNDLED  # assembled from the `model` extra (or still to be)
            else:
                bundled = None  # only its voices are used; nothing to assemble

    found = Availability(model, voices, places, bundled, "", source)
    if (model is None or voices is None) and (unreadable := unreadable_folder_problem(places)):
        return found.with_problem(unreadable)
    if model is None or voices is None:
        return found.with_problem(
            _missing_message(model, voices, places, model_dir, empty_model, empty_voices)
        )
    problems = [] if found.needs_assembly else [model_file_problem(model)]
    problems.append(voices_file_problem(voices))
    return found.with_problem(" ".join(p for p in problems if p))


def unreadable_folder_problem(places: tuple[Path, ...]) -> str:
    """A model folder that exists but cannot be listed: the files may be there, unseen."""
    for place in places:
        if place.exists() and not place.is_dir():
            return (
                f"The model folder {place} is a file, not a folder. Choose the folder that holds the files."
            )
        try:
            if place.is_dir():
                next(iter(os.scandir(place)), None)
        except PermissionError as error:
            return (
                f"The model folder {place} cannot be read ({error.strerror or error}): Narrator cannot "
                "see the model and voices files in it. Make it readable (for example chmod a+rx) or "
                "choose another folder."
            )
        except OSError:
            continue
    return ""


def _missing_message(
    model: Path | None,
    voices: Path | None,
    places: tuple[Path, ...],
    model_dir: Path | None,
    empty_model: Path | None,
    empty_voices: Path | None,
) -> str:
    missing = []
    if model is None:
        missing.append("model file (" + ", ".join(MODEL_NAMES[:-1]) + " or " + MODEL_NAMES[-1] + ")")
    if voices is None:
        missing.append(f"voices file ({VOICES_NAMES[0]})")
    where = ", ".join(str(p) for p in places)
    install_dir = places[0]
    lines = [f"The Kokoro {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed."]
    for what, empty in (("model", empty_model if model is None else None), ("voices", empty_voices)):
        if empty is not None and (what == "model" or voices is None):
            lines.append(f"The {what} file {empty} is empty (0 bytes).")
    if model_dir is not None:
        lines.append(
            f"Narrator looked only in {where}, the model folder given by --model-dir or "
            "NARRATOR_APP_MODEL_DIR."
        )
    else:
        lines.append(f"Narrator looked in {where} and for the bundled model (the `model` extra).")
    copy = f"copy kokoro-v1.0.onnx (or kokoro-v1.0.int8.onnx) and voices-v1.0.bin into {install_dir}"
    dialog = "use Model & voices… (File menu) to install or download them"
    if model_dir is not None:
        lines.append(
            f"To install: {dialog}, {copy}, or leave the model folder unset to use the bundled int8 "
            f"model and voices ({INSTALL_HINT_EXTRA})."
        )
    else:
        lines.append(
            f"To install: {dialog}, {INSTALL_HINT_EXTRA} for the bundled int8 model and voices, or {copy}."
        )
    return " ".join(lines)
