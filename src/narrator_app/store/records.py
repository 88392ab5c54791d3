"""Plain, immutable records: what the store hands to the rest of the app.

ORM objects never leave a Session; these do, and they are safe to pass between threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    id: int
    project_id: int
    position: int
    text: str
    is_locked: bool
    audio_file: str | None
    audio_duration: float | None
    audio_fingerprint: str | None
    created_at: datetime
    updated_at: datetime
    voice: str | None = None  # this segment's own voice or blend; None: the global voice
    chapter_id: int = 0  # the chapter it belongs to (0 only in records made by hand, in tests)
    speed: float | None = None  # this segment's own speed; None: the global speed
    pause_after: float | None = None  # seconds of silence after it in an export; None: the export's gap
    audio_timings: str | None = None  # JSON: its audio's sentence times (engine/timings.py); None: unknown

    @property
    def has_audio(self) -> bool:
        return self.audio_file is not None and self.audio_duration is not None


@dataclass(frozen=True, slots=True)
class ChapterRecord:
    id: int
    project_id: int
    position: int
    title: str
    segment_count: int = 0


@dataclass(frozen=True, slots=True)
class BookDetails:
    """What an audiobook export writes into its tags; "" where unknown."""

    title: str = ""
    author: str = ""
    narrator: str = ""
    year: str = ""
    genre: str = ""
    description: str = ""
    language: str = ""
    cover: bytes | None = field(default=None, repr=False)  # a JPEG or PNG picture, or none


@dataclass(frozen=True, slots=True)
class SettingsRecord:
    default_voice_id: str | None
    tts_speed: float
    language: str
    execution_provider: str = "cpu"


@dataclass(frozen=True, slots=True)
class LexiconRecord:
    """A lexicon entry as stored: core.lexicon.LexiconEntry's fields plus its id and project."""

    id: int
    project_id: int | None  # None: a global entry
    word: str
    say: str | None
    ipa: str | None
    case_sensitive: bool
    created_at: datetime
    updated_at: datetime

    @property
    def scope(self) -> str:
        """ "global" or "project", as core.lexicon.LexiconEntry.scope."""
        return "global" if self.project_id is None else "project"


@dataclass(frozen=True, slots=True)
class TakeRecord:
    """One kept render of a segment; `current`: its audio is the segment's audio now."""

    id: int
    segment_id: int
    number: int  # 1, 2, ... oldest first, never reused within the segment
    audio_file: str  # relative to the data dir
    duration: float  # of the whole file
    fingerprint: str | None
    voice: str | None
    speed: float | None
    created_at: datetime
    trim_start: float = 0.0  # seconds cut from the start
    trim_end: float = 0.0  # seconds cut from the end
    current: bool = False
    timings: str | None = None  # JSON: where its sentences are (engine/timings.py); None: unknown

    @property
    def trimmed_duration(self) -> float:
        """What is heard: the duration less both trims."""
        return self.duration - self.trim_start - self.trim_end
