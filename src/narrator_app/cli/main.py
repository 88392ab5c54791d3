"""Command line: no subcommand opens the window; subcommands drive the same controller headless."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from narrator_app import APP_ID
from narrator_app.cli import audio, chapters, models, segments, settings, takes
from narrator_app.cli.common import (
    EXIT_BY_REASON,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    UsageError,
    emit,
)
from narrator_app.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    Parser.json_errors = "--json" in argv
    args = build_parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    from narrator_app.logs import setup_logging

    # The window logs to a file (Help → Open log folder); commands log to stderr only.
    log_file = setup_logging(debug=debug, to_file=args.command is None)
    from narrator_app.paths import resolve_data_dir, resolve_model_dir

    if args.install_desktop_entry:
        from narrator_app.desktop import install_desktop_entry

        written = install_desktop_entry()
        emit(args, {"installed": [str(p) for p in written]}, "\n".join(f"installed {p}" for p in written))
        return EXIT_OK
    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    model_dir = resolve_model_dir(getattr(args, "model_dir", None))
    if args.command is None:
        from narrator_app.ui.app import run_gui

        return run_gui(data_dir, model_dir, log_file, getattr(args, "project", None))
    try:
        return _run_command(args, data_dir, model_dir)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:  # one line for the user; the traceback only with --debug
        if debug:
            raise
        emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_FAILED


def _run_command(args: argparse.Namespace, data_dir: Path, model_dir: Path | None) -> int:
    from PySide6.QtCore import QCoreApplication

    from narrator_app.app.controller import Controller
    from narrator_app.app.errors import DatabaseError
    from narrator_app.core.rules import ProjectError

    app = QCoreApplication.instance() or QCoreApplication([APP_ID])
    app.setApplicationName(APP_ID)
    try:
        controller = Controller(data_dir, model_dir, project=getattr(args, "project", None))
    except DatabaseError as error:
        emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_FAILED
    except ProjectError as error:
        emit(
            args,
            {"status": "ERROR", "reason": "not_found", "message": str(error)},
            f"error: {error}",
            err=True,
        )
        return EXIT_BY_REASON["not_found"]
    try:
        grouped = ("segments", "projects", "models", "chapters")
        key = f"{args.command} {args.action}" if args.command in grouped else args.command
        handler: Callable[[argparse.Namespace, Any], int] = _HANDLERS[key]
        return handler(args, controller)
    except ProjectError as error:
        emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_USAGE
    except UsageError as error:
        emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_USAGE
    finally:
        controller.shutdown()


_HANDLERS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "projects list": segments.cmd_projects_list,
    "projects create": segments.cmd_projects_create,
    "projects rename": segments.cmd_projects_rename,
    "projects delete": segments.cmd_projects_delete,
    "segments add": segments.cmd_add,
    "segments list": segments.cmd_list,
    "segments set": segments.cmd_set,
    "segments delete": segments.cmd_delete,
    "generate": audio.cmd_generate,
    "generate-all": audio.cmd_generate_all,
    "export": audio.cmd_export,
    "import": chapters.cmd_import,
    "chapters list": chapters.cmd_chapters_list,
    "chapters add": chapters.cmd_chapters_add,
    "chapters rename": chapters.cmd_chapters_rename,
    "chapters move": chapters.cmd_chapters_move,
    "chapters delete": chapters.cmd_chapters_delete,
    "settings": settings.cmd_settings,
    "voices": settings.cmd_voices,
    "models status": models.cmd_models_status,
    "models install": models.cmd_models_install,
    "models download": models.cmd_models_download,
    **takes.HANDLERS,
}
