"""Command line: no subcommand opens the window; subcommands drive the same controller headless."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from narrator_app import APP_ID, __version__, cli_models

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl+C: work was cancelled, what had finished was kept
EXIT_BY_REASON = {"empty_text": 3, "not_found": 4, "locked": 5, "model_missing": 6, "invalid": 2}

log = logging.getLogger(__name__)


class UsageError(Exception):
    """Bad command-line input: exit 2 with this message."""


class _Parser(argparse.ArgumentParser):
    json_errors = False  # set from the command line being parsed; subparsers share it

    def error(self, message: str) -> NoReturn:
        if _Parser.json_errors:
            print(json.dumps({"status": "ERROR", "message": message}))
            sys.exit(EXIT_USAGE)
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    # Shared options are accepted before or after the subcommand.
    common = _Parser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help="where the database and audio live")
    common.add_argument(
        "--model-dir", default=argparse.SUPPRESS, help="the only folder searched for model files"
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON object"
    )
    common.add_argument(
        "--project", default=argparse.SUPPRESS, help="the project to work on (default: the default project)"
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="verbose log, tracebacks"
    )

    parser = _Parser(prog=APP_ID, description="Narrator: a desktop narration studio.", parents=[common])
    parser.add_argument("--version", action="version", version=f"{APP_ID} {__version__}")
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Narrator to the application menu (for the current user) and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    projects = sub.add_parser("projects", help="list, create, rename and delete projects", parents=[common])
    project_sub = projects.add_subparsers(dest="action", metavar="ACTION", required=True)
    project_sub.add_parser("list", help="every project with its number of segments", parents=[common])
    create = project_sub.add_parser("create", help="a new, empty project", parents=[common])
    create.add_argument("name")
    rename = project_sub.add_parser("rename", help="give a project another name", parents=[common])
    rename.add_argument("old")
    rename.add_argument("new")
    remove = project_sub.add_parser(
        "delete", help="delete a project, its segments and audio", parents=[common]
    )
    remove.add_argument("name")
    remove.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    segments = sub.add_parser("segments", help="add, list, edit and delete segments", parents=[common])
    seg_sub = segments.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = seg_sub.add_parser("add", help="add a segment at the end", parents=[common])
    add.add_argument("text")
    add.add_argument("--locked", action="store_true")
    seg_sub.add_parser("list", help="list the segments in order", parents=[common])
    set_ = seg_sub.add_parser("set", help="change a segment's text or lock", parents=[common])
    set_.add_argument("id", type=int)
    set_.add_argument("--text")
    set_.add_argument("--voice", help='this segment\'s voice or blend; "" for the global voice')
    lock = set_.add_mutually_exclusive_group()
    lock.add_argument("--lock", dest="locked", action="store_const", const=True)
    lock.add_argument("--unlock", dest="locked", action="store_const", const=False)
    delete = seg_sub.add_parser("delete", help="delete a segment and its audio", parents=[common])
    delete.add_argument("id", type=int)

    generate = sub.add_parser("generate", help="generate one segment's audio and wait", parents=[common])
    generate.add_argument("id", type=int)

    generate_all = sub.add_parser(
        "generate-all",
        help="generate every segment whose audio is missing or outdated, and wait",
        parents=[common],
    )
    generate_all.add_argument(
        "--all", dest="regenerate", action="store_true", help="also segments whose audio is up to date"
    )

    import_ = sub.add_parser(
        "import", help="add a .txt or .md file's paragraphs as segments at the end", parents=[common]
    )
    import_.add_argument("file")
    import_.add_argument(
        "--max-chars",
        type=int,
        default=1000,
        help="split paragraphs longer than this at sentence ends (default 1000)",
    )

    export = sub.add_parser(
        "export", help="join every segment's audio into one file, with subtitles", parents=[common]
    )
    export.add_argument("--out", required=True, help="the audio file to write")
    export.add_argument(
        "--format", dest="fmt", choices=("wav", "flac", "mp3"), help="default: from --out, else wav"
    )
    export.add_argument("--pause", type=float, default=0.5, help="seconds between segments (default 0.5)")
    export.add_argument("--subtitles", choices=("srt", "vtt"), help="also write subtitles beside the audio")
    export.add_argument("--segments-dir", help="also write each segment's audio into this folder")
    export.add_argument(
        "--skip-missing",
        action="store_true",
        help="leave out segments without current audio instead of refusing",
    )

    settings = sub.add_parser("settings", help="show or change voice, speed and language", parents=[common])
    settings.add_argument("--voice")
    settings.add_argument("--speed", type=float)
    settings.add_argument("--language")

    sub.add_parser("voices", help="list the voices in the installed voices file", parents=[common])
    from narrator_app.cli_models import add_model_commands

    add_model_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _Parser.json_errors = "--json" in argv
    args = build_parser().parse_args(argv)
    debug = getattr(args, "debug", False)
    from narrator_app.logs import setup_logging

    # The window logs to a file (Help → Open log folder); commands log to stderr only.
    log_file = setup_logging(debug=debug, to_file=args.command is None)
    from narrator_app.paths import resolve_data_dir, resolve_model_dir

    if args.install_desktop_entry:
        from narrator_app.desktop import install_desktop_entry

        written = install_desktop_entry()
        _emit(args, {"installed": [str(p) for p in written]}, "\n".join(f"installed {p}" for p in written))
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
        _emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_FAILED


def _run_command(args: argparse.Namespace, data_dir: Path, model_dir: Path | None) -> int:
    from PySide6.QtCore import QCoreApplication

    from narrator_app.controller import Controller
    from narrator_app.rules import ProjectError
    from narrator_app.store.database import DatabaseError

    app = QCoreApplication.instance() or QCoreApplication([APP_ID])
    app.setApplicationName(APP_ID)
    try:
        controller = Controller(data_dir, model_dir, project=getattr(args, "project", None))
    except DatabaseError as error:
        _emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_FAILED
    except ProjectError as error:
        _emit(
            args,
            {"status": "ERROR", "reason": "not_found", "message": str(error)},
            f"error: {error}",
            err=True,
        )
        return EXIT_BY_REASON["not_found"]
    try:
        grouped = ("segments", "projects", "models")
        key = f"{args.command} {args.action}" if args.command in grouped else args.command
        handler: Callable[[argparse.Namespace, Any], int] = _HANDLERS[key]
        return handler(args, controller)
    except ProjectError as error:
        _emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_USAGE
    except UsageError as error:
        _emit(args, {"status": "ERROR", "message": str(error)}, f"error: {error}", err=True)
        return EXIT_USAGE
    finally:
        controller.shutdown()


def _emit(args: argparse.Namespace, payload: dict[str, Any], text: str, *, err: bool = False) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(text, file=sys.stderr if err else sys.stdout)


def _refused(args: argparse.Namespace, refusal: Any) -> int:
    _emit(
        args,
        {
            "segment_id": refusal.segment_id,
            "status": "REFUSED",
            "reason": str(refusal.reason),
            "message": refusal.message,
        },
        f"refused ({refusal.reason}): {refusal.message}",
        err=True,
    )
    return EXIT_BY_REASON[str(refusal.reason)]


def _segment_json(record: Any, controller: Any = None) -> dict[str, Any]:
    extra = {} if controller is None else {"audio_status": str(controller.audio_status(record)[0])}
    return {
        "id": record.id,
        "position": record.position,
        "text": record.text,
        "locked": record.is_locked,
        "audio_file": record.audio_file,
        "audio_duration": record.audio_duration,
        "voice": record.voice,
        **extra,
    }


def _segment_line(record: Any) -> str:
    lock = "locked" if record.is_locked else "      "
    audio = f"{record.audio_duration:6.1f}s" if record.audio_duration is not None else "   -   "
    return f"{record.id:>5}  {lock}  {audio}  {record.text}"


def _project_json(project: Any) -> dict[str, Any]:
    return {"id": project.id, "name": project.name}


def _cmd_projects_list(args: argparse.Namespace, controller: Any) -> int:
    listed = [{**_project_json(p), "segments": n} for p, n in controller.projects()]
    _emit(args, {"projects": listed}, "\n".join(f"{p['name']} ({p['segments']} segments)" for p in listed))
    return EXIT_OK


def _cmd_projects_create(args: argparse.Namespace, controller: Any) -> int:
    project = controller.create_project(args.name)
    _emit(args, _project_json(project), f"created project {project.name!r}")
    return EXIT_OK


def _cmd_projects_rename(args: argparse.Namespace, controller: Any) -> int:
    project = controller.rename_project(args.old, args.new)
    _emit(args, _project_json(project), f"renamed to {project.name!r}")
    return EXIT_OK


def _cmd_projects_delete(args: argparse.Namespace, controller: Any) -> int:
    if not args.yes:
        counts = {p.name.lower(): n for p, n in controller.projects()}
        segments = counts.get(args.name.lower())
        what = f" and its {segments} segments with their audio" if segments else ""
        raise UsageError(f"this deletes the project {args.name!r}{what}; add --yes to confirm")
    project = controller.delete_project(args.name)
    _emit(args, {"deleted": project.name}, f"deleted project {project.name!r}")
    return EXIT_OK


def _cmd_add(args: argparse.Namespace, controller: Any) -> int:
    record = controller.add_segment(args.text, locked=args.locked)
    payload = {k: v for k, v in _segment_json(record).items() if k in ("id", "position", "text", "locked")}
    _emit(args, payload, f"added segment {record.id}")
    return EXIT_OK


def _cmd_list(args: argparse.Namespace, controller: Any) -> int:
    records = controller.segments()
    _emit(
        args,
        {"segments": [_segment_json(r, controller) for r in records]},
        "\n".join(_segment_line(r) for r in records) or "no segments",
    )
    return EXIT_OK


def _cmd_set(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.rules import Refusal, SettingsError

    if args.text is None and args.locked is None and args.voice is None:
        raise UsageError("nothing to change: give --text, --voice, --lock or --unlock")
    result = None
    if args.text is not None or args.locked is not None:
        result = controller.update_segment(args.id, text=args.text, locked=args.locked)
        if isinstance(result, Refusal):
            return _refused(args, result)
    if args.voice is not None:
        try:
            result = controller.set_segment_voice(args.id, args.voice)
        except SettingsError as error:
            raise UsageError(str(error)) from error
        if isinstance(result, Refusal):
            return _refused(args, result)
    _emit(args, _segment_json(result, controller), _segment_line(result))
    return EXIT_OK


def _cmd_delete(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.rules import Refusal

    result = controller.delete_segment(args.id)
    if isinstance(result, Refusal):
        return _refused(args, result)
    _emit(args, {"deleted": result.id}, f"deleted segment {result.id}")
    return EXIT_OK


def _exec_interruptible(loop: Any, on_interrupt: Callable[[], None], on_tick: Callable[[], None]) -> None:
    """Run `loop`, with Ctrl+C calling `on_interrupt` instead of killing the process mid-write. A
    200 ms ticker calls `on_tick` and, by running Python now and then, lets the signal be handled."""
    from PySide6.QtCore import QTimer

    previous = signal.signal(signal.SIGINT, lambda *_: on_interrupt())
    ticker = QTimer()
    ticker.timeout.connect(on_tick)
    ticker.start(200)
    try:
        loop.exec()
    finally:
        ticker.stop()
        signal.signal(signal.SIGINT, previous)


def _wait_for(controller: Any, task_ids: list[str], args: argparse.Namespace) -> bool:
    """Run the event loop until every task has ended. Ctrl+C cancels them instead of killing the
    process mid-write (the running one stops at its next chunk); returns True if that happened."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    interrupted = False

    def check(*_: object) -> None:
        if all(not controller.task(t).status.is_active for t in task_ids):
            loop.quit()

    def on_interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        for task_id in task_ids:
            controller.cancel_task(task_id)

    def on_model_progress(fraction: float) -> None:
        if not getattr(args, "json", False):
            end = "\n" if fraction >= 1.0 else ""
            print(f"\rpreparing the bundled model… {fraction:4.0%}", end=end, file=sys.stderr)

    controller.task_changed.connect(check)
    controller.model_progress.connect(on_model_progress)
    try:
        if any(controller.task(t).status.is_active for t in task_ids):
            _exec_interruptible(loop, on_interrupt, check)
    finally:
        controller.task_changed.disconnect(check)
        controller.model_progress.disconnect(on_model_progress)
    return interrupted


