"""Direction (core.script) in the application: checking a segment's tags before its generation,
and the bounds of a segment's own speed and pause after it."""

from __future__ import annotations

import math

from narrator_app.core.direction import voice_checker
from narrator_app.core.rules import Refusal, RefusalReason, SettingsError, literal
from narrator_app.core.script import MAX_SPEED, MIN_SPEED, ScriptError, VoiceCheck, find_errors
from narrator_app.engine.export import MAX_PAUSE_AFTER as MAX_PAUSE_AFTER  # 30 s, as a [pause]
from narrator_app.engine.loader import KokoroModelLoader, ModelUnavailableError
from narrator_app.engine.voices import VoicesFileError
from narrator_app.store.repository import KEEP as KEEP  # re-exported: "leave it as it is", for ui/cli
from narrator_app.store.repository import Keep as Keep


def tag_voice_check(loader: KokoroModelLoader) -> VoiceCheck:
    """A `check_voice` for the voices of `[voice …]` tags against the installed voices file, which
    is read on the first voice tag only (a text without one never touches it)."""
    checker: VoiceCheck | None = None

    def check(spec: str) -> str | None:
        nonlocal checker
        if checker is None:
            try:
                voices = loader.voices()
            except (ModelUnavailableError, VoicesFileError) as error:
                return f"the voice {spec!r} cannot be checked: {error}"
            checker = voice_checker(voices, loader.availability().voices)
        return checker(spec)

    return check


def script_refusal(segment_id: int, text: str, check_voice: VoiceCheck) -> Refusal | None:
    """An invalid-input refusal naming the first malformed tag of `text` and where it is, or None."""
    errors = find_errors(text, check_voice) if "[" in text else []
    if not errors:
        return None
    return tag_refusal(segment_id, errors[0])


def tag_refusal(segment_id: int, error: ScriptError) -> Refusal:
    more = "" if error.message.endswith(".") else "."
    return Refusal(
        segment_id,
        RefusalReason.INVALID,
        "{subject} has a malformed tag: " + literal(error.message + more) + " Correct it to generate audio.",
    )


def checked_speed(speed: float | None) -> float | None:
    """A segment's own speed (None: the global one); SettingsError outside 0.5-2.0."""
    if speed is None:
        return None
    if not (math.isfinite(speed) and MIN_SPEED <= speed <= MAX_SPEED):
        raise SettingsError(f"A segment's speed must be from {MIN_SPEED} to {MAX_SPEED}; got {speed:g}.")
    return round(float(speed), 3)


def checked_pause(seconds: float | None) -> float | None:
    """A segment's own pause after it (None: the export's gap); SettingsError outside 0-30 s."""
    if seconds is None:
        return None
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_PAUSE_AFTER):
        raise SettingsError(
            f"The pause after a segment must be from 0 to {MAX_PAUSE_AFTER:g} seconds; got {seconds:g}."
        )
    return round(float(seconds), 3)
