"""Logging: a rotating file in the platform's log folder, and warnings on stderr. No Qt here.

The log never holds segment text unless debug logging is on (messages name segments by id).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import traceback
from pathlib import Path

import platformdirs

from narrator_app import APP_ID

LOG_DIR_ENV = "NARRATOR_APP_LOG_DIR"
LOG_NAME = "narrator.log"
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def log_dir() -> Path:
    if env := os.environ.get(LOG_DIR_ENV):
        return Path(env).expanduser()
    return platformdirs.user_log_path(APP_ID, appauthor=False)


def setup_logging(*, debug: bool = False, to_file: bool = True) -> Path | None:
    """Configure the root logger once; returns the log file (None if it cannot be written)."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_narrator", False):
            root.removeHandler(handler)
            handler.close()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if debug else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console._narrator = True  # type: ignore[attr-defined]
    root.addHandler(console)
    if not debug:
        # phonemizer warns about word-count mismatches on ordinary punctuation (not actionable) and
        # resets its logger's level on every call, so its propagation is turned off instead.
        logging.getLogger("phonemizer").propagate = False
    if not to_file:
        return None
    path = log_dir() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as error:
        logging.getLogger(__name__).warning("Cannot write the log file %s: %s", path, error)
        return None
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    file_handler._narrator = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    return path


def error_for_log(error: BaseException) -> str:
    """An exception as the log should hold it: with debug logging, the full traceback; otherwise its
    type and the frames it passed through, but not its message, which may quote the user's text (a
    phonemizer error, an SQL statement's parameters)."""
    if logging.getLogger().isEnabledFor(logging.DEBUG):
        return "".join(traceback.format_exception(error)).rstrip()
    frames = "".join(traceback.format_list(traceback.extract_tb(error.__traceback__)))
    return f"{type(error).__qualname__} (its message is logged only with --debug)\n{frames}".rstrip()
