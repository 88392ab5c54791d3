"""EPUB 2 and 3 books: chapters from the navigation (nav document or NCX) in spine order.

How the table of contents becomes chapters:
- A nested TOC is flattened depth-first: every entry with a target starts a chapter of its own
  ("Part I", then "Chapter 1"...); an entry without a target only contributes its children.
- Several entries pointing into one document with #anchors split it at the paragraph holding each
  anchor; an anchor that cannot be found starts at the top of its document.
- Spine documents without a TOC entry: one that opens with a heading starts an untitled-in-TOC chapter
  named by that heading; one that does not continues the chapter before it (books split into files
  by size). Such documents before the first TOC entry are chapters of their own. Non-linear spine
  documents count only when the TOC points at them; entries pointing outside the spine are ignored.
- The headings a chapter opens with are its title, not paragraphs; later headings stay as paragraphs.
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote

from lxml import etree
from lxml import html as lxml_html

from narrator_app.core.books import frontmatter, markup
from narrator_app.core.books.epub_archive import open_checked
from narrator_app.core.books.errors import BookImportError
from narrator_app.core.books.model import MAX_COVER_BYTES, Book, Chapter, Progress
from narrator_app.engine.book_audio import cover_kind

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import ebooklib
    from ebooklib import epub as ebook

_XHTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_OPF_ROLE = "{http://www.idpf.org/2007/opf}role"


@dataclass
class _Draft:
    """A chapter being assembled from blocks of one or more documents."""

    toc_title: str | None
    fallback_title: str
    blocks: list[markup.Block] = field(default_factory=list)
    words: set[str] = field(default_factory=set)


def read_epub(data: bytes, name: str, progress: Progress) -> Book:
    """The book in an EPUB file's bytes; BookImportError if damaged, DRM-protected, a zip bomb..."""
    open_checked(data, name).close()
    progress.check()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = ebook.read_epub(io.BytesIO(data), {"ignore_ncx": True})
    except (
        ebook.EpubException,
        KeyError,
        IndexError,
        AttributeError,
        TypeError,
        ValueError,
        etree.LxmlError,
        zipfile.BadZipFile,
        EOFError,
    ) as error:
        raise BookImportError(f"{name} is damaged: its EPUB structure cannot be read ({error}).") from error
    progress.report(0.1)
    documents = _spine_documents(book)
    if not documents:
        raise BookImportError(f"{name} has no readable documents in its spine; nothing was imported.")
    entries = _toc_entries(book)
    types_by_path = _landmark_types(book)
    wanted = {path for _, path, _ in entries}
    drafts: list[_Draft] = []
    readable = [(item, linear) for item, linear in documents if linear or item.get_name() in wanted]
    for number, (item, _) in enumerate(readable):
        progress.report(0.1 + 0.85 * number / len(readable))
        path = item.get_name()
        doc = markup.document(markup.parse_xhtml(item.content or b""))
        extra = types_by_path.get(path, set()) | ({"toc"} if isinstance(item, ebook.EpubNav) else set())
        fallback = doc.title or PurePosixPath(path).stem
        _place(
            doc, [(title, fragment) for title, p, fragment in entries if p == path], drafts, fallback, extra
        )
    progress.report(0.95)
    chapters = tuple(chapter for draft in drafts if (chapter := _finish(draft)) is not None)
    progress.report(1.0)
    return Book(
        title=_first(book, "title") or PurePosixPath(name).stem,
        author=_authors(book),
        chapters=chapters,
        source_format="epub",
        language=_first(book, "language") or None,
        year=_year(_first(book, "date")),
        description=_plain(_first(book, "description")),
        cover=_cover(book),
    )


def _spine_documents(book: Any) -> list[tuple[Any, bool]]:
    result = []
    for idref, linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is not None and item.media_type in _XHTML_TYPES and item.content is not None:
            result.append((item, str(linear).lower() != "no"))
    return result


def _resolve(href: str, base: str) -> tuple[str, str | None]:
    path, _, fragment = href.partition("#")
    resolved = posixpath.normpath(posixpath.join(base, unquote(path))) if path else ""
    return resolved, (unquote(fragment) or None)


def _toc_entries(book: Any) -> list[tuple[str, str, str | None]]:
    """(title, document path, fragment) for every TOC entry with a target, depth first."""
    nav = next((item for item in book.get_items() if isinstance(item, ebook.EpubNav)), None)
    if nav is not None:
        base = ""  # ebooklib already resolved nav hrefs against the nav document
    else:
        ncx = next(iter(book.get_items_of_type(ebooklib.ITEM_NAVIGATION)), None)
        base = posixpath.dirname(ncx.get_name()) if ncx is not None else ""
    entries: list[tuple[str, str, str | None]] = []

    def visit(node: Any) -> None:
        if isinstance(node, (list, tuple)) and not isinstance(node, ebook.Section):
            if len(node) == 2 and isinstance(node[0], ebook.Section):
                visit(node[0])
                visit(node[1])
            else:
                for child in node:
                    visit(child)
            return
        href = getattr(node, "href", "") or ""
        title = markup.clean(getattr(node, "title", "") or "")
        if href:
            path, fragment = _resolve(href, base)
            if path:
                entries.append((title, path, fragment))

    visit(book.toc)
    return entries


