"""Markdown books: `#` and `##` headings start chapters; deeper headings stay as paragraphs."""

from __future__ import annotations

import re

from narrator_app.core.books import frontmatter
from narrator_app.core.books.model import Book, Chapter, Progress
from narrator_app.core.books.textsource import decode, markdown_paragraphs

_FENCE = re.compile(r"^\s*(```|~~~)")
_CHAPTER_HEADING = re.compile(r"^\s{0,3}#{1,2}(\s|$)")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def _sections(text: str) -> list[tuple[str | None, list[str]]]:
    """(heading line, body lines) runs, split at level 1-2 headings outside code fences."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    in_code = False
    for line in text.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        body = sections[-1][1]
        if not in_code and _CHAPTER_HEADING.match(line):
            sections.append((line, []))
        elif not in_code and _SETEXT.match(line) and body and body[-1].strip() and not _FENCE.match(body[-1]):
            # The paragraph above the underline is the heading (its lines since the last blank one).
            start = len(body)
            while start > 0 and body[start - 1].strip():
                start -= 1
            heading = " ".join(part.strip() for part in body[start:])
            del body[start:]
            sections.append(("# " + heading, []))
        else:
            body.append(line)
    return sections


def read_markdown(data: bytes, name: str, title: str, progress: Progress) -> Book:
    """The book in a Markdown file's bytes."""
    text = decode(data, name)
    sections = _sections(text)
    chapters: list[Chapter] = []
    for number, (heading, lines) in enumerate(sections):
        progress.report(number / len(sections))
        paragraphs = tuple(markdown_paragraphs("\n".join(lines)))
        if heading is None:
            if not paragraphs:
                continue
            chapter_title = title
        else:
            chapter_title = " ".join(markdown_paragraphs(heading)) or title
        chapters.append(Chapter(chapter_title, paragraphs, frontmatter.by_title(chapter_title)))
    progress.report(1.0)
    return Book(title, "", tuple(chapters), "markdown", None)
