"""A project's cover picture: taken from an imported EPUB (with its year and description), set in
Book details, kept in the database, and attached to an audiobook export unless --cover names another."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from mutagen.mp4 import MP4

from book_fixtures import ebooklib_epub
from fakes import FakeKokoro
from narrator_app.cli import main
from narrator_app.core.books import read_book
from support import MakeController, wait_for_tasks
from test_audiobook_export import png_bytes


def _jpeg_bytes() -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(12, 8, QImage.Format.Format_RGB32)
    image.fill(QColor(0, 90, 200))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "JPEG")
    return bytes(data.data())


def _epub(tmp_path: Path, cover: bytes | None) -> Path:
    return ebooklib_epub(
        tmp_path / "novel.epub",
        [("Chapter One", "<h1>Chapter One</h1><p>It was a dark night.</p>")],
        nav=True,
        title="A Novel",
        cover=cover,
        date="1908-05-01",
        description="<p>A story of <b>the sea</b>.</p>",
    )


def test_an_epub_gives_its_cover_year_and_description(tmp_path: Path) -> None:
    book = read_book(_epub(tmp_path, png_bytes()))
    assert book.cover == png_bytes()
    assert (book.year, book.description) == ("1908", "A story of the sea.")
    (tmp_path / "plain").mkdir()
    assert read_book(_epub(tmp_path / "plain", None)).cover is None


def test_the_imported_cover_goes_into_the_m4b_unless_another_is_given(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    c = make_controller(fake_model_dir, FakeKokoro())
    c.chapters.import_book(read_book(_epub(tmp_path, png_bytes())), source="novel.epub")
    details = c.chapters.book_details()
    assert (details.title, details.year, details.description) == ("A Novel", "1908", "A story of the sea.")
    assert details.cover == png_bytes()
    summary = c.generation.generate_all()
    wait_for_tasks(qtbot, c, summary.task_ids)
    c.shutdown()
    base = ["--data-dir", str(c.data_dir), "--model-dir", str(fake_model_dir), "--json", "export"]

    def export(out: Path, *more: str) -> bytes:
        capsys.readouterr()
        assert main([*base, "--out", str(out), "--format", "m4b", *more]) == 0, capsys.readouterr()
        json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        [attached] = MP4(str(out)).tags["covr"]
        return bytes(attached)

    assert export(tmp_path / "own.m4b") == png_bytes()  # no --cover: the project's
    other = tmp_path / "other.jpg"
    other.write_bytes(_jpeg_bytes())
    assert export(tmp_path / "other.m4b", "--cover", str(other)) == other.read_bytes()
    if shutil.which("ffprobe"):
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(tmp_path / "own.m4b")],
            capture_output=True,
            text=True,
            check=True,
        )
        streams = json.loads(probe.stdout)["streams"]
        assert any(s.get("disposition", {}).get("attached_pic") == 1 for s in streams), streams


def test_book_details_choose_show_remove_and_keep_the_cover(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.ui.book_details import BookDetailsDialog

    c = make_controller(fake_model_dir, FakeKokoro())
    dialog = BookDetailsDialog(c.chapters.book_details())
    qtbot.addWidget(dialog)
    assert dialog.cover_picture.text() == "No cover" and not dialog.remove_cover.isEnabled()
    picture = tmp_path / "cover.jpg"
    picture.write_bytes(_jpeg_bytes())
    assert dialog.choose_cover(picture)
    assert not dialog.cover_picture.pixmap().isNull() and "12 × 8 pixels" in dialog.cover_info.text()
    text = tmp_path / "notes.png"
    text.write_text("not a picture", encoding="utf-8")
    assert not dialog.choose_cover(text)
    assert "not a JPEG or PNG" in dialog.cover_info.text() and dialog.details().cover == picture.read_bytes()
    c.chapters.set_book_details(dialog.details())
    assert c.chapters.book_details().cover == picture.read_bytes()  # kept in the database

    again = BookDetailsDialog(c.chapters.book_details())
    qtbot.addWidget(again)
    assert "12 × 8 pixels" in again.cover_info.text()
    again.remove_cover.click()
    assert again.details().cover is None
    c.chapters.set_book_details(again.details())
    assert c.chapters.book_details().cover is None


def test_a_users_cover_is_not_replaced_by_a_later_book(
    make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.store.records import BookDetails

    c = make_controller(fake_model_dir, FakeKokoro())
    mine = _jpeg_bytes()
    c.chapters.set_book_details(BookDetails(cover=mine))
    c.chapters.import_book(read_book(_epub(tmp_path, png_bytes())), source="novel.epub")
    assert c.chapters.book_details().cover == mine
    assert c.chapters.book_details().title == "A Novel"  # no title yet: the book's


@pytest.fixture(autouse=True)
def _qapp(qapp: object) -> None:  # QImage needs the application for its JPEG plugin
    return None
