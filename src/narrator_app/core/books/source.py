"""Reading a book file safely (regular files only, bounded size) and telling its real type."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from narrator_app.core.books.errors import BookImportError

MAX_BOOK_BYTES = 200 * 1024 * 1024
_CHUNK = 1024 * 1024

EPUB, PDF, HTML, XHTML, MARKDOWN, TEXT = "epub", "pdf", "html", "xhtml", "markdown", "text"
_BY_SUFFIX = {
    ".epub": EPUB,
    ".pdf": PDF,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": XHTML,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".txt": TEXT,
    ".text": TEXT,
}
SUPPORTED = "EPUB, PDF, HTML, Markdown (.md) and plain text (.txt)"


def read_limited(path: Path, limit: int = MAX_BOOK_BYTES) -> bytes:
    """The file's bytes; refuses anything but a regular file, and stops reading past `limit` bytes
    (a file that grows while it is read, or lies in stat, is still refused)."""
    megabytes = limit // (1024 * 1024)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ENOENT:
            raise BookImportError(f"{path} does not exist; nothing was imported.") from error
        raise BookImportError(f"Cannot open {path}: {error.strerror or error}.") from error
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise BookImportError(f"{path.name} is {kind}; Narrator imports book files only.")
        if info.st_size > limit:
            raise BookImportError(
                f"{path.name} is {info.st_size / 1_048_576:.0f} MB; Narrator imports books up to "
                f"{megabytes} MB."
            )
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, _CHUNK):
            total += len(chunk)
            if total > limit:
                raise BookImportError(
                    f"{path.name} is larger than {megabytes} MB; Narrator imports books up to {megabytes} MB."
                )
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise BookImportError(f"Cannot read {path}: {error.strerror or error}.") from error
    finally:
        os.close(fd)


def sniff(path: Path, data: bytes) -> str:
    """The file's real type from its first bytes and its suffix; BookImportError if unsupported or if
    the content contradicts a binary suffix (a damaged or mislabelled file)."""
    claimed = _BY_SUFFIX.get(path.suffix.lower())
    if data.startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and claimed == PDF):
        return PDF
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        if claimed == EPUB or b"mimetypeapplication/epub+zip" in data[:200]:
            return EPUB
        raise BookImportError(
            f"{path.name} is a zip archive but not an EPUB; Narrator imports {SUPPORTED} files."
        )
    if claimed == EPUB:
        raise BookImportError(
            f"{path.name} is not a valid EPUB (it is not a zip archive); it may be damaged."
        )
    if claimed == PDF:
        raise BookImportError(f"{path.name} is not a valid PDF (no PDF header); it may be damaged.")
    if claimed is None:
        suffix = path.suffix or "(no suffix)"
        raise BookImportError(f"{path.name}: {suffix} files are not supported; Narrator imports {SUPPORTED}.")
    return claimed
