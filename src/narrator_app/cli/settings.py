"""`settings` and `voices`: the global voice, speed and language; the project's take limit and
auto-trim margin."""

from __future__ import annotations

import argparse
from typing import Any

from narrator_app.cli.common import EXIT_OK, UsageError, emit, model_missing


def _auto_trim(text: str) -> float | None:
    """--auto-trim: "off" or seconds (the range is checked with the take limit)."""
    if text.strip().lower() == "off":
        return None
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"--auto-trim takes a number of seconds or off; got {text!r}") from None


def cmd_settings(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.errors import VoicesUnavailable
    from narrator_app.app.take_commands import check_take_settings
    from narrator_app.core.rules import SettingsError

    limit, margin = controller.takes.settings()
    take_options = args.take_limit is not None or args.auto_trim is not None
    new_limit = limit if args.take_limit is None else args.take_limit
    new_margin = margin if args.auto_trim is None else _auto_trim(args.auto_trim)
    try:
        if take_options:
            check_take_settings(new_limit, new_margin)  # before anything changes: all or nothing
        if args.voice is None and args.speed is None and args.language is None:
            settings = controller.settings.current()  # shown, not stored: beside a window too
        else:
            settings = controller.settings.update(voice=args.voice, speed=args.speed, language=args.language)
        if take_options:
            controller.takes.set_settings(new_limit, new_margin)
            limit, margin = new_limit, new_margin
    except SettingsError as error:
        raise UsageError(str(error)) from error
    except VoicesUnavailable as error:
        return model_missing(args, str(error))
    payload = {
        "default_voice_id": settings.default_voice_id,
        "tts_speed": settings.tts_speed,
        "language": settings.language,
        "take_limit": limit,
        "auto_trim_margin": margin,
    }
    emit(args, payload, "\n".join(f"{k}: {v}" for k, v in payload.items()))
    return EXIT_OK


def cmd_voices(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.errors import VoicesUnavailable

    found = controller.loader.availability()
    try:
        voices = controller.settings.available_voices()
    except VoicesUnavailable as error:
        return model_missing(args, str(error))
    payload = {
        "voices": list(voices),
        "model_file": str(found.model) if found.model else None,
        "voices_file": str(found.voices) if found.voices else None,
    }
    emit(args, payload, "\n".join(voices))
    return EXIT_OK
