"""Installing and downloading model files, and what damaged files do. Engine level (no Qt)."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from model_server import serving
from narrator_app.engine import KokoroModelLoader
from narrator_app.engine import download as downloads
from narrator_app.engine.download import OfficialFile, check_url, official_downloads
from narrator_app.engine.install import InstallCancelled, InstallError, from_files, install
from narrator_app.engine.model_choice import CHOICE_FILE
from narrator_app.engine.model_files import ModelFiles, locate_model_files

INT8 = "kokoro-v1.0.int8.onnx"
VOICES = "voices-v1.0.bin"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    return folder


@pytest.fixture
def loader(tmp_path: Path, target: Path) -> KokoroModelLoader:
    return KokoroModelLoader(tmp_path / "data", target)  # the real onnxruntime loader


def truncated_copy(source: Path, target: Path, fraction: float = 0.5) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction)])
    return target


# -- install from files -------------------------------------------------------------------------
def test_install_from_files_copies_checks_loads_and_reports_progress(
    real_model_dir: Path, target: Path, loader: KokoroModelLoader
) -> None:
    seen: list[tuple[int, int | None]] = []
    installed = install(
        target,
        from_files(real_model_dir / INT8, real_model_dir / VOICES),
        loader.validate,
        None,
        on_progress=lambda done, total, _what: seen.append((done, total)),
    )
    assert installed == ModelFiles(target / INT8, target / VOICES)
    assert sha(target / INT8) == sha(real_model_dir / INT8)
    assert leftovers(target) == []
    total = (real_model_dir / INT8).stat().st_size + (real_model_dir / VOICES).stat().st_size
    assert seen[-1] == (total, total) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    found = loader.availability()
    assert found.available and found.model == target / INT8 and found.source == "model_dir"


def test_a_truncated_model_is_rejected_and_the_working_model_stays(
    real_model_dir: Path, target: Path, loader: KokoroModelLoader, tmp_path: Path
) -> None:
    install(target, from_files(real_model_dir / INT8, real_model_dir / VOICES), loader.validate, None)
    before = sha(target / INT8)
    bad = truncated_copy(real_model_dir / INT8, tmp_path / "kokoro-v1.0.onnx")
    current = ModelFiles(target / INT8, target / VOICES)
    with pytest.raises(InstallError) as caught:
        install(target, from_files(bad, None), loader.validate, current)
    message = str(caught.value)
    assert str(bad) in message and "Nothing was installed" in message
    assert sorted(p.name for p in target.iterdir()) == [INT8, VOICES]  # no fp32 file, no temp file
    assert sha(target / INT8) == before
    assert loader.availability().available


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"just some text, not a voices archive", "not a Kokoro voices archive"),
    ],
)
def test_a_bad_voices_file_is_rejected_with_its_name(
    real_model_dir: Path,
    target: Path,
    loader: KokoroModelLoader,
    tmp_path: Path,
    content: bytes,
    expected: str,
) -> None:
    bad = tmp_path / "voices-v1.0.bin"
    bad.write_bytes(content)
    with pytest.raises(InstallError, match=expected) as caught:
        install(target, from_files(real_model_dir / INT8, bad), loader.validate, None)
    assert str(bad) in str(caught.value)
    assert list(target.iterdir()) == []


def test_a_zip_of_other_arrays_is_not_a_voices_archive(
    real_model_dir: Path, target: Path, loader: KokoroModelLoader, tmp_path: Path
) -> None:
    bad = tmp_path / "voices.npz"
    np.savez(bad, weights=np.zeros((4, 4)))
    with pytest.raises(InstallError, match="not a Kokoro voices archive"):
        install(target, from_files(real_model_dir / INT8, bad), loader.validate, None)
    with zipfile.ZipFile(tmp_path / "voices.bin", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InstallError, match="readme.txt"):
        install(target, from_files(real_model_dir / INT8, tmp_path / "voices.bin"), loader.validate, None)


def test_a_model_alone_needs_installed_voices(
    real_model_dir: Path, target: Path, loader: KokoroModelLoader
) -> None:
    with pytest.raises(InstallError, match="choose a voices file too"):
        install(target, from_files(real_model_dir / INT8, None), loader.validate, None)


def test_installing_keeps_the_other_model_in_the_folder_and_uses_the_new_one(
    real_model_dir: Path, target: Path, loader: KokoroModelLoader, tmp_path: Path
) -> None:
    install(target, from_files(real_model_dir / INT8, real_model_dir / VOICES), loader.validate, None)
    renamed = tmp_path / "kokoro-v1.0.fp16.onnx"  # the same bytes under another official name
    shutil.copyfile(real_model_dir / INT8, renamed)
    installed = install(
        target, from_files(renamed, None), loader.validate, ModelFiles(target / INT8, target / VOICES)
    )
    assert installed.model == target / "kokoro-v1.0.fp16.onnx"
    # Issue 12: nothing else in the folder is touched; the file installed last is the one used.
    assert sorted(p.name for p in target.iterdir()) == [CHOICE_FILE, "kokoro-v1.0.fp16.onnx", INT8, VOICES]
    loader.invalidate()
    assert loader.availability().model == target / "kokoro-v1.0.fp16.onnx"


# -- damaged files in place -----------------------------------------------------------------------
def put_model(folder: Path, real_model_dir: Path, model_bytes: bytes | None = None) -> None:
    if model_bytes is None:
        shutil.copyfile(real_model_dir / INT8, folder / INT8)
    else:
        (folder / INT8).write_bytes(model_bytes)
    shutil.copyfile(real_model_dir / VOICES, folder / VOICES)


@pytest.mark.parametrize(
    ("model_bytes", "expected"),
    [(b"", "is empty"), (b"<html>Not Found</html>", "is not an ONNX model")],
)
def test_an_empty_or_foreign_model_file_is_unavailable_with_its_name(
    real_model_dir: Path, target: Path, loader: KokoroModelLoader, model_bytes: bytes, expected: str
) -> None:
    put_model(target, real_model_dir, model_bytes)
    found = loader.availability()
    assert not found.available
    assert str(target / INT8) in found.problem and expected in found.problem


def test_a_truncated_model_becomes_unavailable_once_its_load_fails(
    real_model_dir: Path, target: Path, loader: KokoroModelLoader
) -> None:
    put_model(target, real_model_dir, (real_model_dir / INT8).read_bytes()[:5_000_000])
    assert loader.availability().available  # names and header look right: only a load can tell
    from narrator_app.engine.loader import ModelUnavailableError

    with pytest.raises(ModelUnavailableError, match="cannot be loaded") as caught:
        loader.get_model()
    assert str(target / INT8) in str(caught.value)
    found = loader.availability()
    assert not found.available and str(target / INT8) in found.problem
    put_model(target, real_model_dir)  # a good copy replaces it: available again, and it loads
    assert loader.availability().available
    loader.get_model()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 broken zip", b"plain text"])
def test_a_damaged_voices_file_is_unavailable_with_its_name(
    real_model_dir: Path, target: Path, content: bytes
) -> None:
    put_model(target, real_model_dir)
    (target / VOICES).write_bytes(content)
    found = locate_model_files(target.parent, target)
    assert not found.available
    assert str(target / VOICES) in found.problem


# -- downloads from a local server -----------------------------------------------------------------
@pytest.fixture
def release(tmp_path: Path, real_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder served as the release: the real int8 model (its pinned checksum applies) and, as
    voices-v1.0.bin, the bundled voices, whose checksum the test pins in place of the official one."""
    folder = tmp_path / "release" / "model-files-v1.0"
    folder.mkdir(parents=True)
    shutil.copyfile(real_model_dir / INT8, folder / INT8)
    shutil.copyfile(real_model_dir / VOICES, folder / VOICES)
    files = dict(downloads.OFFICIAL_FILES)
    files[VOICES] = OfficialFile(VOICES, "tiny", (folder / VOICES).stat().st_size, sha(folder / VOICES))
    monkeypatch.setattr(downloads, "OFFICIAL_FILES", files)
    return folder


