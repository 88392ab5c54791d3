"""What every command shares: exit codes, usage errors, printing (plain or JSON), waiting on tasks."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from narrator_app.cli.terminal import printable

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_IN_USE = 7  # another Narrator holds the data folder (datalock.py)
EXIT_INTERRUPTED = 130  # Ctrl+C: work was cancelled, what had finished was kept
EXIT_BY_REASON = {"empty_text": 3, "not_found": 4, "locked": 5, "model_missing": 6, "invalid": 2}

log = logging.getLogger(__name__)


class UsageError(Exception):
    """Bad command-line input: exit 2 with this message."""


class Parser(argparse.ArgumentParser):
    json_errors = False  # set from the command line being parsed; subparsers share it

    def error(self, message: str) -> NoReturn:
        if Parser.json_errors:
            print(json.dumps({"status": "ERROR", "message": message}))
            sys.exit(EXIT_USAGE)
        super().error(message)


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str, *, err: bool = False) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False))
    else:  # escape sequences in names, texts and paths are shown, not obeyed
        print("\n".join(printable(line) for line in text.split("\n")), file=sys.stderr if err else sys.stdout)


def refused(args: argparse.Namespace, refusal: Any) -> int:
    emit(
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


def model_missing(args: argparse.Namespace, message: str) -> int:
    emit(
        args,
        {"status": "REFUSED", "reason": "model_missing", "message": message},
        f"refused (model_missing): {message}",
        err=True,
    )
    return EXIT_BY_REASON["model_missing"]


def _heard(record: Any, controller: Any) -> float | None:
    """The length of the segment's audio as it is played and exported: its take's trim left out."""
    heard: float | None = (
        record.audio_duration if controller is None else controller.takes.heard_duration(record)
    )
    return heard


def segment_json(record: Any, controller: Any = None) -> dict[str, Any]:
    extra = {}
    if controller is not None:
        extra = {
            "audio_status": str(controller.generation.audio_status(record)[0]),
            "heard_duration": _heard(record, controller),  # audio_duration is the whole file's
        }
    return {
        "id": record.id,
        "position": record.position,
        "text": record.text,
        "locked": record.is_locked,
        "audio_file": record.audio_file,
        "audio_duration": record.audio_duration,
        "voice": record.voice,
        "chapter_id": record.chapter_id,
        "speed": record.speed,
        "pause_after": record.pause_after,
        **extra,
    }


def segment_line(record: Any, controller: Any = None) -> str:
    """One segment on one line; its text with control characters shown escaped (guard.py)."""
    lock = "locked" if record.is_locked else "      "
    heard = _heard(record, controller)
    audio = f"{heard:6.1f}s" if heard is not None else "   -   "
    if controller is not None and str(controller.generation.audio_status(record)[0]) == "damaged":
        audio = "damaged"
    return f"{record.id:>5}  {lock}  {audio}  {printable(record.text)}"


def project_json(project: Any) -> dict[str, Any]:
    return {"id": project.id, "name": project.name}


def exec_interruptible(loop: Any, on_interrupt: Callable[[], None], on_tick: Callable[[], None]) -> None:
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


def wait_for(controller: Any, task_ids: list[str], args: argparse.Namespace) -> bool:
    """Run the event loop until every task has ended. Ctrl+C cancels them instead of killing the
    process mid-write (the running one stops at its next chunk); returns True if that happened."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    interrupted = False

    def check(*_: object) -> None:
        if all(not controller.generation.task(t).status.is_active for t in task_ids):
            loop.quit()

    def on_interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        for task_id in task_ids:
            controller.generation.cancel_task(task_id)

    def on_model_progress(fraction: float) -> None:
        if not getattr(args, "json", False):
            end = "\n" if fraction >= 1.0 else ""
            print(f"\rpreparing the bundled model… {fraction:4.0%}", end=end, file=sys.stderr)

    controller.task_changed.connect(check)
    controller.model_progress.connect(on_model_progress)
    try:
        if any(controller.generation.task(t).status.is_active for t in task_ids):
            exec_interruptible(loop, on_interrupt, check)
    finally:
        controller.task_changed.disconnect(check)
        controller.model_progress.disconnect(on_model_progress)
    return interrupted
