"""`projects …`, `segments …` and `import`: editing what a project holds."""

from __future__ import annotations

import argparse
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
    listed = [{**project_json(p), "segments": n} for p, n in controller.projects.all()]
    lines = (f"{printable(p['name'])} ({p['segments']} segments)" for p in listed)
    emit(args, {"projects": listed}, "\n".join(lines))
    return EXIT_OK


def cmd_projects_create(args: argparse.Namespace, controller: Any) -> int:
    project = controller.projects.create(args.name)
    emit(args, project_json(project), f"created project {project.name!r}")
    return EXIT_OK


def cmd_projects_rename(args: argparse.Namespace, controller: Any) -> int:
    project = controller.projects.rename(args.old, args.new)
    emit(args, project_json(project), f"renamed to {project.name!r}")
    return EXIT_OK


def cmd_projects_delete(args: argparse.Namespace, controller: Any) -> int:
    if not args.yes:
        counts = {p.name.lower(): n for p, n in controller.projects.all()}
        segments = counts.get(args.name.lower())
        what = f" and its {segments} segments with their audio" if segments else ""
        raise UsageError(f"this deletes the project {args.name!r}{what}; add --yes to confirm")
    project = controller.projects.delete(args.name)
    emit(args, {"deleted": project.name}, f"deleted project {project.name!r}")
    return EXIT_OK


def cmd_add(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.chapter_commands import ChapterError
    from narrator_app.cli.chapters import missing_or_usage

    try:
        record = controller.segments.add(args.text, locked=args.locked, chapter_id=args.chapter)
    except ChapterError as error:
        return missing_or_usage(args, error)
    payload = {k: v for k, v in segment_json(record).items() if k in ("id", "position", "text", "locked")}
    emit(args, payload, f"added segment {record.id}")
    return EXIT_OK


def cmd_list(args: argparse.Namespace, controller: Any) -> int:
    records = controller.segments.all()
    emit(
        args,
        {"segments": [segment_json(r, controller) for r in records]},
        "\n".join(segment_line(r, controller) for r in records) or "no segments",
    )
    return EXIT_OK


def cmd_set(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal, SettingsError

    speed, pause_after = getattr(args, "speed", None), getattr(args, "pause_after", None)
    if args.text is None and args.locked is None and args.voice is None and speed is pause_after is None:
        raise UsageError(
            "nothing to change: give --text, --voice, --speed, --pause-after, --lock or --unlock"
        )
    result = None
    if args.text is not None or args.locked is not None:
        result = controller.segments.update(args.id, text=args.text, locked=args.locked)
        if isinstance(result, Refusal):
            return refused(args, result)
    if args.voice is not None:
        try:
            result = controller.segments.set_voice(args.id, args.voice)
        except SettingsError as error:
            raise UsageError(str(error)) from error
        if isinstance(result, Refusal):
            return refused(args, result)
    if speed is not None or pause_after is not None:
        from narrator_app.app.direction import KEEP

        try:
            result = controller.segments.set_direction(
                args.id,
                speed=KEEP if speed is None else _number_or_none(speed, "--speed"),
                pause_after=KEEP if pause_after is None else _number_or_none(pause_after, "--pause-after"),
            )
        except SettingsError as error:
            raise UsageError(str(error)) from error
        if isinstance(result, Refusal):
            return refused(args, result)
    emit(args, segment_json(result, controller), segment_line(result))
    return EXIT_OK


def _number_or_none(value: str, option: str) -> float | None:
    """A number given on the command line; "" (or blank) for None (back to the global value)."""
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise UsageError(f'{option} takes a number, or "" for the global value; got {value!r}') from None


def cmd_delete(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal

    result = controller.segments.delete(args.id)
    if isinstance(result, Refusal):
        return refused(args, result)
    emit(args, {"deleted": result.id}, f"deleted segment {result.id}")
    return EXIT_OK
