"""SQLAlchemy 2 typed ORM models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite itself keeps no time zone."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Project(Base):
    __tablename__ = "projects"
    # AUTOINCREMENT: ids are never reused, so a late job result or an audio file
    # named after a deleted row can never be mistaken for a new one.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Book details (from an imported book's metadata or the Book details dialog); used by export.
    book_title: Mapped[str] = mapped_column(String(500), default="", server_default="")
    book_author: Mapped[str] = mapped_column(String(500), default="", server_default="")
    book_narrator: Mapped[str] = mapped_column(String(500), default="", server_default="")
    book_year: Mapped[str] = mapped_column(String(20), default="", server_default="")
    book_genre: Mapped[str] = mapped_column(String(200), default="", server_default="")
    book_description: Mapped[str] = mapped_column(Text, default="", server_default="")
    book_language: Mapped[str] = mapped_column(String(35), default="", server_default="")
    # Takes: how many a segment keeps (the oldest non-current one goes first), and the auto-trim of
    # a render's leading and trailing silence beyond this margin in seconds (NULL: off).
    take_limit: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    auto_trim_margin: Mapped[float | None] = mapped_column(Float, default=None)

    segments: Mapped[list[Segment]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )
    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True
    )


class Chapter(Base):
    """An ordered part of a project; its segments follow each other in the project's order."""

    __tablename__ = "chapters"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="chapters")


class Segment(Base):
    __tablename__ = "segments"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    # The chapter it belongs to; positions are the project's order across chapters.
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Relative to the data dir, so a data dir can be moved as a whole.
    audio_file: Mapped[str | None] = mapped_column(String(500), default=None)
    audio_duration: Mapped[float | None] = mapped_column(Float, default=None)
    # JSON: what produced the audio (text digest, voice, speed, language, model); see engine/fingerprint.
    audio_fingerprint: Mapped[str | None] = mapped_column(Text, default=None)
    # JSON: where each sentence of the audio is (engine/timings.py), the current take's; NULL: unknown.
    audio_timings: Mapped[str | None] = mapped_column(Text, default=None)
    # A voice or blend for this segment only; NULL: the global voice.
    voice: Mapped[str | None] = mapped_column(String(200), default=None)
    # Direction: this segment's own speed (NULL: the global one) and pause after it (NULL: the export's gap).
    speed: Mapped[float | None] = mapped_column(Float, default=None)
    pause_after: Mapped[float | None] = mapped_column(Float, default=None)
    # The take whose audio the audio columns above hold (NULL: none, e.g. audio from before takes).
    # use_alter: segments and takes refer to each other; it only breaks the cycle for create_all's order.
    current_take_id: Mapped[int | None] = mapped_column(
        ForeignKey("takes.id", ondelete="SET NULL", use_alter=True), default=None
    )
    # The number of the last take made for it: take numbers are never reused within a segment.
    last_take: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set by the repository when the text or lock changes; writing audio leaves it alone.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="segments")


class Take(Base):
    """One kept render of a segment: its own audio file, what produced it, and a non-destructive trim."""

    __tablename__ = "takes"
    __table_args__ = (
        Index("ux_takes_segment_number", "segment_id", "number", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per segment, never reused
    audio_file: Mapped[str] = mapped_column(String(500))  # relative to the data dir
    duration: Mapped[float] = mapped_column(Float)  # of the whole file, before the trim
    fingerprint: Mapped[str | None] = mapped_column(Text, default=None)
    voice: Mapped[str | None] = mapped_column(String(200), default=None)
    speed: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Seconds cut from the start and the end when it is played or exported.
    trim_start: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    trim_end: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # JSON: where its sentences are in its audio (as segments.audio_timings); NULL when unknown.
    timings: Mapped[str | None] = mapped_column(Text, default=None)


class LexiconEntry(Base):
    """How to say a word or phrase: a respelling (`say`) or phonemes (`ipa`); global or one project's."""

    __tablename__ = "lexicon_entries"
    # One entry per (scope, word key, case flag): SQLite sees NULLs as distinct in a unique index,
    # so global entries (project_id NULL) get a partial index of their own.
    __table_args__ = (
        Index(
            "ux_lexicon_entries_global_word",
            "word_key",
            "case_sensitive",
            unique=True,
            sqlite_where=text("project_id IS NULL"),
        ),
        Index(
            "ux_lexicon_entries_project_word",
            "project_id",
            "word_key",
            "case_sensitive",
            unique=True,
            sqlite_where=text("project_id IS NOT NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL: a global entry; else the project's own (it wins over a global one for the same word).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    word: Mapped[str] = mapped_column(String(500))
    # The word casefolded, or as written when case-sensitive (the same key as core.lexicon's).
    word_key: Mapped[str] = mapped_column(String(500))
    say: Mapped[str | None] = mapped_column(Text, default=None)
    ipa: Mapped[str | None] = mapped_column(Text, default=None)
    case_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BookCover(Base):
    """A project's cover picture (JPEG or PNG) for its audiobook: kept apart from the project's row,
    so that reading a project never loads the picture."""

    __tablename__ = "book_covers"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class GlobalSettings(Base):
    """A single row (id 1) of application-wide generation settings."""

    __tablename__ = "global_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL until a voices file is known; then af_heart if it has it, else its first voice.
    default_voice_id: Mapped[str | None] = mapped_column(String(100), default=None)
    tts_speed: Mapped[float] = mapped_column(Float, default=1.0)
    language: Mapped[str] = mapped_column(String(20), default="en-us")
    # "cpu", or "cuda" to run on the GPU when onnxruntime offers CUDA.
    execution_provider: Mapped[str] = mapped_column(String(20), default="cpu", server_default="cpu")
