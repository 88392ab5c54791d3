"""`settings` and `voices`: the global voice, speed and language."""

from __future__ import annotations

import argparse
from typing import Any

from narrator_app.cli.common import EXIT_OK, UsageError, emit, model_missing


def cmd_settings(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.errors import VoicesUnavailable
    from narrator_app.core.rules import SettingsError

    try:
        if args.voice is None and args.speed is None and args.language is None:
            settings = controller.settings.current()  # shown, not stored: beside a window too
        else:
            settings = controller.settings.update(voice=args.voice, speed=args.speed, language=args.language)
    except SettingsError as error:
        raise UsageError(str(error)) from error
    except VoicesUnavailable as error:
        return model_missing(args, str(error))
    payload = {
        "default_voice_id": settings.default_voice_id,
        "tts_speed": settings.tts_speed,
        "language": settings.language,
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