def test_the_int8_pin_matches_the_real_model_bytes(real_model_dir: Path) -> None:
    pinned = downloads.OFFICIAL_FILES[INT8]
    assert (real_model_dir / INT8).stat().st_size == pinned.size == 92_361_271
    assert sha(real_model_dir / INT8) == pinned.sha256


def test_download_from_a_local_server_installs_the_files(
    release: Path, target: Path, loader: KokoroModelLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(release) as server:
        monkeypatch.setenv(downloads.URL_ENV, server.url)
        installed = install(target, official_downloads("int8"), loader.validate, None)
    assert server.requests == [INT8, VOICES]
    assert installed == ModelFiles(target / INT8, target / VOICES)
    assert sha(target / INT8) == downloads.OFFICIAL_FILES[INT8].sha256
    assert leftovers(target) == []


def test_a_truncated_download_installs_nothing(
    release: Path, target: Path, loader: KokoroModelLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(release) as server:
        server.truncate.add(INT8)
        monkeypatch.setenv(downloads.URL_ENV, server.url)
        with pytest.raises(InstallError, match="stopped|expected 92,361,271") as caught:
            install(target, official_downloads("int8"), loader.validate, None)
    assert "Nothing was installed" in str(caught.value)
    assert list(target.iterdir()) == []


def test_a_download_with_the_wrong_checksum_installs_nothing(
    release: Path, target: Path, loader: KokoroModelLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    (release / VOICES).write_bytes(b"x" * (release / VOICES).stat().st_size)  # same size, other bytes
    with serving(release) as server:
        monkeypatch.setenv(downloads.URL_ENV, server.url)
        with pytest.raises(InstallError, match="SHA-256"):
            install(target, official_downloads("int8"), loader.validate, None)
    assert list(target.iterdir()) == []


def test_a_cancelled_download_installs_nothing(
    release: Path, target: Path, loader: KokoroModelLoader, monkeypatch: pytest.MonkeyPatch
) -> None:
    progress: list[int] = []
    with serving(release) as server:
        monkeypatch.setenv(downloads.URL_ENV, server.url)
        with pytest.raises(InstallCancelled):
            install(
                target,
                official_downloads("int8"),
                loader.validate,
                None,
                on_progress=lambda done, _total, _what: progress.append(done),
                should_cancel=lambda: len(progress) >= 3,
            )
    assert 0 < len(progress) == 3
    assert list(target.iterdir()) == []


def test_downloads_are_https_only_except_for_the_local_test_server(monkeypatch: pytest.MonkeyPatch) -> None:
    assert downloads.base_url().startswith("https://github.com/thewh1teagle/kokoro-onnx/")
    check_url("http://127.0.0.1:8000/x")
    for bad in ("http://example.com/models", "ftp://127.0.0.1/x", "file:///tmp/x"):
        with pytest.raises(InstallError, match="HTTPS only"):
            check_url(bad)
    monkeypatch.setenv(downloads.URL_ENV, "http://mirror.example.com/")
    with pytest.raises(InstallError, match="NARRATOR_APP_MODEL_URL"):
        official_downloads("fp32")
    with pytest.raises(InstallError, match="Unknown model variant"):
        official_downloads("fp64")
