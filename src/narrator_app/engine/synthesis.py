"""Turning one text into one WAV file, chunk by chunk, with cancel and progress hooks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray

from narrator_app.engine.audio_files import TempWav, replacing
from narrator_app.engine.chunks import ends_sentence, plan_chunks
from narrator_app.engine.disk_space import is_no_space, no_space_message
from narrator_app.engine.parts import MAX_SPEED as MAX_SPEED  # re-exported: the speed bounds
from narrator_app.engine.parts import MIN_SPEED as MIN_SPEED
from narrator_app.engine.parts import (
    Part,
    SilencePart,
    SpeakPart,
    Spoken,
    check_parts,
    join_pause,
    spoken_parts,
)
from narrator_app.engine.synthesizer import Synthesizer

log = logging.getLogger(__name__)

SAMPLE_RATE = 24_000
LANGUAGES = ("en-us", "en-gb", "es", "fr-fr", "hi", "it", "pt-br", "ja", "cmn")


class SynthesisCancelled(Exception):
    """Raised between chunks when the caller asked to stop."""


class CommitRefused(Exception):
    """Raised by a `commit` callback: keep the earlier audio; the message says why."""


@dataclass(frozen=True)
class SynthesisResult:
    success: bool
    path: Path | None = None
    duration: float | None = None
    error: str = ""
    cancelled: bool = False
    spoken: tuple[Spoken, ...] = ()  # each chunk's (start s, end s, text, part index), in order


AudioSink = Callable[[NDArray[np.float32], int], None]


def synthesize(
    model: Synthesizer,
    text: str,
    voice: str | NDArray[np.float32],
    speed: float,
    language: str,
    *,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
    quick_start: bool = False,
) -> tuple[NDArray[np.float32], int]:
    """All of `text`'s audio in memory (see `synthesize_into`; `generate_audio` streams to disk)."""
    parts: list[NDArray[np.float32]] = []
    rates = [SAMPLE_RATE]

    def keep(samples: NDArray[np.float32], rate: int) -> None:
        parts.append(samples)
        rates[0] = rate

    synthesize_into(
        keep,
        model,
        text,
        voice,
        speed,
        language,
        should_cancel=should_cancel,
        on_progress=on_progress,
        quick_start=quick_start,
    )
    return np.concatenate(parts), rates[0]


def synthesize_into(
    sink: AudioSink,
    model: Synthesizer,
    text: str,
    voice: str | NDArray[np.float32],
    speed: float,
    language: str,
    *,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
    quick_start: bool = False,
) -> None:
    """Render `text` chunk by chunk (whole sentences, see chunks.py) with kokoro-onnx's stream,
    handing each piece of audio to `sink` as it comes: memory holds one piece, however long the text.

    `should_cancel` is checked after every piece of audio the model returns; `on_progress` gets the
    fraction of the text done (0..1) after every chunk. ValueError if the model said nothing at all.
    `quick_start` makes the first chunks short, so that the first piece comes sooner (to play the
    audio while the rest renders; chunks.plan_chunks).
    """
    synthesize_parts_into(
        sink,
        model,
        [SpeakPart(text, voice, speed)],
        language,
        should_cancel=should_cancel,
        on_progress=on_progress,
        quick_start=quick_start,
    )


def synthesize_parts_into(
    sink: AudioSink,
    model: Synthesizer,
    parts: Sequence[Part],
    language: str,
    *,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
    quick_start: bool = False,
    on_spoken: Callable[[Spoken], None] | None = None,
) -> None:
    """Render `parts` in order into `sink`, as `synthesize_into` renders one text: each SpeakPart
    chunked (quick_start for the first that says anything) and streamed with its own voice and speed,
    each SilencePart exactly its silence, with no chunk pause beside it. Between two runs of speech
    the pause follows the text between them (parts.join_pause); a run with nothing to say (a lone
    "." between tags) is not sent to the model. `on_spoken` gets every chunk's place in the audio.
    """
    plans: list[list[tuple[str, float]]] = []
    for part, said in zip(parts, spoken_parts(parts), strict=True):
        if isinstance(part, SpeakPart) and said:
            first = quick_start and not any(plans)
            plans.append(plan_chunks(part.content, quick_start=first))
        else:
            plans.append([])
    total = sum(len(chunk) for plan in plans for chunk, _ in plan) or 1

    def cancel_requested() -> bool:
        return should_cancel is not None and should_cancel()

    async def collect() -> None:
        rate = SAMPLE_RATE
        done = 0
        written = 0  # samples handed to the sink
        spoken = 0  # samples from the model, not counting the pauses we add
        between = ""  # the text since the last chunk spoken: decides the pause before the next part
        for index, (part, plan) in enumerate(zip(parts, plans, strict=True)):
            if isinstance(part, SilencePart):
                silence = np.zeros(round(part.seconds * rate), dtype=np.float32)
                sink(silence, rate)
                written += len(silence)
                between = ""
                if cancel_requested():
                    raise SynthesisCancelled()
                continue
            if not plan:
                between += part.content
                continue
            lead = part.content[: len(part.content) - len(part.content.lstrip())]
            pause = join_pause(between + lead) if between else 0.0
            cursor = 0  # where the next chunk is looked for in the part's text
            for chunk, pause_after in plan:
                if pause and spoken:
                    gap = np.zeros(int(pause * rate), dtype=np.float32)
                    sink(gap, rate)
                    written += len(gap)
                pause = pause_after
                begin = written
                stream = cast(
                    AsyncIterator[tuple[NDArray[np.float32], int]],
                    model.create_stream(
                        chunk, part.voice, speed=part.speed, lang=language, **_phonemes(part)
                    ),
                )
                try:
                    async for samples, sample_rate in stream:
                        rate = sample_rate
                        piece = np.asarray(samples, dtype=np.float32).reshape(-1)
                        sink(piece, rate)
                        spoken += len(piece)
                        written += len(piece)
                        if cancel_requested():
                            raise SynthesisCancelled()
                finally:
                    aclose = getattr(stream, "aclose", None)
                    if aclose is not None:
                        await aclose()
                if on_spoken is not None:
                    found = part.content.find(chunk, cursor)
                    cursor = found + len(chunk) if found >= 0 else cursor
                    after = part.content[cursor:] if found >= 0 else ""
                    ends = ends_sentence(chunk) or "\n" in after[: len(after) - len(after.lstrip())]
                    on_spoken(Spoken(begin / rate, written / rate, chunk, index, ends))
                done += len(chunk)
                if on_progress is not None:
                    on_progress(done / total)
            visible = part.content.rstrip()
            between = part.content[len(visible) - 1 :]
        if any(plans) and not spoken:
            raise ValueError("the model produced no audio for this text")

    if cancel_requested():
        raise SynthesisCancelled()
    asyncio.run(collect())


