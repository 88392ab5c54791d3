"""Where Narrator keeps its data: command-line option, then environment, then platformdirs."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from narrator_app import APP_ID

DATA_DIR_ENV = "NARRATOR_APP_DATA_DIR"
MODEL_DIR_ENV = "NARRATOR_APP_MODEL_DIR"
DATABASE_NAME = "narrator.sqlite3"


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    if option:
        return Path(option).expanduser().resolve()
    if env := os.environ.get(DATA_DIR_ENV):
        return Path(env).expanduser().resolve()
    return platformdirs.user_data_path(APP_ID, appauthor=False)


def resolve_model_dir(option: str | os.PathLike[str] | None = None) -> Path | None:
    """The one model folder the user named, or None to search the usual places."""
    if option:
        return Path(option).expanduser().resolve()
    if env := os.environ.get(MODEL_DIR_ENV):
        return Path(env).expanduser().resolve()
    return None


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_NAME
