"""What the window and the command line may offer and show, from the engine and the store, so that
ui/ and cli/ import neither (pyproject.toml's third import-linter contract): the choices
(languages, speeds, export formats, model variants), plain records and read-only helpers."""

from __future__ import annotations

from narrator_app.engine.download import OFFICIAL_FILES, VARIANTS, VOICES_FILE
from narrator_app.engine.export import FORMATS, MAX_PAUSE
from narrator_app.engine.fingerprint import Fingerprint
from narrator_app.engine.loader import CUDA_PROVIDER, ModelFactory
from narrator_app.engine.loudness import PRESETS as LOUDNESS_PRESETS
from narrator_app.engine.loudness import LoudnessError, loudness_target
from narrator_app.engine.model_files import Source
from narrator_app.engine.status import ModelStatus, model_status
from narrator_app.engine.synthesis import LANGUAGES, MAX_SPEED, MIN_SPEED, SAMPLE_RATE
from narrator_app.engine.trim import silence_trim
from narrator_app.engine.voice_specs import LANGUAGES_BY_PREFIX, describe_voice
from narrator_app.engine.waveform import compute_peaks
from narrator_app.store import BookDetails, ProjectRecord, SegmentRecord, SettingsRecord, TakeRecord

__all__ = [
    "BookDetails",
    "CUDA_PROVIDER",
    "FORMATS",
    "LOUDNESS_PRESETS",
    "LANGUAGES",
    "LANGUAGES_BY_PREFIX",
    "MAX_PAUSE",
    "MAX_SPEED",
    "MIN_SPEED",
    "OFFICIAL_FILES",
    "SAMPLE_RATE",
    "VARIANTS",
    "VOICES_FILE",
    "ModelFactory",
    "ModelStatus",
    "ProjectRecord",
    "SegmentRecord",
    "SettingsRecord",
    "TakeRecord",
    "Source",
    "TakeRecord",
    "audio_voice",
    "compute_peaks",
    "describe_voice",
    "loudness_choice",
    "model_status",
    "silence_trim",
]


def loudness_choice(value: str) -> str | None:
    """Why `value` is not a loudness setting (a preset name or LUFS), or None if it is one."""
    try:
        loudness_target(value)
    except LoudnessError as error:
        return str(error)
    return None


def audio_voice(record: SegmentRecord) -> str | None:
    """The voice that made the segment's current audio (None: no audio, or not known)."""
    if not record.has_audio:
        return None
    made_with = Fingerprint.from_json(record.audio_fingerprint)
    return None if made_with is None else made_with.voice or None
