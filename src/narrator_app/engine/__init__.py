"""Speech synthesis with Kokoro through kokoro-onnx: model discovery, loading, audio files. No Qt here."""

from narrator_app.engine.audio_files import construct_audio_path, relative_audio_path
from narrator_app.engine.loader import KokoroModelLoader
from narrator_app.engine.model_files import Availability, ModelFiles
from narrator_app.engine.parts import SilencePart, SpeakPart, Spoken
from narrator_app.engine.synthesis import (
    SynthesisCancelled,
    SynthesisResult,
    generate_audio,
    generate_parts_audio,
)

__all__ = [
    "Availability",
    "KokoroModelLoader",
    "ModelFiles",
    "SilencePart",
    "SpeakPart",
    "Spoken",
    "SynthesisCancelled",
    "SynthesisResult",
    "construct_audio_path",
    "generate_audio",
    "generate_parts_audio",
    "relative_audio_path",
]
