"""Chapters of the open project: list, add, rename, move, delete, move segments between them, the
status of each, and a whole book brought in as chapters. Every edit is one undo step."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from narrator_app.app.session import Session
from narrator_app.app.undo import UndoHistory
from narrator_app.core.books import Book
from narrator_app.core.books.model import MAX_COVER_BYTES
from narrator_app.core.rules import AudioStatus, Refusal, RefusalReason
from narrator_app.core.safe_read import FileRefused, read_regular_file
from narrator_app.core.textimport import DEFAULT_LIMIT, split_all
from narrator_app.engine.book_audio import cover_kind
from narrator_app.store import BookDetails, ChapterRecord, ProjectRecord, Repository, SegmentRecord

MAX_TITLE = 500


class ChapterError(ValueError):
    """A chapter command that cannot be done; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class ChapterStatus:
    """How far a chapter's audio is: counts of segments by audio status, and its duration so far."""

    chapter: ChapterRecord
    ready: int = 0
    outdated: int = 0
    missing: int = 0
    locked: int = 0
    empty: int = 0
    duration: float = 0.0

    @property
    def segments(self) -> int:
        return self.chapter.segment_count


@dataclass(frozen=True)
class ImportedChapter:
    id: int
    title: str
    segment_ids: tuple[int, ...]


