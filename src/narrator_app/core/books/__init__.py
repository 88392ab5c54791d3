"""Books in: EPUB, PDF, HTML, Markdown and plain text read into chapters of plain paragraphs.

book = read_book(path, should_cancel=..., on_progress=...)   # Book, or BookImportError
picked = select_chapters("3-5,8", len(book.chapters))        # 0-based indices
"""

from __future__ import annotations

from pathlib import Path

from narrator_app.core.books import source
from narrator_app.core.books.errors import BookImportError, ChapterSelectionError, ImportCancelled
from narrator_app.core.books.html import read_html
from narrator_app.core.books.markdown import read_markdown
from narrator_app.core.books.model import Book, CancelCheck, Chapter, Progress, ProgressReport
from narrator_app.core.books.plaintext import read_plain_text
from narrator_app.core.books.selection import narrated_by_default, select_chapters
from narrator_app.core.books.source import MAX_BOOK_BYTES

__all__ = [
    "MAX_BOOK_BYTES",
    "Book",
    "BookImportError",
    "Chapter",
    "ChapterSelectionError",
    "ImportCancelled",
    "narrated_by_default",
    "read_book",
    "select_chapters",
]


def read_book(
    path: Path, *, should_cancel: CancelCheck | None = None, on_progress: ProgressReport | None = None
) -> Book:
    """The book in `path`, by its real type (magic bytes, then suffix). Raises BookImportError with a
    sentence for the user (ImportCancelled if `should_cancel` returned True); nothing is returned then.
    `on_progress(fraction)` is called with 0.0..1.0 as chapters are read."""
    path = Path(path)
    progress = Progress(should_cancel, on_progress)
    progress.check()
    data = source.read_limited(path)
    kind = source.sniff(path, data)
    progress.report(0.0)
    name, title = path.name, path.stem
    # The EPUB and PDF readers (ebooklib, pypdf) are imported when a book of theirs is read: the window
    # imports this package at start-up, and pypdf alone costs about 0.2 s there.
    if kind == source.EPUB:
        from narrator_app.core.books.epub import read_epub

        return read_epub(data, name, progress)
    if kind == source.PDF:
        from narrator_app.core.books.pdf import read_pdf

        return read_pdf(data, name, title, progress)
    if kind in (source.HTML, source.XHTML):
        return read_html(data, name, title, progress, xhtml=kind == source.XHTML)
    if kind == source.MARKDOWN:
        return read_markdown(data, name, title, progress)
    return read_plain_text(data, name, title, progress)
