"""`projects …`, `segments …` and `import`: editing what a project holds."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from narrator_app.cli.common import (
    EXIT_OK,
    UsageError,
    emit,
    project_json,
    refused,
    segment_json,
    segment_line,
)
from narrator_app.cli.terminal import printable


def cmd_projects_list(args: argparse.Namespace, controller: Any) -> int:
    listed = [{**project_json(p), "segments": n} for p, n in controller.projects()]
    lines = (f"{printable(p['name'])} ({p['segments']} segments)" for p in listed)
    emit(args, {"projects": listed}, "\n".join(lines))
    return EXIT_OK


def cmd_projects_create(args: argparse.Namespace, controller: Any) -> int:
    project = controller.create_project(args.name)
    emit(args, project_json(project), f"created project {project.name!r}")
    return EXIT_OK


def cmd_projects_rename(args: argparse.Namespace, controller: Any) -> int:
    project = controller.rename_project(args.old, args.new)
    emit(args, project_json(project), f"renamed to {project.name!r}")
    return EXIT_OK


def cmd_projects_delete(args: argparse.Namespace, controller: Any) -> int:
    if not args.yes:
        counts = {p.name.lower(): n for p, n in controller.projects()}
        segments = counts.get(args.name.lower())
        what = f" and its {segments} segments with their audio" if segments else ""
        raise UsageError(f"this deletes the project {args.name!r}{what}; add --yes to confirm")
    project = controller.delete_project(args.name)
    emit(args, {"deleted": project.name}, f"deleted project {project.name!r}")
    return EXIT_OK


def cmd_add(args: argparse.Namespace, controller: Any) -> int:
    record = controller.add_segment(args.text, locked=args.locked)
    payload = {k: v for k, v in segment_json(record).items() if k in ("id", "position", "text", "locked")}
    emit(args, payload, f"added segment {record.id}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace, controller: Any) -> int:
    records = controller.segments()
    emit(
        args,
        {"segments": [segment_json(r, controller) for r in records]},
        "\n".join(segment_line(r, controller) for r in records) or "no segments",
    )
    return EXIT_OK


def cmd_set(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal, SettingsError

    if args.text is None and args.locked is None and args.voice is None:
        raise UsageError("nothing to change: give --text, --voice, --lock or --unlock")
    result = None
    if args.text is not None or args.locked is not None:
        result = controller.update_segment(args.id, text=args.text, locked=args.locked)
        if isinstance(result, Refusal):
            return refused(args, result)
    if args.voice is not None:
        try:
            result = controller.set_segment_voice(args.id, args.voice)
        except SettingsError as error:
            raise UsageError(str(error)) from error
        if isinstance(result, Refusal):
            return refused(args, result)
    emit(args, segment_json(result, controller), segment_line(result))
    return EXIT_OK


def cmd_delete(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal

    result = controller.delete_segment(args.id)
    if isinstance(result, Refusal):
        return refused(args, result)
    emit(args, {"deleted": result.id}, f"deleted segment {result.id}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.textimport import MAX_LIMIT, MIN_LIMIT, ImportFileError, segments_from_file

    if not MIN_LIMIT <= args.max_chars <= MAX_LIMIT:
        raise UsageError(f"--max-chars must be between {MIN_LIMIT} and {MAX_LIMIT}; got {args.max_chars}")
    try:
        texts = segments_from_file(Path(args.file).expanduser(), args.max_chars)
    except ImportFileError as error:
        raise UsageError(str(error)) from error
    records = controller.import_texts(texts, source=Path(args.file).name)
    ids = [r.id for r in records]
    emit(args, {"added": len(ids), "segment_ids": ids}, f"added {len(ids)} segments from {args.file}")
    return EXIT_OK
