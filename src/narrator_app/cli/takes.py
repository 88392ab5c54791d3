"""`segments takes|use-take|delete-take|trim`: a segment's takes on the command line."""

from __future__ import annotations

import argparse
from typing import Any

from narrator_app.cli.common import EXIT_OK, emit, refused


def add_parsers(seg_sub: Any, common: argparse.ArgumentParser) -> None:
    """The take actions of `segments` (cli/parser.py calls this)."""
    takes = seg_sub.add_parser("takes", help="list a segment's takes, oldest first", parents=[common])
    takes.add_argument("id", type=int)
    use = seg_sub.add_parser("use-take", help="make take N the segment's audio", parents=[common])
    use.add_argument("id", type=int)
    use.add_argument("number", type=int, metavar="N")
    delete = seg_sub.add_parser("delete-take", help="delete take N (not the current one)", parents=[common])
    delete.add_argument("id", type=int)
    delete.add_argument("number", type=int, metavar="N")
    trim = seg_sub.add_parser(
        "trim",
        help="cut seconds from the start and end of the current take (0 0: all of it)",
        parents=[common],
    )
    trim.add_argument("id", type=int)
    trim.add_argument("--start", type=float, default=0.0, help="seconds cut from the start")
    trim.add_argument("--end", type=float, default=0.0, help="seconds cut from the end")


def take_payload(take: Any) -> dict[str, Any]:
    return {
        "take": take.number,
        "audio_file": take.audio_file,
        "duration": take.duration,
        "created_at": take.created_at.isoformat(),
        "current": take.current,
        "voice": take.voice,
        "speed": take.speed,
        "trim_start": take.trim_start,
        "trim_end": take.trim_end,
        "trimmed_duration": take.trimmed_duration,
    }


def cmd_takes(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal

    result = controller.takes.list(args.id)
    if isinstance(result, Refusal):
        return refused(args, result)
    lines = [
        f"{'*' if t.current else ' '} take {t.number}: {t.trimmed_duration:.2f} s, {t.voice or '?'}, "
        f"{t.created_at:%Y-%m-%d %H:%M}, {t.audio_file}"
        for t in result
    ]
    emit(args, {"takes": [take_payload(t) for t in result]}, "\n".join(lines) or "no takes")
    return EXIT_OK


def cmd_use_take(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal

    result = controller.takes.use(args.id, args.number)
    if isinstance(result, Refusal):
        return refused(args, result)
    status, why = controller.generation.audio_status(controller.segments.get(args.id))
    payload = {"segment_id": args.id, **take_payload(result), "status": str(status), "why": why}
    emit(args, payload, f"segment {args.id} uses take {result.number} ({status}{': ' + why if why else ''})")
    return EXIT_OK


def cmd_delete_take(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal

    result = controller.takes.delete(args.id, args.number)
    if isinstance(result, Refusal):
        return refused(args, result)
    emit(args, {"segment_id": args.id, "deleted": result.number}, f"deleted take {result.number}")
    return EXIT_OK


def cmd_trim(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.core.rules import Refusal

    result = controller.takes.trim(args.id, args.start, args.end)
    if isinstance(result, Refusal):
        return refused(args, result)
    emit(
        args,
        {"segment_id": args.id, **take_payload(result)},
        f"take {result.number}: {result.trimmed_duration:.2f} s of {result.duration:.2f} s",
    )
    return EXIT_OK


HANDLERS = {
    "segments takes": cmd_takes,
    "segments use-take": cmd_use_take,
    "segments delete-take": cmd_delete_take,
    "segments trim": cmd_trim,
}
