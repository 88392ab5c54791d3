"""Logging, the About box and the dialog for unexpected errors."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from fakes import FakeKokoro
from narrator_app.logs import setup_logging
from narrator_app.ui.help import ErrorReporter, about_text


def test_the_log_goes_to_a_rotating_file_in_the_log_dir(tmp_path: Path) -> None:
    path = setup_logging(to_file=True)
    try:
        assert path == tmp_path / "logs" / "narrator.log"
        logging.getLogger("narrator_app.test").info("hello from the test")
        for handler in logging.getLogger().handlers:
            handler.flush()
        assert "hello from the test" in path.read_text(encoding="utf-8")
    finally:
        setup_logging(to_file=False)  # release the file


def test_about_names_the_versions_and_the_model(tmp_path: Path) -> None:
    text = about_text(tmp_path / "kokoro-v1.0.int8.onnx")
    for part in ("Narrator", "Qt", "PySide6", "onnxruntime", "kokoro-onnx", "kokoro-v1.0.int8.onnx"):
        assert part in text
    assert "none installed" in about_text(None)


def test_an_unexpected_error_is_shown_logged_and_the_app_goes_on(
    qtbot, make_controller, fake_model_dir: Path, tmp_path: Path, caplog
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui.main_window import MainWindow

    window = MainWindow(make_controller(fake_model_dir, FakeKokoro()))
    qtbot.addWidget(window)
    window.show()
    reporter = ErrorReporter(window, tmp_path / "logs" / "narrator.log")
    previous = sys.excepthook
    reporter.install()
    try:
        # An exception escaping a slot reaches sys.excepthook, as in the running app.
        window.commands.add.triggered.connect(lambda: 1 / 0)
        with caplog.at_level(logging.ERROR):
            window.commands.add.trigger()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    finally:
        sys.excepthook = previous
    dialog = reporter.dialog
    assert "division by zero" in dialog.text()
    assert str(tmp_path / "logs" / "narrator.log") in dialog.informativeText()
    assert "ZeroDivisionError" in dialog.detailedText()
    assert "Unexpected error" in caplog.text
    assert window.controller.segments.all()  # the add itself still happened; the app is running
    dialog.close()
