"""`narrator-app models status|install|download`: the Model & voices dialog on the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from narrator_app.app.catalog import OFFICIAL_FILES, VARIANTS, VOICES_FILE
from narrator_app.cli.common import (
    EXIT_BY_REASON,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    emit,
    exec_interruptible,
)

EXIT_MODEL_MISSING = EXIT_BY_REASON["model_missing"]


def add_model_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    models = sub.add_parser(
        "models", help="show, install or download the Kokoro model and voices", parents=[common]
    )
    actions = models.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser(
        "status", help="which model and voices files are used, and whether they load", parents=[common]
    )
    install = actions.add_parser(
        "install",
        help="copy a model and/or voices file into the model folder, after checking them",
        parents=[common],
    )
    install.add_argument("--model", help="a Kokoro .onnx model file")
    install.add_argument("--voices", help="a Kokoro voices file (.bin or .npz)")
    download = actions.add_parser(
        "download", help="download the official kokoro-onnx v1.0 model and voices", parents=[common]
    )
    download.add_argument(
        "--variant",
        choices=tuple(VARIANTS),
        default="int8",
        help="fp32 (about 325 MB), fp16 (about 177 MB) or int8 (about 92 MB, the default)",
    )


def cmd_models_status(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.catalog import model_status

    status = model_status(controller.loader, verify=True)
    lines = [
        f"available: {'yes' if status.available else 'no'}",
        f"model:     {status.model_file or '-'}"
        + (f" ({status.precision})" if status.precision else "")
        + (f", {status.model_size / 1e6:.1f} MB" if status.model_size else "")
        + (
            " (not assembled yet: put together from the bundled parts on first use)"
            if status.model_file is not None and not status.model_file.is_file()
            else ""
        ),
        f"voices:    {status.voices_file or '-'} ({len(status.voices)} voices)",
        f"source:    {status.source or '-'}",
        f"provider:  {status.provider}",
        "searched:  " + ", ".join(str(p) for p in status.searched),
    ]
    if status.problem:
        lines.append(f"problem:   {status.problem}")
    emit(args, status.to_json(), "\n".join(lines))
    return EXIT_OK if status.available else EXIT_MODEL_MISSING


def cmd_models_install(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.cli.common import UsageError

    if not args.model and not args.voices:
        raise UsageError("give --model FILE and/or --voices FILE")
    model = Path(args.model).expanduser().resolve() if args.model else None
    voices = Path(args.voices).expanduser().resolve() if args.voices else None
    return _run(args, controller, lambda: controller.models.install_files(model, voices))


def cmd_models_download(args: argparse.Namespace, controller: Any) -> int:
    model = OFFICIAL_FILES[VARIANTS[args.variant]]
    if not getattr(args, "json", False):
        unpinned = [f.name for f in (model, OFFICIAL_FILES[VOICES_FILE]) if f.sha256 is None]
        note = f" (no pinned checksum for {', '.join(unpinned)})" if unpinned else ""
        print(f"downloading {model.name} ({model.approx_size}) and {VOICES_FILE}{note}", file=sys.stderr)
    return _run(args, controller, lambda: controller.models.download(args.variant))


def _run(args: argparse.Namespace, controller: Any, start: Any) -> int:
    """Start an install in the background and run the event loop until it ends; Ctrl+C cancels it."""
    from PySide6.QtCore import QEventLoop

    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    quiet = getattr(args, "json", False)

    def progress(fraction: float, what: str) -> None:
        if not quiet:
            percent = f"{fraction:4.0%} " if fraction >= 0 else ""
            print(f"\r{percent}{what}"[:110].ljust(110), end="", file=sys.stderr, flush=True)

    def finished(message: str) -> None:
        outcome["message"] = message
        loop.quit()

    def failed(message: str, cancelled: bool) -> None:
        outcome.update(error=message, cancelled=cancelled)
        loop.quit()

    manager = controller.models
    manager.progress.connect(progress)
    manager.finished.connect(finished)
    manager.failed.connect(failed)
    problem = start()
    if problem:
        emit(args, {"status": "FAILED", "message": problem}, f"error: {problem}", err=True)
        return EXIT_FAILED
    exec_interruptible(loop, manager.cancel, lambda: None)
    if not quiet:
        print(file=sys.stderr)
    if "error" in outcome:
        status = "CANCELLED" if outcome["cancelled"] else "FAILED"
        emit(args, {"status": status, "message": outcome["error"]}, f"error: {outcome['error']}", err=True)
        return EXIT_INTERRUPTED if outcome["cancelled"] else EXIT_FAILED
    found = controller.loader.availability()
    payload = {
        "status": "INSTALLED",
        "model_file": str(found.model) if found.model else None,
        "voices_file": str(found.voices) if found.voices else None,
        "message": outcome.get("message", ""),
    }
    emit(args, payload, outcome.get("message", "installed"))
    return EXIT_OK
