"""The one place the book importer uses narrator_app.core.textimport (decoding and paragraph splitting),
so that moving that module later changes one import here."""

from __future__ import annotations

from narrator_app.core.books.errors import BookImportError
from narrator_app.core.textimport import ImportFileError, decode_text, paragraphs


def decode(data: bytes, name: str) -> str:
    """The text of a UTF-8 or UTF-16 file's bytes, as textimport decodes it; BookImportError if binary."""
    try:
        return decode_text(data, name)
    except ImportFileError as error:
        raise BookImportError(str(error)) from error


def text_paragraphs(text: str) -> list[str]:
    """Plain-text paragraphs: blank-line separated, hard-wrapped lines joined."""
    return paragraphs(text, markdown=False)


def markdown_paragraphs(text: str) -> list[str]:
    """Markdown made speakable and split into paragraphs (markup stripped, code blocks dropped)."""
    return paragraphs(text, markdown=True)
