"""The rules' vocabulary: refusals, audio statuses, the settings a job uses, and errors. No Qt here."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from narrator_app.core.lexicon import LexiconEntry
from narrator_app.core.pronounce import pronunciation_fingerprint
from narrator_app.engine.fingerprint import Fingerprint
from narrator_app.store import SegmentRecord


class RefusalReason(StrEnum):
    NOT_FOUND = "not_found"
    EMPTY_TEXT = "empty_text"
    LOCKED = "locked"
    MODEL_MISSING = "model_missing"
    INVALID = "invalid"  # an edit that cannot be made (nothing to merge with, nowhere to split)


@dataclass(frozen=True)
class Refusal:
    """Why a request was not carried out, in words the user can act on.

    The message names the segment by id (what the command line takes); `describe` lets the
    window name it as the user sees it there, by its row number.
    """

    segment_id: int | None  # None when a whole batch was refused
    reason: RefusalReason
    template: str  # "{subject}" stands for the segment

    @property
    def message(self) -> str:
        return self.describe(f"Segment {self.segment_id}")

    def describe(self, subject: str) -> str:
        return self.template.format(subject=subject)


class AudioStatus(StrEnum):
    NONE = "none"
    READY = "ready"
    OUTDATED = "outdated"
    DAMAGED = "damaged"  # the file is missing, cut short or not what was recorded (audio_check.py)


@dataclass(frozen=True)
class GenerationSettings:
    """What a job would use now; part of every audio fingerprint."""

    voice: str
    speed: float
    language: str
    model_id: str  # "" while no model file is known
    lexicon: tuple[LexiconEntry, ...] = ()  # the open project's entries in force (core.lexicon.merge)

    def fingerprint(self, text: str, voice: str | None = None, speed: float | None = None) -> Fingerprint:
        """What a job would produce for `text`, with a segment's own voice and speed if it has them.
        A segment's pause after it is not part of it: only an export uses that pause, the audio is
        the same with any (see engine.fingerprint)."""
        lexicon, normalization = pronunciation_fingerprint(text, self.language, self.lexicon)
        return Fingerprint.of(
            text,
            voice or self.voice,
            self.speed if speed is None else speed,
            self.language,
            self.model_id,
            lexicon=lexicon,
            normalization=normalization,
        )


class SettingsError(ValueError):
    """A settings value is not allowed; the message lists what is."""


def literal(text: str) -> str:
    """A message with no {subject} in it, safe to use as a Refusal template."""
    return text.replace("{", "{{").replace("}", "}}")


def not_found(segment_id: int) -> Refusal:
    return Refusal(segment_id, RefusalReason.NOT_FOUND, "{subject} does not exist.")


def other_project(segment_id: int, project_name: str) -> Refusal:
    """The segment is in another project than the one open (the command line's --project)."""
    return Refusal(
        segment_id,
        RefusalReason.NOT_FOUND,
        "{subject} is not in the project "
        + literal(repr(project_name))
        + "; name its project with --project.",
    )


def locked_refusal(segment_id: int, doing: str) -> Refusal:
    return Refusal(
        segment_id,
        RefusalReason.LOCKED,
        "{subject} is locked; unlock it first to " + doing + ".",
    )


def is_blank(text: str) -> bool:
    """No speakable character: only white space and invisible format characters (zero-width space
    U+200B, joiners, the BOM U+FEFF, soft hyphens, bidi marks…)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def segment_rule(record: SegmentRecord | None) -> RefusalReason | None:
    """The first three generation rules, in their order: not found, empty text, locked. (The
    fourth, model files, is the loader's.) Checked when a task is queued and again when it starts."""
    if record is None:
        return RefusalReason.NOT_FOUND
    if is_blank(record.text):
        return RefusalReason.EMPTY_TEXT
    if record.is_locked:
        return RefusalReason.LOCKED
    return None


class ProjectError(ValueError):
    """A project name is empty, taken, or unknown; the message says which."""