def _phonemes(part: SpeakPart) -> dict[str, bool]:
    """The keyword for a phoneme part; nothing otherwise (a stand-in model may not know it)."""
    return {"is_phonemes": True} if part.phonemes else {}


def generate_audio(
    text: str,
    voice: str | NDArray[np.float32],
    speed: float,
    language: str,
    output_path: Path,
    *,
    model: Synthesizer,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
    commit: Callable[[float], None] | None = None,
    on_audio: AudioSink | None = None,
    quick_start: bool = False,
    on_spoken: Callable[[Spoken], None] | None = None,
) -> SynthesisResult:
    """Synthesize `text` into a 24 kHz mono WAV at `output_path` (see `generate_parts_audio`)."""
    if not text.strip():
        return SynthesisResult(False, error="There is no text to generate audio from.")
    return generate_parts_audio(
        [SpeakPart(text, voice, speed)],
        language,
        output_path,
        model=model,
        should_cancel=should_cancel,
        on_progress=on_progress,
        commit=commit,
        on_audio=on_audio,
        quick_start=quick_start,
        on_spoken=on_spoken,
    )


def generate_parts_audio(
    parts: Sequence[Part],
    language: str,
    output_path: Path,
    *,
    model: Synthesizer,
    should_cancel: Callable[[], bool] | None = None,
    on_progress: Callable[[float], None] | None = None,
    commit: Callable[[float], None] | None = None,
    on_audio: AudioSink | None = None,
    quick_start: bool = False,
    on_spoken: Callable[[Spoken], None] | None = None,
) -> SynthesisResult:
    """Render `parts` (speech with its own voice and speed, silences) into a 24 kHz mono WAV.

    The WAV is written piece by piece (memory stays bounded for any length of text) to a temporary
    file beside `output_path` and renamed into place. `commit`, if
    given, is called with the duration once the new file is in place (to record it); if it raises,
    the earlier file is put back. `on_audio`, if given, also gets every piece as it is written (to
    play it while the rest renders); `quick_start`: see synthesize_into. Never raises for a synthesis
    problem: the result says what went wrong, and on failure or cancel no partial file is left and an
    earlier file is untouched. On success `result.spoken` says where each chunk is in the audio;
    `on_spoken`, if given, gets each chunk's place as it is rendered (all of them before `commit`).
    """
    if (problem := check_parts(parts)) is not None:
        return SynthesisResult(False, error=problem)
    if language not in LANGUAGES:
        return SynthesisResult(
            False, error=f"Unknown language {language!r}; use one of {', '.join(LANGUAGES)}."
        )
    wav = TempWav(output_path)
    spoken: list[Spoken] = []

    def record_spoken(chunk: Spoken) -> None:
        spoken.append(chunk)
        if on_spoken is not None:
            on_spoken(chunk)

    def sink(samples: NDArray[np.float32], rate: int) -> None:
        wav.write(samples, rate)
        if on_audio is not None:
            on_audio(samples, rate)

    try:
        synthesize_parts_into(
            sink,
            model,
            parts,
            language,
            should_cancel=should_cancel,
            on_progress=on_progress,
            quick_start=quick_start,
            on_spoken=record_spoken,
        )
        tmp, duration = wav.finish()
        with replacing(output_path, tmp):
            if commit is not None:
                commit(duration)
    except SynthesisCancelled:
        return SynthesisResult(False, error="Cancelled.", cancelled=True)
    except CommitRefused as refused:
        return SynthesisResult(False, error=str(refused), cancelled=True)
    except Exception as error:  # the model, espeak or the disk: report, never crash the worker
        if is_no_space(error, output_path.parent):  # named, so that a batch stops (disk_space.py)
            log.warning("Synthesis failed: no space left in %s", output_path.parent)
            return SynthesisResult(False, error=no_space_message(output_path.parent, "The audio"))
        # The message may quote the text (a phonemizer error): only with debug logging.
        debug = log.isEnabledFor(logging.DEBUG)
        log.warning("Synthesis failed: %s", error if debug else type(error).__qualname__, exc_info=debug)
        return SynthesisResult(False, error=f"Audio generation failed: {error}")
    finally:
        wav.discard()  # a no-op once the file was moved into place
    return SynthesisResult(True, path=output_path, duration=duration, spoken=tuple(spoken))
