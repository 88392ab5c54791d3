"""HTML books: `h1` and `h2` start chapters; deeper headings stay as paragraphs."""

from __future__ import annotations

from narrator_app.core.books import frontmatter, markup
from narrator_app.core.books.errors import BookImportError
from narrator_app.core.books.model import Book, Chapter, Progress
from narrator_app.core.books.textsource import decode


def read_html(data: bytes, name: str, title: str, progress: Progress, *, xhtml: bool = False) -> Book:
    """The book in an HTML (or XHTML) file's bytes."""
    if xhtml:
        root = markup.parse_xhtml(data)
    else:
        try:
            source: bytes | str = decode(data, name)  # UTF-8/16 as the text import decodes it
        except BookImportError:
            source = data  # another encoding: lxml follows the document's <meta charset>
        root = markup.parse_html(source)
    progress.check()
    doc = markup.document(root)
    book_title = doc.title or title
    chapters = []
    for heading, paragraphs in markup.headed_sections(doc.blocks, max_level=2):
        chapter_title = heading or book_title
        chapters.append(Chapter(chapter_title, tuple(paragraphs), frontmatter.by_title(chapter_title)))
    progress.report(1.0)
    author = next(
        (
            markup.clean(meta.get("content") or "")
            for meta in root.iter("{*}meta", "meta")
            if (meta.get("name") or "").lower() == "author"
        ),
        "",
    )
    return Book(book_title, author, tuple(chapters), "html", doc.language)
