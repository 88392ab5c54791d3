"""Bad book files get a BookImportError with a sentence for the user, and nothing is returned."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from book_fixtures import hand_epub, image_only_pdf, nav_document, pdf_book, xhtml
from narrator_app.core.books import BookImportError, read_book, source

NAV = nav_document('<li><a href="c.xhtml">One</a></li>')
DOC = [("c.xhtml", xhtml("<h1>One</h1><p>Text.</p>"))]


def refused(path: Path, message: str) -> None:
    with pytest.raises(BookImportError, match=message):
        read_book(path)


def test_a_damaged_zip_is_refused(tmp_path: Path) -> None:
    good = hand_epub(tmp_path / "good.epub", DOC, nav=NAV)
    assert read_book(good).chapters[0].paragraphs == ("Text.",)
    truncated = tmp_path / "truncated.epub"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(truncated, "truncated.epub is damaged")
    noise = tmp_path / "noise.epub"
    noise.write_bytes(b"this is not a zip at all")
    refused(noise, "not a valid EPUB")


def test_drm_protected_epubs_are_refused_but_font_obfuscation_is_not(tmp_path: Path) -> None:
    def encryption(algorithm: str) -> str:
        return (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
            f'<enc:EncryptionMethod Algorithm="{algorithm}"/><enc:CipherData>'
            '<enc:CipherReference URI="OEBPS/c.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>'
        )

    aes = hand_epub(
        tmp_path / "aes.epub",
        DOC,
        nav=NAV,
        extra={"META-INF/encryption.xml": encryption("http://www.w3.org/2001/04/xmlenc#aes128-cbc")},
    )
    refused(aes, "DRM-protected")
    adobe = hand_epub(tmp_path / "adobe.epub", DOC, nav=NAV, extra={"META-INF/rights.xml": "<rights/>"})
    refused(adobe, "Adobe DRM")
    fonts = hand_epub(
        tmp_path / "fonts.epub",
        DOC,
        nav=NAV,
        extra={"META-INF/encryption.xml": encryption("http://www.idpf.org/2008/embedding")},
    )
    assert read_book(fonts).chapters[0].title == "One"


def test_an_epub_without_a_spine_is_refused(tmp_path: Path) -> None:
    refused(hand_epub(tmp_path / "nospine.epub", DOC, nav=NAV, spine=False), "has no spine")


def test_a_zip_bomb_inside_an_epub_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = hand_epub(tmp_path / "bomb.epub", DOC, nav=NAV)
    with zipfile.ZipFile(path, "a") as archive:
        info = zipfile.ZipInfo("OEBPS/zeros.xhtml", (2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            chunk = bytes(1024 * 1024)
            for _ in range(120):  # 120 MB of zeros, packed to about 120 kB
                member.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    refused(path, "looks like a zip bomb: OEBPS/zeros.xhtml would decompress to 120 MB")


def test_an_encrypted_pdf_and_a_scanned_pdf_are_refused(tmp_path: Path) -> None:
    pages = [[("p", ["Secret text."])]]
    for method in ("RC4", "AES_128", "AES_256"):
        locked = tmp_path / f"locked-{method}.pdf"
        refused(pdf_book(locked, pages, outline=False, password="pw", encryption=method), "encrypted")
        # Only an owner (permissions) password: it opens without one, as in a reader app.
        opened = tmp_path / f"owner-{method}.pdf"
        pdf_book(opened, pages, outline=False, password="", encryption=method)
        assert PdfReader(str(opened)).is_encrypted, method
        assert [p for c in read_book(opened).chapters for p in c.paragraphs] == ["Secret text."], method
    refused(image_only_pdf(tmp_path / "scan.pdf"), "has no text layer: it looks like a scanned document")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    refused(broken, "broken.pdf is damaged")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(source.MAX_BOOK_BYTES + 1)  # sparse: no disk used
    refused(big, "big.txt is 200 MB; Narrator imports books up to 200 MB")


def test_the_size_limit_holds_while_reading_not_only_in_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grows.txt"
    path.write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    def lying_fstat(fd: int) -> os.stat_result:
        info = list(real_fstat(fd))
        info[6] = 10  # st_size: the file claims 10 bytes
        return os.stat_result(info)

    monkeypatch.setattr(os, "fstat", lying_fstat)
    with pytest.raises(BookImportError, match="larger than 0 MB"):
        source.read_limited(path, limit=4096)


def test_non_regular_files_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    refused(fifo, "pipe.txt is not a regular file")
    zero = tmp_path / "zero.epub"
    zero.symlink_to("/dev/zero")
    refused(zero, "zero.epub is not a regular file")
    folder = tmp_path / "folder.epub"
    folder.mkdir()
    refused(folder, "folder.epub is a folder")
    refused(tmp_path / "missing.epub", "does not exist")


def test_unsupported_types_are_refused(tmp_path: Path) -> None:
    docx = tmp_path / "letter.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    refused(docx, "letter.docx is a zip archive but not an EPUB")
    odd = tmp_path / "song.mp3"
    odd.write_bytes(b"ID3\x03\x00")
    refused(odd, r"song.mp3: .mp3 files are not supported")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    refused(binary, "looks like a binary file")
