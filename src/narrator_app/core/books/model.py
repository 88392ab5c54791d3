"""A book as plain data: its chapters and their paragraphs, ready to become segments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from narrator_app.core.books.errors import ImportCancelled

MAX_COVER_BYTES = 20 * 1_048_576  # a cover picture, at most (a 3000 x 3000 JPEG is 1-3 MB)


@dataclass(frozen=True)
class Chapter:
    """One chapter: its title (not repeated among the paragraphs) and its plain-text paragraphs.

    `front_matter` marks material that is usually not narrated (copyright, contents, title page,
    dedication, acknowledgements, index, colophon...) where it could be recognised."""

    title: str
    paragraphs: tuple[str, ...]
    front_matter: bool = False

    @property
    def words(self) -> int:
        """The number of words in the paragraphs (whitespace separated; the title not counted)."""
        return sum(len(paragraph.split()) for paragraph in self.paragraphs)


@dataclass(frozen=True)
class Book:
    """A whole book: metadata and chapters in reading order. `source_format` is one of
    "epub", "pdf", "html", "markdown", "text"; `language` is the metadata's language tag if any."""

    title: str
    author: str
    chapters: tuple[Chapter, ...]
    source_format: str
    language: str | None = None
    # From the metadata where the format has it (EPUB): the year published, the description, and
    # the cover picture (JPEG or PNG bytes).
    year: str = ""
    description: str = ""
    cover: bytes | None = field(default=None, repr=False)

    @property
    def words(self) -> int:
        """The number of words in all chapters."""
        return sum(chapter.words for chapter in self.chapters)


CancelCheck = Callable[[], bool]
ProgressReport = Callable[[float], None]


class Progress:
    """Reports the fraction done and raises ImportCancelled when the caller asks to stop."""

    def __init__(self, should_cancel: CancelCheck | None, on_progress: ProgressReport | None) -> None:
        self._should_cancel = should_cancel
        self._on_progress = on_progress
        self._last = -1.0

    def check(self) -> None:
        """Raise ImportCancelled if the caller wants to stop."""
        if self._should_cancel is not None and self._should_cancel():
            raise ImportCancelled()

    def report(self, fraction: float) -> None:
        """Tell the caller how far the import is (0.0 to 1.0, never going back), then check for cancel."""
        fraction = min(1.0, max(self._last, fraction))
        if self._on_progress is not None and fraction != self._last:
            self._on_progress(fraction)
        self._last = fraction
        self.check()
