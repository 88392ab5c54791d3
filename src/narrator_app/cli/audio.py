"""`generate`, `generate-all` and `export`: commands that wait on background work."""

from __future__ import annotations

import argparse
from typing import Any

from narrator_app.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    emit,
    exec_interruptible,
    model_missing,
    refused,
    wait_for,
)
from narrator_app.cli.guard import user_path


def cmd_generate(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal
    from narrator_app.core.tasks import TaskStatus

    result = controller.generation.generate_audio(args.id)
    if isinstance(result, Refusal):
        return refused(args, result)
    task_id: str = result
    interrupted = wait_for(controller, [task_id], args)

    info = controller.generation.task(task_id)
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
        emit(args, payload, f"segment {info.segment_id}: {info.audio_duration:.1f} s → {audio_path}")
        return EXIT_OK
    emit(args, payload, f"segment {info.segment_id}: {info.status}: {info.message}", err=True)
    return EXIT_INTERRUPTED if interrupted else EXIT_FAILED


def cmd_generate_all(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.chapter_commands import ChapterError
    from narrator_app.cli.chapters import missing_or_usage
    from narrator_app.core.rules import Refusal
    from narrator_app.core.tasks import TaskStatus

    if args.chapter is not None:
        try:
            controller.chapters.get(args.chapter)
        except ChapterError as error:
            return missing_or_usage(args, error)
    result = controller.generation.generate_all(regenerate=args.regenerate, chapter_id=args.chapter)
    if isinstance(result, Refusal):
        return model_missing(args, result.message)
    interrupted = wait_for(controller, result.task_ids, args)
    tasks = [controller.generation.task(t) for t in result.task_ids]
    completed = sum(t.status is TaskStatus.COMPLETED for t in tasks)
    failed = sum(t.status is TaskStatus.FAILED for t in tasks)
    payload = {
        "queued": result.queued,
        "skipped_locked": result.skipped_locked,
        "skipped_empty": result.skipped_empty,
        "skipped_unchanged": result.skipped_unchanged,
        "skipped_invalid": result.skipped_invalid,
        "invalid_message": result.invalid_message,
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
        + (f", {result.skipped_invalid} with a malformed tag" if result.skipped_invalid else "")
    )
    if result.invalid_message:
        lines.append(f"not generated: {result.invalid_message}")
    emit(args, payload, "\n".join(lines))
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if failed else EXIT_OK


def cmd_export(args: argparse.Namespace, controller: Any) -> int:
    from PySide6.QtCore import QEventLoop

    from narrator_app.app.catalog import MAX_PAUSE
    from narrator_app.app.exporting import ExportRequest
    from narrator_app.cli.export_options import EXPORT_FORMATS, audiobook_fields, outcome_payload
    from narrator_app.core.audiobook import output_paths
    from narrator_app.core.export_targets import ExportTargetError, check_export_targets

    out = user_path(args.out, "--out")
    suffix = out.suffix.lstrip(".").lower()
    fmt = args.fmt or (suffix if suffix in EXPORT_FORMATS else "wav")
    if not 0 <= args.pause <= MAX_PAUSE:
        raise UsageError(f"--pause must be between 0 and {MAX_PAUSE:g} seconds; got {args.pause:g}")
    segments_dir = user_path(args.segments_dir, "--segments-dir") if args.segments_dir else None
    request = ExportRequest(
        out,
        fmt=fmt,
        pause=args.pause,
        subtitles=args.subtitles,
        segments_dir=segments_dir,
        **audiobook_fields(args, fmt),
    )
    options = request.options(controller.chapters.book_details())
    targets = output_paths(options, controller.exports.plan().book)
    try:  # refused before anything starts: exit 2 (export_targets.py)
        cover = [options.tags.cover] if options.tags.cover is not None else []
        check_export_targets(targets, controller.data_dir, segments_dir, cover)
    except ExportTargetError as error:
        raise UsageError(str(error)) from error
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def finished(result: Any) -> None:
        outcome["result"] = result
        loop.quit()

    def failed(message: str, cancelled: bool) -> None:
        outcome["error"] = message
        outcome["cancelled"] = cancelled
        loop.quit()

    controller.exports.finished.connect(finished)
    controller.exports.failed.connect(failed)
    plan, started = controller.exports.start(request, skip_missing=args.skip_missing)
    if not started:
        missing = plan.missing
        listed = ", ".join(f"{r.id} (locked)" if r.is_locked else str(r.id) for r in missing)
        message = (
            f"{len(missing)} segment(s) have no current audio: {listed}. Generate them first "
            "(narrator-app generate-all; unlock locked ones) or export without them (--skip-missing)."
        )
        emit(
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
    exec_interruptible(loop, controller.exports.cancel, lambda: None)  # Ctrl+C: nothing is written
    if "error" in outcome:
        status = "CANCELLED" if outcome.get("cancelled") else "FAILED"
        emit(args, {"status": status, "message": outcome["error"]}, f"error: {outcome['error']}", err=True)
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
    payload.update(outcome_payload(result))
    text = f"exported {result.segments} segments ({result.duration:.1f} s) to {result.path}"
    if result.acx:
        verdicts = [f"{p.name}: {'pass' if r.passed else 'FAIL'}" for p, r in result.acx]
        text += "\nACX check: " + ", ".join(verdicts)
    emit(args, payload, text)
    if result.acx and not all(report.passed for _path, report in result.acx):
        return EXIT_FAILED
    return EXIT_OK
