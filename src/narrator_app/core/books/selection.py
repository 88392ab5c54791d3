"""Chapter selections such as "3-5,8" (1-based, as a dry run numbers chapters)."""

from __future__ import annotations

import re

from narrator_app.core.books.errors import ChapterSelectionError
from narrator_app.core.books.model import Book

_PART = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?$")


def select_chapters(spec: str, count: int) -> list[int]:
    """The 0-based indices of the chapters `spec` names ("3-5,8" -> [2, 3, 4, 7]), sorted, each once.
    Raises ChapterSelectionError for a malformed spec or a chapter outside 1..count."""
    if not spec.strip():
        raise ChapterSelectionError("No chapters were given; write them as in 3-5,8.")
    chosen: set[int] = set()
    for part in spec.split(","):
        match = _PART.match(part.strip())
        if not match:
            raise ChapterSelectionError(
                f"'{part.strip()}' is not a chapter number or range; write chapters as in 3-5,8."
            )
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if first > last:
            raise ChapterSelectionError(f"The range {first}-{last} runs backwards; write {last}-{first}.")
        for number in (first, last):
            if not 1 <= number <= count:
                available = f"chapters 1-{count}" if count > 1 else ("chapter 1" if count else "no chapters")
                raise ChapterSelectionError(f"There is no chapter {number}: the book has {available}.")
        chosen.update(range(first - 1, last))
    return sorted(chosen)


def narrated_by_default(book: Book) -> list[int]:
    """The 0-based indices of the chapters imported when none are picked: those with words that are
    not front matter (contents, copyright, title page). A book that is all front matter by that
    reckoning comes in whole, rather than not at all."""
    chosen = [n for n, chapter in enumerate(book.chapters) if chapter.words > 0 and not chapter.front_matter]
    return chosen or list(range(len(book.chapters)))
