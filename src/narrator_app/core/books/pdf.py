"""PDF books with a text layer: chapters from the outline (bookmarks), paragraphs rebuilt from lines.

Without an outline the whole text is one chapter (splitting on page-level headings was not reliable
enough to do by guesswork). Lines become paragraphs at a larger vertical gap than the usual line
spacing, at a change of font size, or at an indented first line; a hyphen at a line end followed by a
lower-case letter is joined away. Running headers and footers (the same text at the top or bottom of
at least half the pages, at least three) and page numbers are dropped. Encrypted PDFs are refused.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from narrator_app.core.books import frontmatter, markup
from narrator_app.core.books.errors import BookImportError
from narrator_app.core.books.model import Book, Chapter, Progress

_PAGE_NUMBER = re.compile(r"^[-–—\s]*(page\s+)?(\d{1,4}|[ivxlcdm]{1,7})(\s*(of|/)\s*\d{1,4})?[-–—\s]*$", re.I)
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)]$")


@dataclass(frozen=True)
class _Line:
    page: int
    x: float
    y: float
    size: float
    text: str


def _page_lines(page: Any, number: int) -> list[_Line]:
    """The page's text lines as pypdf extracts them, each with the position of its first text."""
    lines: list[_Line] = []
    buffer: list[str] = []
    where: list[tuple[float, float, float]] = []

    def end_line() -> None:
        text = markup.clean("".join(buffer))
        if text and where:
            x, y, size = where[0]
            lines.append(_Line(number, x, y, size, text))
        buffer.clear()
        where.clear()

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                end_line()
            if piece.strip() and not where:
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                where.append((x, y, abs(size * (tm[3] or 1) * (cm[3] or 1))))
            buffer.append(piece)

    page.extract_text(visitor_text=visit)
    end_line()
    return lines


def _drop_running(pages: list[list[_Line]], titles: set[str]) -> list[list[_Line]]:
    """Pages without their running headers, footers and page numbers."""

    def edges(lines: list[_Line]) -> list[_Line]:
        ordered = sorted(lines, key=lambda line: -line.y)
        return ordered[:2] + ordered[2:][-2:]

    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.casefold())

    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({key(line.text) for line in edges(lines)})
    threshold = max(3, (len(pages) + 1) // 2)
    result = []
    for lines in pages:
        edge = set(edges(lines))
        result.append(
            [
                line
                for line in lines
                if line not in edge
                or line.text.casefold() in titles
                or not (_PAGE_NUMBER.match(line.text) or counts[key(line.text)] >= threshold)
            ]
        )
    return result


def _paragraphs(lines: list[_Line], spacing: float) -> list[str]:
    paragraphs: list[list[str]] = []
    previous: _Line | None = None
    left = {page: min(line.x for line in lines if line.page == page) for page in {ln.page for ln in lines}}
    for line in lines:
        if previous is None:
            new = True
        elif line.page != previous.page:
            new = bool(_SENTENCE_END.search(previous.text))
        else:
            gap = previous.y - line.y
            indented = line.x > left[line.page] + 0.8 * line.size >= previous.x
            new = gap > 1.4 * spacing or gap < 0 or abs(line.size - previous.size) > 0.5 or indented
        if new or not paragraphs:
            paragraphs.append([line.text])
        else:
            paragraphs[-1].append(line.text)
        previous = line
    return [_join(parts) for parts in paragraphs]


def _join(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        if re.search(r"\w-$", text) and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}"
    return text


def _outline(reader: PdfReader) -> list[tuple[str, int, float]]:
    """(title, page index, top) of every bookmark, depth first, in reading order."""
    found: list[tuple[str, int, float]] = []

    def visit(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                visit(item)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except (PyPdfError, KeyError, AttributeError, TypeError, ValueError):
                continue
            top = item.get("/Top")
            title = markup.clean(str(item.get("/Title") or ""))
            if page is not None and page >= 0 and title:
                found.append((title, page, float(top) if isinstance(top, (int, float)) else float("inf")))

    try:
        visit(reader.outline)
    except (PyPdfError, KeyError, AttributeError, TypeError, ValueError):
        return []
    return sorted(found, key=lambda mark: (mark[1], -mark[2]))


def _opens_without_a_password(reader: PdfReader) -> bool:
    """Whether an encrypted PDF opens with the empty password, as a reader app opens it: one with
    only an owner (permissions) password, common for published books (RC4 or AES)."""
    try:
        return bool(reader.decrypt(""))
    except (PyPdfError, NotImplementedError, ValueError, KeyError):
        return False


def read_pdf(data: bytes, name: str, title: str, progress: Progress) -> Book:
    """The book in a PDF file's bytes; BookImportError if encrypted, damaged or without text."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_a_password(reader):
            raise BookImportError(
                f"{name} is encrypted (password-protected); Narrator cannot read it. Remove the "
                "protection (save an unprotected copy) and import that."
            )
        count = len(reader.pages)
        pages = []
        for number in range(count):
            progress.report(0.9 * number / max(count, 1))
            pages.append(_page_lines(reader.pages[number], number))
        marks = _outline(reader)
        info = reader.metadata
        language = reader.root_object.get("/Lang")
    except (PdfReadError, PyPdfError, KeyError, ValueError, TypeError, AttributeError, OSError) as error:
        raise BookImportError(f"{name} is damaged: the PDF cannot be read ({error}).") from error
    if not any(any(c.isalnum() for c in line.text) for lines in pages for line in lines):
        raise BookImportError(
            f"{name} has no text layer: it looks like a scanned document (pictures of pages). Narrator "
            "reads text, not images; run it through OCR (for example OCRmyPDF) and import the result."
        )
    book_title = markup.clean(str(info.title or "")) if info and info.title else title
    author = markup.clean(str(info.author or "")) if info and info.author else ""
    titles = {mark[0].casefold() for mark in marks}
    lines = [line for page in _drop_running(pages, titles) for line in page]
    gaps = [
        a.y - b.y
        for a, b in zip(lines, lines[1:], strict=False)
        if a.page == b.page and a.y > b.y and abs(a.size - b.size) <= 0.5
    ]
    # The usual line spacing: a low quantile, as gaps within paragraphs outnumber those between them.
    spacing = sorted(gaps)[len(gaps) // 4] if gaps else 12.0
    groups: list[tuple[str, list[_Line]]] = []
    mark = 0
    for line in lines:
        while mark < len(marks) and (marks[mark][1], -marks[mark][2]) <= (line.page, -(line.y + 1)):
            groups.append((marks[mark][0], []))
            mark += 1
        if not groups:
            groups.append(("", []))
        groups[-1][1].append(line)
    groups.extend((mark_title, []) for mark_title, _, _ in marks[mark:])
    chapters = []
    for number, (chapter_title, chapter_lines) in enumerate(groups):
        progress.report(0.9 + 0.1 * number / len(groups))
        paragraphs = _paragraphs(chapter_lines, spacing) if chapter_lines else []
        if paragraphs and chapter_title and paragraphs[0].casefold() == chapter_title.casefold():
            paragraphs = paragraphs[1:]  # the heading is the chapter's title
        chapter_title = chapter_title or book_title
        chapters.append(Chapter(chapter_title, tuple(paragraphs), frontmatter.by_title(chapter_title)))
    progress.report(1.0)
    return Book(book_title, author, tuple(chapters), "pdf", str(language) if language else None)