class ChapterCommands:
    def __init__(
        self,
        session: Session,
        edits: UndoHistory,
        cancel_segment: Callable[[int, str], bool],
        audio_status: Callable[[SegmentRecord], tuple[AudioStatus, str]],
    ) -> None:
        """`cancel_segment(id, reason)` stops a row's generation; `audio_status` says how its audio is."""
        self._session = session
        self._edits = edits
        self._cancel_segment = cancel_segment
        self._audio_status = audio_status

    @property
    def _repo(self) -> Repository:
        return self._session.repository

    @property
    def _project(self) -> ProjectRecord:
        return self._session.project

    def _edited(self) -> None:
        """Chapters or the segments in them changed: views re-read both."""
        self._session.events.segments_reset.emit()
        self._session.events.chapters_changed.emit()

    def all(self) -> list[ChapterRecord]:
        """The open project's chapters in order, with their numbers of segments."""
        return self._repo.chapters.of(self._project.id)

    def get(self, chapter_id: int) -> ChapterRecord:
        """A chapter of the open project; ChapterError if there is none with that id."""
        found = self._repo.chapters.get(chapter_id)
        if found is None or found.project_id != self._project.id:
            raise ChapterError(f"There is no chapter {chapter_id} in the project {self._project.name!r}.")
        return found

    def add(self, title: str, position: int | None = None) -> ChapterRecord:
        title = _title(title)
        with self._edits.group("Add chapter"):
            record = self._repo.chapters.add(self._project.id, title, position)
        self._edited()
        return record

    def rename(self, chapter_id: int, title: str) -> ChapterRecord:
        self.get(chapter_id)
        title = _title(title)
        with self._edits.group("Rename chapter"):
            record = self._repo.chapters.rename(chapter_id, title)
        assert record is not None
        self._edited()
        return record

    def move(self, chapter_id: int, position: int) -> ChapterRecord:
        """Move a chapter, with its segments, to `position` (0-based, clamped) among the chapters."""
        self.get(chapter_id)
        with self._edits.group("Move chapter"):
            record = self._repo.chapters.move(chapter_id, position)
        assert record is not None
        self._edited()
        return record

    def delete(self, chapter_id: int) -> ChapterRecord | Refusal:
        """Delete a chapter and its segments (undoable; their audio is kept until then). A project
        keeps at least one chapter, and a chapter with locked segments is refused."""
        chapter = self.get(chapter_id)
        if len(self.all()) == 1:
            raise ChapterError("A project keeps at least one chapter: add another before deleting this one.")
        segments = [s for s in self._repo.list_segments(self._project.id) if s.chapter_id == chapter_id]
        locked = [s.id for s in segments if s.is_locked]
        if locked:
            return Refusal(
                locked[0],
                RefusalReason.LOCKED,
                f"The chapter {chapter.title!r} has {len(locked)} locked segment(s): unlock them first.",
            )
        for record in segments:
            self._cancel_segment(record.id, "Cancelled: its chapter was deleted.")
        edits = self._edits
        with edits.group("Delete chapter"):
            for record in segments:
                edits.remember_takes(record.id)
            for record in segments:
                edits.deleted(record)
                if (path := self._session.audio_path(record)) is not None:
                    edits.keep_audio(record.id, path)
            self._repo.chapters.delete(chapter_id)
        self._edited()
        return chapter

    def move_segments(self, segment_ids: list[int], chapter_id: int) -> int:
        """Move segments of the open project to the end of a chapter; how many moved."""
        self.get(chapter_id)
        own = {s.id for s in self._repo.get_segments(tuple(segment_ids)) if s.project_id == self._project.id}
        with self._edits.group("Move to chapter"):
            moved = self._repo.chapters.move_segments(tuple(i for i in segment_ids if i in own), chapter_id)
        self._edited()
        return moved

    def statuses(self) -> list[ChapterStatus]:
        """Every chapter of the open project with its audio counts (for the chapter rows)."""
        counts: dict[int, dict[str, float]] = {}
        trims = self._repo.takes.trims(self._project.id)  # durations as heard
        for record in self._repo.list_segments(self._project.id):
            c = counts.setdefault(record.chapter_id, {})
            if record.is_locked:
                c["locked"] = c.get("locked", 0) + 1
            status, _why = self._audio_status(record)
            if not record.text.strip():
                key = "empty"
            elif status is AudioStatus.READY:
                key = "ready"
            elif status is AudioStatus.OUTDATED:
                key = "outdated"
            else:
                key = "missing"
            c[key] = c.get(key, 0) + 1
            if status in (AudioStatus.READY, AudioStatus.OUTDATED) and record.audio_duration:
                cut = sum(trims.get(record.id, (0.0, 0.0)))
                c["duration"] = c.get("duration", 0.0) + max(0.0, record.audio_duration - cut)
        return [
            ChapterStatus(
                chapter,
                ready=int(counts.get(chapter.id, {}).get("ready", 0)),
                outdated=int(counts.get(chapter.id, {}).get("outdated", 0)),
                missing=int(counts.get(chapter.id, {}).get("missing", 0)),
                locked=int(counts.get(chapter.id, {}).get("locked", 0)),
                empty=int(counts.get(chapter.id, {}).get("empty", 0)),
                duration=counts.get(chapter.id, {}).get("duration", 0.0),
            )
            for chapter in self.all()
        ]

    def import_book(
        self,
        book: Book,
        picked: list[int] | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        title_segments: bool = True,
        source: str = "",
        into: int | None = None,
    ) -> list[ImportedChapter]:
        """Bring chapters of `book` in (`picked`: 0-based indices; all by default), in one undo step.

        A text without chapters (plain text, Markdown without headings) is appended to the
        chapter `into` (the last one by default), as a text import always was; otherwise each chapter
        becomes a new chapter at the end, opening with its title as a segment of its own when
        `title_segments`. Long paragraphs are split at sentence ends (`limit` characters); nothing is
        cut. Empty book details of the project are filled from the book's metadata."""
        chosen = [book.chapters[i] for i in (picked if picked is not None else range(len(book.chapters)))]
        project = self._project
        label = f"Import {source}" if source else "Import book"
        imported: list[ImportedChapter] = []
        with self._edits.group(label):
            if _chapterless(book, source) and chosen:
                target = into if into is not None else self.all()[-1].id
                self.get(target)
                texts = split_all(list(chosen[0].paragraphs), limit)
                records = self._repo.add_segments(project.id, texts, chapter_id=target) if texts else []
                title = self.get(target).title
                imported.append(ImportedChapter(target, title, tuple(r.id for r in records)))
            else:
                plan = []
                for chapter in chosen:
                    heading = " ".join(chapter.title.split())
                    title = _title(_shortened(heading) if heading else "Untitled chapter")
                    # The heading is read whole as its own segment; the chapter's name is shortened.
                    spoken = split_all([heading], limit) if title_segments and heading else []
                    texts = spoken + split_all(list(chapter.paragraphs), limit)
                    plan.append((title, texts))
                placeholder = self._placeholder()
                ids = self._repo.chapters.add_book(project.id, plan)
                if placeholder is not None:  # the book's chapters take the empty one's place
                    self._repo.chapters.delete(placeholder)
                by_chapter: dict[int, list[int]] = {}
                for record in self._repo.list_segments(project.id):
                    by_chapter.setdefault(record.chapter_id, []).append(record.id)
                imported = [
                    ImportedChapter(i, title, tuple(by_chapter.get(i, ())))
                    for i, (title, _texts) in zip(ids, plan, strict=True)
                ]
            self._fill_details(book)
        self._edited()
        return imported

    def _placeholder(self) -> int | None:
        """The chapter a new project was made with, if it is still all there is, empty and named
        after the project: a book imported into it should not leave it standing before its own."""
        chapters = self.all()
        if len(chapters) == 1 and chapters[0].segment_count == 0 and chapters[0].title == self._project.name:
            return chapters[0].id
        return None

    def book_details(self) -> BookDetails:
        return self._repo.chapters.book_details(self._project.id)

    def set_book_details(self, details: BookDetails) -> BookDetails:
        return self._repo.chapters.set_book_details(self._project.id, details)

    def _fill_details(self, book: Book) -> None:
        """A project's first book gives it its details (title, author, year, description, language,
        cover); details the user set are never replaced."""
        current = self.book_details()
        if current.title or current.author:
            return
        self.set_book_details(
            BookDetails(
                title=book.title,
                author=book.author,
                narrator=current.narrator,
                year=current.year or book.year,
                genre=current.genre,
                description=current.description or book.description,
                language=book.language or current.language,
                cover=current.cover if current.cover is not None else book.cover,
            )
        )


