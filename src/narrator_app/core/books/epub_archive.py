"""Checks on an EPUB's zip before any library unpacks it: damage, zip bombs, DRM, a missing spine."""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote

from lxml import etree

from narrator_app.core.books.errors import BookImportError

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # one file, decompressed
MAX_TOTAL_BYTES = 500 * 1024 * 1024  # all files, decompressed
MAX_RATIO = 100  # decompressed / compressed, for members over RATIO_FLOOR bytes
RATIO_FLOOR = 1024 * 1024
# Font obfuscation (IDPF and Adobe) hides fonts, not text: such EPUBs are not DRM-protected.
_FONT_OBFUSCATION = frozenset({"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"})
_DRM_FILES = {
    "META-INF/rights.xml": "Adobe DRM",
    "META-INF/sinf.xml": "Apple FairPlay DRM",
    "META-INF/license.lcpl": "Readium LCP DRM",
}
_CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
_OPF_NS = "http://www.idpf.org/2007/opf"
_XENC_NS = "http://www.w3.org/2001/04/xmlenc#"


def open_checked(data: bytes, name: str) -> zipfile.ZipFile:
    """The EPUB's zip, after refusing damage, bombs and DRM; the caller closes it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise BookImportError(f"{name} is damaged: its zip archive cannot be read ({error}).") from error
    try:
        _check_sizes(archive, name)
        _check_drm(archive, name)
        _check_spine(archive, name)
    except BaseException:
        archive.close()
        raise
    return archive


def _check_sizes(archive: zipfile.ZipFile, name: str) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise BookImportError(f"{name} holds {len(members)} files; an EPUB over {MAX_MEMBERS} is refused.")
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise BookImportError(f"{name} is password-protected (encrypted zip); it cannot be imported.")
        size = member.file_size  # zipfile never decompresses past this, so it bounds what is read
        total += size
        ratio = size / max(member.compress_size, 1)
        if size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES or (size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise BookImportError(
                f"{name} looks like a zip bomb: {member.filename} would decompress to "
                f"{size / 1_048_576:.0f} MB ({ratio:.0f} times its packed size); nothing was imported."
            )


def read_member(archive: zipfile.ZipFile, member: str, name: str) -> bytes:
    """One member's bytes; BookImportError if missing or damaged."""
    try:
        return archive.read(member)
    except KeyError as error:
        raise BookImportError(f"{name} is damaged: it has no {member}.") from error
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise BookImportError(f"{name} is damaged: {member} cannot be unpacked ({error}).") from error


def _xml(data: bytes, member: str, name: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    root = etree.fromstring(data, parser) if data.strip() else None
    if root is None:
        raise BookImportError(f"{name} is damaged: {member} is not readable XML.")
    return root


def _check_drm(archive: zipfile.ZipFile, name: str) -> None:
    names = set(archive.namelist())
    for member, kind in _DRM_FILES.items():
        if member in names:
            raise BookImportError(
                f"{name} is protected by {kind}; Narrator cannot read DRM-protected books. "
                "Import a DRM-free copy."
            )
    if "META-INF/encryption.xml" not in names:
        return
    root = _xml(read_member(archive, "META-INF/encryption.xml", name), "META-INF/encryption.xml", name)
    for method in root.iter(f"{{{_XENC_NS}}}EncryptionMethod"):
        if method.get("Algorithm") not in _FONT_OBFUSCATION:
            raise BookImportError(
                f"{name} is DRM-protected (its text is encrypted); Narrator cannot read DRM-protected "
                "books. Import a DRM-free copy."
            )


def package_path(archive: zipfile.ZipFile, name: str) -> str:
    """The path of the package document (.opf) named by META-INF/container.xml."""
    container = _xml(read_member(archive, "META-INF/container.xml", name), "META-INF/container.xml", name)
    for rootfile in container.iter(f"{{{_CONTAINER_NS}}}rootfile"):
        if rootfile.get("media-type") == "application/oebps-package+xml" and rootfile.get("full-path"):
            return posixpath.normpath(rootfile.get("full-path") or "")
    raise BookImportError(f"{name} is damaged: META-INF/container.xml names no package document.")


def _check_spine(archive: zipfile.ZipFile, name: str) -> None:
    opf = package_path(archive, name)
    package = _xml(read_member(archive, opf, name), opf, name)
    # ebooklib reads every manifest item: one large member listed many times must not multiply.
    sizes = {info.filename: info.file_size for info in archive.infolist()}
    base = posixpath.dirname(opf)
    listed = sum(
        sizes.get(posixpath.normpath(posixpath.join(base, unquote(item.get("href") or ""))), 0)
        for item in package.iter(f"{{{_OPF_NS}}}item")
    )
    if listed > MAX_TOTAL_BYTES:
        raise BookImportError(
            f"{name} lists more than {MAX_TOTAL_BYTES // 1_048_576} MB of content; refused."
        )
    spine = package.find(f"{{{_OPF_NS}}}spine")
    if spine is None or spine.find(f"{{{_OPF_NS}}}itemref") is None:
        raise BookImportError(
            f"{name} has no spine (the list of its documents in reading order); it cannot be imported."
        )
