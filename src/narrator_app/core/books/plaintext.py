"""Plain-text books: one chapter, paragraphs split on blank lines as the text import does."""

from __future__ import annotations

from narrator_app.core.books.model import Book, Chapter, Progress
from narrator_app.core.books.textsource import decode, text_paragraphs


def read_plain_text(data: bytes, name: str, title: str, progress: Progress) -> Book:
    """The book in a text file's bytes: one chapter named after the file."""
    paragraphs = tuple(text_paragraphs(decode(data, name)))
    progress.report(1.0)
    chapters = (Chapter(title, paragraphs, False),) if paragraphs else ()
    return Book(title, "", chapters, "text", None)