def _cmd_generate(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.rules import Refusal
    from narrator_app.tasks import TaskStatus

    result = controller.generate_audio(args.id)
    if isinstance(result, Refusal):
        return _refused(args, result)
    task_id: str = result
    interrupted = _wait_for(controller, [task_id], args)

    info = controller.task(task_id)
    audio_path = str(controller.data_dir / info.audio_file) if info.audio_file else None
    payload = {
        "task_id": task_id,
        "segment_id": info.segment_id,
        "status": str(info.status),
        "audio_file": info.audio_file,
        "audio_path": audio_path,
        "audio_duration": info.audio_duration,
        "voice": info.voice,
        "message": info.message,
    }
    if info.status is TaskStatus.COMPLETED:
        _emit(args, payload, f"segment {info.segment_id}: {info.audio_duration:.1f} s → {audio_path}")
        return EXIT_OK
    _emit(args, payload, f"segment {info.segment_id}: {info.status}: {info.message}", err=True)
    return EXIT_INTERRUPTED if interrupted else EXIT_FAILED


def _cmd_generate_all(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.rules import Refusal
    from narrator_app.tasks import TaskStatus

    result = controller.generate_all(regenerate=args.regenerate)
    if isinstance(result, Refusal):
        return _model_missing(args, result.message)
    interrupted = _wait_for(controller, result.task_ids, args)
    tasks = [controller.task(t) for t in result.task_ids]
    completed = sum(t.status is TaskStatus.COMPLETED for t in tasks)
    failed = sum(t.status is TaskStatus.FAILED for t in tasks)
    payload = {
        "queued": result.queued,
        "skipped_locked": result.skipped_locked,
        "skipped_empty": result.skipped_empty,
        "skipped_unchanged": result.skipped_unchanged,
        "completed": completed,
        "failed": failed,
        "tasks": [
            {"task_id": t.task_id, "segment_id": t.segment_id, "status": str(t.status), "message": t.message}
            for t in tasks
        ],
    }
    lines = [f"segment {t.segment_id}: {t.status}{': ' + t.message if t.message else ''}" for t in tasks]
    lines.append(
        f"{completed} completed, {failed} failed; skipped {result.skipped_locked} locked, "
        f"{result.skipped_empty} empty, {result.skipped_unchanged} up to date"
    )
    _emit(args, payload, "\n".join(lines))
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_import(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.textimport import MAX_LIMIT, MIN_LIMIT, ImportFileError, segments_from_file

    if not MIN_LIMIT <= args.max_chars <= MAX_LIMIT:
        raise UsageError(f"--max-chars must be between {MIN_LIMIT} and {MAX_LIMIT}; got {args.max_chars}")
    try:
        texts = segments_from_file(Path(args.file).expanduser(), args.max_chars)
    except ImportFileError as error:
        raise UsageError(str(error)) from error
    records = controller.import_texts(texts, source=Path(args.file).name)
    ids = [r.id for r in records]
    _emit(args, {"added": len(ids), "segment_ids": ids}, f"added {len(ids)} segments from {args.file}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, controller: Any) -> int:
    from PySide6.QtCore import QEventLoop

    from narrator_app.engine.export import FORMATS, MAX_PAUSE
    from narrator_app.exporting import ExportRequest

    out = Path(args.out).expanduser().resolve()
    fmt = args.fmt or (out.suffix.lstrip(".").lower() if out.suffix.lstrip(".").lower() in FORMATS else "wav")
    if not 0 <= args.pause <= MAX_PAUSE:
        raise UsageError(f"--pause must be between 0 and {MAX_PAUSE:g} seconds; got {args.pause:g}")
    segments_dir = Path(args.segments_dir).expanduser().resolve() if args.segments_dir else None
    request = ExportRequest(
        out, fmt=fmt, pause=args.pause, subtitles=args.subtitles, segments_dir=segments_dir
    )
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def finished(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(message: str, cancelled: bool) -> None:
        outcome["error"] = message
        outcome["cancelled"] = cancelled
        loop.quit()

    controller.export_finished.connect(finished)
    controller.export_failed.connect(failed)
    plan, started = controller.start_export(request, skip_missing=args.skip_missing)
    if not started:
        missing = plan.missing
        listed = ", ".join(f"{r.id} (locked)" if r.is_locked else str(r.id) for r in missing)
        message = (
            f"{len(missing)} segment(s) have no current audio: {listed}. Generate them first "
            "(narrator-app generate-all; unlock locked ones) or export without them (--skip-missing)."
        )
        _emit(
            args,
            {
                "status": "REFUSED",
                "reason": "missing_audio",
                "missing": [r.id for r in missing],
                "message": message,
            },
            f"refused: {message}",
            err=True,
        )
        return EXIT_FAILED
    _exec_interruptible(loop, controller.cancel_export, lambda: None)  # Ctrl+C: nothing is written
    if "error" in outcome:
        status = "CANCELLED" if outcome.get("cancelled") else "FAILED"
        _emit(args, {"status": status, "message": outcome["error"]}, f"error: {outcome['error']}", err=True)
        return EXIT_INTERRUPTED if outcome.get("cancelled") else EXIT_FAILED
    result = outcome["result"]
    payload = {
        "path": str(result.path),
        "duration": result.duration,
        "segments": result.segments,
        "subtitles": str(result.subtitles) if result.subtitles else None,
    }
    if segments_dir is not None:
        payload["segment_files"] = [str(path) for path in result.segment_files]
    _emit(args, payload, f"exported {result.segments} segments ({result.duration:.1f} s) to {result.path}")
    return EXIT_OK


def _model_missing(args: argparse.Namespace, message: str) -> int:
    _emit(
        args,
        {"status": "REFUSED", "reason": "model_missing", "message": message},
        f"refused (model_missing): {message}",
        err=True,
    )
    return EXIT_BY_REASON["model_missing"]


def _cmd_settings(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.engine.loader import ModelUnavailableError
    from narrator_app.engine.voices import VoicesFileError
    from narrator_app.rules import SettingsError

    try:
        settings = controller.update_settings(voice=args.voice, speed=args.speed, language=args.language)
    except SettingsError as error:
        raise UsageError(str(error)) from error
    except (ModelUnavailableError, VoicesFileError) as error:
        return _model_missing(args, str(error))
    payload = {
        "default_voice_id": settings.default_voice_id,
        "tts_speed": settings.tts_speed,
        "language": settings.language,
    }
    _emit(args, payload, "\n".join(f"{k}: {v}" for k, v in payload.items()))
    return EXIT_OK


def _cmd_voices(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.engine.loader import ModelUnavailableError
    from narrator_app.engine.voices import VoicesFileError

    found = controller.loader.availability()
    try:
        voices = controller.available_voices()
    except (ModelUnavailableError, VoicesFileError) as error:
        return _model_missing(args, str(error))
    payload = {
        "voices": list(voices),
        "model_file": str(found.model) if found.model else None,
        "voices_file": str(found.voices) if found.voices else None,
    }
    _emit(args, payload, "\n".join(voices))
    return EXIT_OK


_HANDLERS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "projects list": _cmd_projects_list,
    "projects create": _cmd_projects_create,
    "projects rename": _cmd_projects_rename,
    "projects delete": _cmd_projects_delete,
    "segments add": _cmd_add,
    "segments list": _cmd_list,
    "segments set": _cmd_set,
    "segments delete": _cmd_delete,
    "generate": _cmd_generate,
    "generate-all": _cmd_generate_all,
    "export": _cmd_export,
    "import": _cmd_import,
    "settings": _cmd_settings,
    "voices": _cmd_voices,
    "models status": cli_models.cmd_models_status,
    "models install": cli_models.cmd_models_install,
    "models download": cli_models.cmd_models_download,
}
