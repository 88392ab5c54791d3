"""Bringing text in from .txt and .md files: decoding, Markdown to speakable text, paragraphs to
segments. Plain Python, no Qt."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from narrator_app.core.safe_read import FileRefused, read_regular_file

MAX_FILE_BYTES = 20 * 1024 * 1024
DEFAULT_LIMIT = 1000  # characters: longer paragraphs are split at sentence ends
MIN_LIMIT, MAX_LIMIT = 100, 100_000
SUFFIXES = (".txt", ".md", ".markdown")


class ImportFileError(Exception):
    """The file cannot be imported; the message says why. Nothing was added."""


def read_text_file(path: Path) -> str:
    """UTF-8 (with or without BOM) or UTF-16 (with a BOM, or detected); refuses binary files."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError(
                f"{path.name} is {size / 1_048_576:.0f} MB; Narrator imports text files up to "
                f"{MAX_FILE_BYTES // 1_048_576} MB."
            )
        data = read_regular_file(path, MAX_FILE_BYTES)  # a FIFO or /dev/zero is refused (safe_read.py)
    except FileRefused as error:
        raise ImportFileError(str(error)) from error
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from error
    return decode_text(data, path.name)


def decode_text(data: bytes, name: str) -> str:
    """The bytes of the file called `name` as text, decoded as read_text_file does; refuses binary data."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _decode(data, encoding, name)
    sample = data[:4096]
    if 0 in sample:  # text in UTF-8 never holds a NUL byte
        # Mostly ASCII text in UTF-16 without a BOM has a zero in every other byte.
        if sample[1::2].count(0) >= len(sample[1::2]) * 0.9:
            return _decode(data, "utf-16-le", name)
        if sample[0::2].count(0) >= len(sample[0::2]) * 0.9:
            return _decode(data, "utf-16-be", name)
        raise ImportFileError(f"{name} looks like a binary file, not text; nothing was imported.")
    return _decode(data, "utf-8", name)


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{name} is not UTF-8 or UTF-16 text (undecodable byte at position {error.start}). "
            "Save it as UTF-8 and import it again; nothing was imported."
        ) from error
    if "\x00" in text:
        raise ImportFileError(f"{name} looks like a binary file, not text; nothing was imported.")
    return text


_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")  # a closing # run needs a space before it
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_HTML = re.compile(r"</?[A-Za-z][^>]*>")
# Underscores count as emphasis only at word boundaries: snake_case_names stay as they are.
_EMPHASIS = re.compile(r"(\*{1,3})(\S(?:.*?\S)?)\1|(?<!\w)(_{1,3})(\S(?:.*?\S)?)\3(?!\w)")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash escapes ASCII punctuation only
_CODE = re.compile(r"`+([^`]*)`+")


_SHIELD = 0xE000  # escaped punctuation is hidden in the Private Use Area while markup is removed


def _speakable(line: str) -> str:
    """One Markdown line as plain text."""
    line = _ESCAPE.sub(lambda m: chr(_SHIELD + ord(m.group(1))), line)
    line = _QUOTE.sub("", line)
    line = _LIST.sub("", line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _HTML.sub("", line)
    line = _CODE.sub(r"\1", line)
    line = _EMPHASIS.sub(lambda m: m.group(2) if m.group(1) else m.group(4), line)
    return "".join(chr(ord(c) - _SHIELD) if _SHIELD <= ord(c) < _SHIELD + 128 else c for c in line)


def paragraphs(text: str, *, markdown: bool) -> list[str]:
    """Paragraphs (blank-line separated, hard-wrapped lines joined); with `markdown`, headings are
    paragraphs of their own without the # markers, markup is stripped and code blocks are dropped."""
    result: list[str] = []
    current: list[str] = []
    in_code = False

    def flush() -> None:
        # Hard-wrapped lines join with a space; a list item starts a line of its own (a pause).
        lines = "".join(current).split("\n")
        joined = "\n".join(" ".join(line.split()) for line in lines if line.strip())
        if joined:
            result.append(joined)
        current.clear()

    for raw in text.splitlines():
        if markdown:
            if _FENCE.match(raw):
                in_code = not in_code
                flush()
                continue
            if in_code:
                continue
            if heading := _HEADING.match(raw):
                flush()
                current.append(_speakable(heading.group(1)))
                flush()
                continue
            if _SETEXT.match(raw) and current:
                flush()  # the lines above were a heading
                continue
            if _RULE.match(raw):
                flush()
                continue
            starts_item = bool(_LIST.match(raw)) and bool(current)
            line = _speakable(raw)
        else:
            starts_item = False
            line = raw
        if line.strip():
            current.append(("\n" if starts_item else " ") + line.strip())
        else:
            flush()
    flush()
    return result


_SENTENCE_END = re.compile(r"(?<=[.!?…。！？])\s+")


def split_long(paragraph: str, limit: int = DEFAULT_LIMIT) -> list[str]:
    """A paragraph longer than `limit` becomes pieces cut at sentence ends (a single longer sentence
    stays whole: the synthesizer splits it further)."""
    if len(paragraph) <= limit:
        return [paragraph]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def paragraphs_from_file(path: Path) -> list[str]:
    """A file's paragraphs (Markdown made speakable), before long ones are split. Raises ImportFileError."""
    if path.suffix.lower() not in SUFFIXES:
        raise ImportFileError(f"{path.name}: Narrator imports .txt and .md files.")
    text = read_text_file(path)
    return paragraphs(text, markdown=path.suffix.lower() in (".md", ".markdown"))


def split_all(paras: list[str], limit: int = DEFAULT_LIMIT) -> list[str]:
    """The segments paragraphs become with this limit, in order."""
    return [piece for para in paras for piece in split_long(para, limit)]


def segments_from_file(path: Path, limit: int = DEFAULT_LIMIT) -> list[str]:
    """The segments a file would become, in order. Raises ImportFileError."""
    return split_all(paragraphs_from_file(path), limit)