def load_cover(path: Path) -> bytes:
    """A cover picture for Book details: a regular JPEG or PNG file of at most 20 MB, else
    ChapterError with the reason."""
    try:
        data = read_regular_file(path, MAX_COVER_BYTES, "cover pictures")
    except FileRefused as error:
        raise ChapterError(str(error).replace("imported", "changed")) from error
    except OSError as error:
        raise ChapterError(f"Cannot read {path.name}: {error.strerror or error}.") from error
    if cover_kind(data) is None:
        raise ChapterError(f"{path.name} is not a JPEG or PNG picture; choose a .jpg or .png file.")
    return data


def _chapterless(book: Book, source: str) -> bool:
    """A text without chapters: plain text, or a single chapter named only after its file."""
    if book.source_format == "text":
        return True
    return len(book.chapters) == 1 and book.chapters[0].title in ("", Path(source).stem)


def _shortened(heading: str) -> str:
    """A book's heading as a chapter's name: whole when it fits MAX_TITLE, else cut at a word end
    with an ellipsis (the whole heading is still read, as the chapter's first segment)."""
    if len(heading) <= MAX_TITLE:
        return heading
    cut = heading[: MAX_TITLE - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_TITLE // 2 else cut).rstrip(" ,;:.") + "…"


def _title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise ChapterError("A chapter needs a title.")
    if len(cleaned) > MAX_TITLE:
        raise ChapterError(
            f"A chapter title has at most {MAX_TITLE} characters; this one has {len(cleaned)}."
        )
    return cleaned


def chapter_segments(segments: list[SegmentRecord], chapter_id: int) -> Iterator[SegmentRecord]:
    return (s for s in segments if s.chapter_id == chapter_id)
