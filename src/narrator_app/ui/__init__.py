"""The Qt user interface."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from narrator_app.app.catalog import ModelFactory

if TYPE_CHECKING:
    from narrator_app.ui.main_window import MainWindow


def build_main_window(
    data_dir: Path | str,
    model_dir: Path | str | None = None,
    *,
    model_factory: ModelFactory | None = None,
    project: str | None = None,
) -> MainWindow:
    """Build the main window on the data dir (needs a QApplication)."""
    from narrator_app.app.controller import Controller
    from narrator_app.core.rules import ProjectError
    from narrator_app.ui.main_window import MainWindow
    from narrator_app.ui.window_state import last_project

    data_path = Path(data_dir)
    models = Path(model_dir) if model_dir is not None else None
    if project is not None:  # named on the command line: it must exist (else ProjectError)
        return MainWindow(Controller(data_path, models, model_factory=model_factory, project=project))
    try:  # the project open last time, if it still exists
        controller = Controller(
            data_path, models, model_factory=model_factory, project=last_project(data_path)
        )
    except ProjectError:
        controller = Controller(data_path, models, model_factory=model_factory)
    return MainWindow(controller)