def _landmark_types(book: Any) -> dict[str, set[str]]:
    """Document path -> types from the EPUB 2 guide and the EPUB 3 landmarks (whole documents only)."""
    found: dict[str, set[str]] = {}
    for reference in book.guide or []:
        path, fragment = _resolve(reference.get("href") or "", "")
        if path and not fragment and reference.get("type"):
            found.setdefault(path, set()).add(str(reference["type"]).lower())
    nav = next((item for item in book.get_items() if isinstance(item, ebook.EpubNav)), None)
    if nav is not None and nav.content:
        root = markup.parse_xhtml(nav.content)
        base = posixpath.dirname(nav.get_name())
        for element in root.iter("{*}nav", "nav"):
            if "landmarks" not in markup._words(element):
                continue
            for link in element.iter("{*}a", "a"):
                path, fragment = _resolve(link.get("href") or "", base)
                if path and not fragment:
                    found.setdefault(path, set()).update(markup._words(link))
    return found


def _place(
    doc: markup.Document,
    targets: list[tuple[str, str | None]],
    drafts: list[_Draft],
    fallback: str,
    extra: set[str],
) -> None:
    """Distribute a document's blocks over the chapters its TOC entries start (see the module doc)."""
    blocks = list(doc.blocks)
    index_of: dict[str, int] = {}
    for number, block in enumerate(blocks):
        for element_id in block.ids:
            index_of.setdefault(element_id, number)
    for element_id in doc.trailing_ids:
        index_of.setdefault(element_id, len(blocks))
    starts = sorted(
        ((index_of.get(fragment, 0) if fragment else 0), order, title)
        for order, (title, fragment) in enumerate(targets)
    )
    first = starts[0][0] if starts else len(blocks)
    if first > 0:
        head = blocks[:first]
        if drafts and head[0].heading == 0:
            drafts[-1].blocks.extend(head)
        else:
            drafts.append(_Draft(None, fallback, list(head), extra | set(head[0].types)))
    for number, (start, _, title) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(blocks)
        part = blocks[start:end]
        words = set(part[0].types) if part else set()
        if start == 0:
            words |= extra
        drafts.append(_Draft(title or None, fallback, part, words))


def _finish(draft: _Draft) -> Chapter | None:
    blocks = draft.blocks
    lead = 0
    while lead < len(blocks) and blocks[lead].heading:
        lead += 1
    paragraphs = tuple(block.text for block in blocks[lead:])
    if draft.toc_title is None and not paragraphs:
        return None  # an untitled page with no text (a cover image, a blank page)
    title = draft.toc_title or (blocks[0].text if lead else draft.fallback_title)
    return Chapter(title, paragraphs, frontmatter.is_front_matter(title, draft.words))


def _first(book: Any, name: str) -> str:
    try:
        values = book.get_metadata("DC", name)
    except KeyError:
        return ""
    return next((markup.clean(value) for value, _ in values if value and markup.clean(value)), "")


def _year(date: str) -> str:
    """The year of a DC date ("2008-05-01", "2008", "May 2008"), or ""."""
    found = re.search(r"\b(1[5-9]\d\d|2\d\d\d)\b", date)
    return found.group(1) if found else ""


def _plain(text: str) -> str:
    """A description without its markup (publishers often put HTML paragraphs in it)."""
    if "<" not in text:
        return text
    try:
        return markup.clean(lxml_html.fromstring(text).text_content())
    except (etree.LxmlError, ValueError):
        return text


def _cover(book: Any) -> bytes | None:
    """The cover picture: EPUB 3's cover-image item, else EPUB 2's <meta name="cover">, else an
    image named cover; only a JPEG or PNG (what an audiobook's tags can hold)."""
    candidates = list(book.get_items_of_type(ebooklib.ITEM_COVER))
    try:
        metas = book.get_metadata("OPF", "cover")
    except KeyError:
        metas = []
    for _value, attrs in metas:
        item = book.get_item_with_id((attrs or {}).get("content", ""))
        if item is not None:
            candidates.append(item)
    candidates += [
        item
        for item in book.get_items_of_type(ebooklib.ITEM_IMAGE)
        if "cover" in (item.get_id() or "").lower() or "cover" in PurePosixPath(item.get_name()).stem.lower()
    ]
    for item in candidates:
        data = item.get_content() or b""
        if len(data) <= MAX_COVER_BYTES and cover_kind(data) is not None:
            return bytes(data)
    return None


def _authors(book: Any) -> str:
    try:
        creators = [(markup.clean(v or ""), attrs or {}) for v, attrs in book.get_metadata("DC", "creator")]
    except KeyError:
        return ""
    creators = [(value, attrs) for value, attrs in creators if value]
    if any(_OPF_ROLE in attrs for _, attrs in creators):
        creators = [(value, attrs) for value, attrs in creators if attrs.get(_OPF_ROLE, "aut") == "aut"]
    return ", ".join(dict.fromkeys(value for value, _ in creators))
