"""Why a book could not be imported: exceptions whose message is a sentence for the user."""

from __future__ import annotations


class BookImportError(Exception):
    """The file cannot be imported; the message says why in words for the user. Nothing was returned."""


class ImportCancelled(BookImportError):
    """The user cancelled the import; nothing was returned."""

    def __init__(self, message: str = "The import was cancelled; nothing was imported.") -> None:
        super().__init__(message)


class ChapterSelectionError(BookImportError):
    """A chapter selection such as "3-5,8" is malformed or names chapters the book does not have."""
