"""Command line: no subcommand opens the window; subcommands drive the same controller headless."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from narrator_app import APP_ID
from narrator_app.cli import audio, chapters, lexicon, models, segments, settings, takes
from narrator_app.cli.common import (
    EXIT_BY_REASON,
    EXIT_FAILED,
    EXIT_IN_USE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    UsageError,
    emit,
)
from narrator_app.cli.guard import check_arguments_decode, is_output_error, run_with_output_guard, user_path
from narrator_app.cli.parser import build_parser
from narrator_app.paths import DATA_DIR_ENV, MODEL_DIR_ENV


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; output that cannot be written (closed pipe, full device) is handled here."""
    return run_with_output_guard(lambda: _main(argv))


def _main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    Parser.json_errors = "--json" in argv
    try:
        check_arguments_decode(argv)
    except UsageError as error:
        emit(
            argparse.Namespace(json=Parser.json_errors),
            {"status": "ERROR", "message": str(error)},
            f"error: {error}",
            err=True,
        )
        return EXIT_USAGE
    args = build_parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    from narrator_app.logs import setup_logging

    # The window logs to a file (Help → Open log folder); commands log to stderr only.
    log_file = setup_logging(debug=debug, to_file=args.command is None)
    from narrator_app.app.errors import as_user_error
    from narrator_app.paths import database_path, resolve_data_dir, resolve_model_dir

    if args.install_desktop_entry:
        from narrator_app.desktop import install_desktop_entry

        written = install_desktop_entry()
        emit(args, {"installed": [str(p) for p in written]}, "\n".join(f"installed {p}" for p in written))
        return EXIT_OK
    try:
        data_dir, model_dir = _folders(args, resolve_data_dir, resolve_model_dir)
    except UsageError as error:
        emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_USAGE
    if args.command is None:
        from narrator_app.ui.app import run_gui

        return run_gui(data_dir, model_dir, log_file, getattr(args, "project", None))
    try:
        return _run_command(args, data_dir, model_dir)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as error:  # one line for the user; the traceback only with --debug
        if debug or is_output_error(error):
            raise
        error = as_user_error(error, database_path(data_dir))  # a sentence, not SQL (store/errors.py)
        emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_FAILED


def _folders(args: argparse.Namespace, data: Any, model: Any) -> tuple[Path, Path | None]:
    """--data-dir and --model-dir checked (not empty, no unknown ~user, no symlink loop), else the
    environment's or the usual folders."""
    data_opt, model_opt = getattr(args, "data_dir", None), getattr(args, "model_dir", None)
    data_env, model_env = os.environ.get(DATA_DIR_ENV), os.environ.get(MODEL_DIR_ENV)
    data_dir = (
        user_path(data_opt, "--data-dir")
        if data_opt is not None
        else user_path(data_env, DATA_DIR_ENV)
        if data_env is not None  # set but empty: refused, as --data-dir ""
        else data()
    )
    model_dir = (
        user_path(model_opt, "--model-dir")
        if model_opt is not None
        else user_path(model_env, MODEL_DIR_ENV)
        if model_env is not None
        else model()
    )
    return data_dir, model_dir


# The commands that only read the project: beside a window (or another command) that holds the data
# folder they run on a read-only view of the database instead of being refused (exit 7). `export`
# and `lexicon export` write only outside the data folder; `settings` only when given no option.
READ_ONLY_COMMANDS = frozenset(
    {
        "projects list",
        "segments list",
        "segments takes",
        "chapters list",
        "lexicon list",
        "lexicon export",
        "speak-text",
        "voices",
        "models status",
        "export",
        "settings",
    }
)


def command_key(args: argparse.Namespace) -> str:
    grouped = ("segments", "projects", "models", "chapters", "lexicon")
    return f"{args.command} {args.action}" if args.command in grouped else str(args.command)


def reads_only(args: argparse.Namespace, data_dir: Path) -> bool:
    """Whether this command line changes nothing in the data folder (READ_ONLY_COMMANDS)."""
    key = command_key(args)
    if key == "settings":
        changes = ("voice", "speed", "language", "take_limit", "auto_trim")
        return all(getattr(args, name, None) is None for name in changes)
    if key == "lexicon export":
        from narrator_app.core.export_targets import ExportTargetError, check_export_targets

        try:  # a file into the data folder would be a write there: refused as before
            check_export_targets([Path(args.out).absolute()], data_dir)
        except ExportTargetError:
            return False
    return key in READ_ONLY_COMMANDS


def _open(args: argparse.Namespace, data_dir: Path, model_dir: Path | None) -> Any:
    """The controller for this command, or the exit code of why there is none. A command that only
    reads runs beside the Narrator holding the data folder (read-only); one that changes things is
    refused with EXIT_IN_USE."""
    from narrator_app.app.controller import Controller
    from narrator_app.app.datalock import DataDirInUse
    from narrator_app.app.errors import DatabaseError, NeedsUpgrade
    from narrator_app.core.rules import ProjectError

    # `lexicon … --project` without a name: the default project's own entries.
    project = getattr(args, "project", None) or None
    try:
        try:
            return Controller(data_dir, model_dir, project=project)
        except DataDirInUse:
            if not reads_only(args, data_dir):
                raise
            return Controller(data_dir, model_dir, project=project, read_only=True)
    except DatabaseError as error:
        in_use = isinstance(error, (DataDirInUse, NeedsUpgrade))
        reason = {"reason": "needs_upgrade" if isinstance(error, NeedsUpgrade) else "in_use"}
        payload = {"status": "ERROR", "message": str(error)} | (reason if in_use else {})
        emit(args, payload, f"error: {error}", err=True)
        return EXIT_IN_USE if in_use else EXIT_FAILED
    except ProjectError as error:
        emit(
            args,
            {"status": "ERROR", "reason": "not_found", "message": str(error)},
            f"error: {error}",
            err=True,
        )
        return EXIT_BY_REASON["not_found"]


def _run_command(args: argparse.Namespace, data_dir: Path, model_dir: Path | None) -> int:
    from PySide6.QtCore import QCoreApplication

    from narrator_app.core.rules import ProjectError

    app = QCoreApplication.instance() or QCoreApplication([APP_ID])
    app.setApplicationName(APP_ID)
    controller = _open(args, data_dir, model_dir)
    if isinstance(controller, int):
        return controller
    try:
        handler: Callable[[argparse.Namespace, Any], int] = _HANDLERS[command_key(args)]
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
    "lexicon add": lexicon.cmd_lexicon_add,
    "lexicon list": lexicon.cmd_lexicon_list,
    "lexicon remove": lexicon.cmd_lexicon_remove,
    "lexicon export": lexicon.cmd_lexicon_export,
    "lexicon import": lexicon.cmd_lexicon_import,
    "speak-text": lexicon.cmd_speak_text,
    **takes.HANDLERS,
}
