"""XHTML and HTML as a flat list of text blocks (paragraphs and headings) for narration: entities
decoded, soft hyphens removed, inline markup dropped, footnote markers, images and scripts left out."""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

_BLOCKS = frozenset(
    "address article aside blockquote body caption dd details div dl dt figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td tfoot th "
    "thead tr ul".split()
)
_SKIP = frozenset(
    "audio button canvas head iframe img input map math noscript object script select style svg "
    "template textarea title video rp rt".split()
)
_SECTIONING = frozenset("body section article div nav aside header footer main".split())
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_MARKER = re.compile(r"^[\[(]?(\d{1,4}|[*†‡§¶#]+|[a-z]|[ivxlc]{1,6})[\])]?[.,]?$", re.IGNORECASE)
_BRACKETED = re.compile(r"^\[\d{1,4}\]$")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))  # soft hyphen, zero-width marks
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = frozenset((b"amp", b"lt", b"gt", b"quot", b"apos"))


@dataclass(frozen=True)
class Block:
    """A paragraph (heading 0) or a heading (1-6) of a document, with the element ids that start in it
    and the epub:type / ARIA role words of its enclosing sections."""

    text: str
    heading: int
    ids: tuple[str, ...]
    types: frozenset[str]


@dataclass(frozen=True)
class Document:
    """The blocks of one (X)HTML document, its <title>, its language and the ids after its last block."""

    blocks: tuple[Block, ...]
    title: str
    language: str | None
    trailing_ids: tuple[str, ...]


def clean(text: str) -> str:
    """Text as one line: soft hyphens and zero-width marks removed, runs of whitespace one space."""
    return " ".join(text.translate(_INVISIBLE).split())


def _numeric_entities(data: bytes) -> bytes:
    """HTML's named entities (&nbsp;, &mdash;...) as numeric references, which XML understands."""

    def replace(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        chars = html.entities.html5.get(name.decode("ascii") + ";")
        return b"".join(b"&#%d;" % ord(c) for c in chars) if chars else match.group(0)

    return _ENTITY.sub(replace, data)


def parse_xhtml(data: bytes) -> etree._Element:
    """An XHTML document's root; falls back to the HTML parser for markup that is not XML."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, remove_pis=True)
    try:
        root = etree.fromstring(_numeric_entities(data), parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None or _local(root) != "html":
        return parse_html(data)
    return root


def parse_html(data: bytes | str) -> etree._Element:
    """An HTML document's root (lxml's forgiving HTML parser)."""
    try:
        return lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""  # a comment or processing instruction
    return tag.rsplit("}", 1)[-1].lower()


def _words(element: etree._Element) -> set[str]:
    """The epub:type and role words of an element (role "doc-x" counts as "x")."""
    value = f"{element.get(EPUB_TYPE) or ''} {element.get('epub:type') or ''} {element.get('role') or ''}"
    return {word.lower().removeprefix("doc-") for word in value.split()}


def _text_of(element: etree._Element) -> str:
    return clean("".join(element.itertext()))


def _is_note_marker(element: etree._Element, name: str) -> bool:
    """A footnote reference: epub:type/role noteref, or a short marker link (or a sup holding one)."""
    if "noteref" in _words(element):
        return True
    if name == "a":
        return "#" in (element.get("href") or "") and bool(_MARKER.match(_text_of(element)))
    if name == "sup":
        text = _text_of(element)
        linked = any("#" in (a.get("href") or "") for a in element.iter("{*}a", "a"))
        return bool(_MARKER.match(text)) if linked else bool(_BRACKETED.match(text))
    return False


def _is_footnote_body(element: etree._Element, name: str) -> bool:
    """A footnote shown as a pop-up, not part of the reading flow."""
    words = _words(element)
    return "footnote" in words or (name == "aside" and bool(words & {"endnote", "rearnote", "note"}))


class _Walker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.pending_ids: list[str] = []
        self.heading = 0

    def flush(self, types: frozenset[str]) -> None:
        text = clean("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.blocks.append(Block(text, self.heading, tuple(self.pending_ids), types))
            self.pending_ids.clear()

    def walk(self, element: etree._Element, types: frozenset[str]) -> None:
        name = _local(element)
        if not name or name in _SKIP or _is_note_marker(element, name) or _is_footnote_body(element, name):
            return
        for key in ("id", "name") if name == "a" else ("id",):
            if value := element.get(key):
                self.pending_ids.append(value)
        if name in _SECTIONING:
            types = types | _words(element)
        if name == "br":
            self.buffer.append(" ")
            return
        block = name in _BLOCKS
        if block:
            self.flush(types)
            level = _HEADINGS.get(name, 0)
            if level:
                self.heading = level
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.walk(child, types)
            if child.tail:
                self.buffer.append(child.tail)
        if block:
            self.flush(types)
            if name in _HEADINGS:
                self.heading = 0


def document(root: etree._Element) -> Document:
    """The blocks of a parsed (X)HTML document in reading order."""
    body = next((el for el in root.iter() if _local(el) == "body"), root)
    walker = _Walker()
    walker.walk(body, frozenset())
    walker.flush(frozenset())
    title = next((_text_of(el) for el in root.iter() if _local(el) == "title"), "")
    language = root.get("{http://www.w3.org/XML/1998/namespace}lang") or root.get("lang")
    return Document(tuple(walker.blocks), title, language or None, tuple(walker.pending_ids))


def headed_sections(blocks: tuple[Block, ...], max_level: int) -> Iterator[tuple[str | None, list[str]]]:
    """(heading, paragraphs) runs: a heading of level 1..max_level starts a run; text before the first
    such heading is a run with heading None (only if it has text). Deeper headings stay as paragraphs."""
    title: str | None = None
    paragraphs: list[str] = []
    started = False
    for block in blocks:
        if 0 < block.heading <= max_level:
            if started or paragraphs:
                yield title, paragraphs
            title, paragraphs, started = block.text, [], True
        else:
            paragraphs.append(block.text)
    if started or paragraphs:
        yield title, paragraphs
