"""Builders for the book-import tests: EPUBs by hand (zipfile) and with ebooklib, PDFs with fpdf2."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

XHTML_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">'
)
CONTAINER = (
    '<?xml version="1.0"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles>'
    "</container>"
)


def xhtml(body: str, *, title: str = "", body_attrs: str = "") -> str:
    """An XHTML document with this body markup."""
    return f"{XHTML_HEAD}<head><title>{title}</title></head><body {body_attrs}>{body}</body></html>"


def nav_document(items: str, *, landmarks: str = "") -> str:
    """An EPUB 3 nav document; `items` is the <li> markup of the toc's <ol>."""
    extra = f'<nav epub:type="landmarks"><ol>{landmarks}</ol></nav>' if landmarks else ""
    return xhtml(f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{items}</ol></nav>{extra}')


def ncx_document(points: Sequence[tuple[str, str]]) -> str:
    """An NCX with one navPoint per (label, src)."""
    nav_points = "".join(
        f'<navPoint id="p{n}" playOrder="{n}"><navLabel><text>{label}</text></navLabel>'
        f'<content src="{src}"/></navPoint>'
        for n, (label, src) in enumerate(points, 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        '<head><meta name="dtb:uid" content="id"/></head><docTitle><text>T</text></docTitle>'
        f"<navMap>{nav_points}</navMap></ncx>"
    )


def hand_epub(
    path: Path,
    documents: Sequence[tuple[str, str]],
    *,
    nav: str | None = None,
    ncx: tuple[str, str] | None = None,
    title: str = "A Hand-Made Book",
    author: str = "Ada Writer",
    language: str = "en",
    version: str = "3.0",
    spine: bool = True,
    linear: dict[str, str] | None = None,
    guide: str = "",
    extra: dict[str, bytes | str] | None = None,
    opf_dir: str = "OEBPS",
) -> Path:
    """An EPUB zip written member by member. `documents` are (href relative to the OPF, XHTML);
    `ncx` is (href, NCX text); `nav` is a nav document stored as nav.xhtml."""
    manifest = [
        f'<item id="d{n}" href="{href}" media-type="application/xhtml+xml"/>'
        for n, (href, _) in enumerate(documents)
    ]
    if nav is not None:
        manifest.append(
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        )
    if ncx is not None:
        manifest.append(f'<item id="ncx" href="{ncx[0]}" media-type="application/x-dtbncx+xml"/>')
    linear = linear or {}
    refs = "".join(
        f'<itemref idref="d{n}" linear="{linear.get(href, "yes")}"/>' for n, (href, _) in enumerate(documents)
    )
    toc_attribute = ' toc="ncx"' if ncx else ""
    spine_xml = f"<spine{toc_attribute}>{refs}</spine>" if spine else ""
    opf = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" '
        f'version="{version}" unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:opf="http://www.idpf.org/2007/opf"><dc:identifier id="uid">urn:uuid:1</dc:identifier>'
        f'<dc:title>{title}</dc:title><dc:creator opf:role="aut">{author}</dc:creator>'
        f'<dc:creator opf:role="ill">Ivy Illustrator</dc:creator><dc:language>{language}</dc:language>'
        f"</metadata><manifest>{''.join(manifest)}</manifest>{spine_xml}"
        f"{f'<guide>{guide}</guide>' if guide else ''}</package>"
    )
    prefix = f"{opf_dir}/" if opf_dir else ""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr("META-INF/container.xml", CONTAINER.format(opf=f"{prefix}content.opf"))
        archive.writestr(f"{prefix}content.opf", opf, zipfile.ZIP_DEFLATED)
        for href, text in documents:
            archive.writestr(f"{prefix}{href}", text, zipfile.ZIP_DEFLATED)
        if nav is not None:
            archive.writestr(f"{prefix}nav.xhtml", nav, zipfile.ZIP_DEFLATED)
        if ncx is not None:
            archive.writestr(f"{prefix}{ncx[0]}", ncx[1], zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return path


def ebooklib_epub(
    path: Path,
    chapters: Sequence[tuple[str, str]],
    *,
    nav: bool,
    title: str = "Written",
    cover: bytes | None = None,
    date: str = "",
    description: str = "",
) -> Path:
    """An EPUB written by ebooklib: (title, body markup) chapters, an NCX, and a nav document if `nav`;
    `cover` (a picture's bytes) as EPUB 3's cover-image and EPUB 2's <meta name="cover">."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("id-1")
    book.set_title(title)
    book.set_language("en")
    book.add_author("Bea Author")
    if cover is not None:
        book.set_cover("cover.png", cover, create_page=False)
    if date:
        book.add_metadata("DC", "date", date)
    if description:
        book.add_metadata("DC", "description", description)
    items = []
    for n, (chapter_title, body) in enumerate(chapters, 1):
        item = epub.EpubHtml(title=chapter_title, file_name=f"chap_{n}.xhtml", lang="en")
        item.content = body
        book.add_item(item)
        items.append(item)
    book.toc = [epub.Link(item.file_name, item.title, f"c{n}") for n, item in enumerate(items, 1)]
    book.add_item(epub.EpubNcx())
    if nav:
        book.add_item(epub.EpubNav())
    book.spine = (["nav"] if nav else []) + items
    epub.write_epub(str(path), book, {"epub3_pages": False})
    return path


def pdf_book(
    path: Path,
    pages: Sequence[Sequence[tuple[str, Sequence[str]]]],
    *,
    outline: bool,
    header: str = "",
    page_numbers: bool = False,
    title: str = "",
    password: str | None = None,
    encryption: str = "RC4",
) -> Path:
    """A PDF built line by line: each page is a list of (kind, lines) where kind "h" is a 16 pt
    heading (a bookmark when `outline`) and "p" a paragraph of 12 pt lines exactly as given.
    `password`: encrypted (`encryption`: RC4, AES_128 or AES_256) with that user password."""
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    class Book(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Helvetica", size=9)
                self.cell(0, 6, header, align="C")
                self.ln(12)

        def footer(self) -> None:
            if page_numbers:
                self.set_y(-15)
                self.set_font("Helvetica", size=9)
                self.cell(0, 6, str(self.page_no()), align="C")

    pdf = Book()
    if title:
        pdf.set_title(title)
        pdf.set_author("Pat Printer")
    if password is not None:  # "": only an owner password (the file opens without one)
        pdf.set_encryption(
            owner_password="owner", user_password=password, encryption_method=EncryptionMethod[encryption]
        )
    for page in pages:
        pdf.add_page()
        for kind, lines in page:
            if kind == "h":
                pdf.set_font("Helvetica", "B", 16)
                if outline:
                    pdf.start_section(lines[0])
                pdf.cell(0, 10, lines[0])
                pdf.ln(14)
            else:
                pdf.set_font("Helvetica", size=12)
                for line in lines:
                    pdf.cell(0, 6, line)
                    pdf.ln(6)
                pdf.ln(5)
    pdf.output(str(path))
    return path


def image_only_pdf(path: Path) -> Path:
    """A 'scanned' PDF: one page holding a picture and no text."""
    from fpdf import FPDF

    png = path.with_suffix(".png")
    _grey_png(png)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(png), x=10, y=10, w=100)
    pdf.output(str(path))
    return path


def _grey_png(path: Path) -> None:
    import struct
    import zlib

    width = height = 8
    raw = b"".join(b"\x00" + bytes([128] * width) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
