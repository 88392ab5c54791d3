"""Render the "Books and chapters" screenshots of docs/user-guide.md from the real app and model.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots_chapters.py

Builds an EPUB of the first chapters of Lewis Carroll's *Alice's Adventures in Wonderland* (1865,
public domain; the openings only), with a contents page and a copyright page as front matter, imports
it through File → Import as a user would, and writes docs/images/chapter-picker.png,
docs/images/chapters.png and docs/images/book-details.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import pause, save_window, wait  # noqa: E402

from narrator_app.paths import resolve_model_dir  # noqa: E402
from narrator_app.ui import build_main_window  # noqa: E402
from narrator_app.ui.book_details import BookDetailsDialog  # noqa: E402
from narrator_app.ui.chapter_picker import ChapterPicker  # noqa: E402

CHAPTERS = [
    (
        "Contents",
        "<h1>Contents</h1><p>I. Down the Rabbit-Hole</p><p>II. The Pool of Tears</p>"
        "<p>III. A Caucus-Race and a Long Tale</p><p>IV. The Rabbit Sends in a Little Bill</p>"
        "<p>V. Advice from a Caterpillar</p>",
    ),
    (
        "Copyright",
        "<h1>Copyright</h1><p>This text is in the public domain. Typeset for Narrator's user guide.</p>",
    ),
    (
        "Chapter I. Down the Rabbit-Hole",
        "<h1>Chapter I. Down the Rabbit-Hole</h1>"
        "<p>Alice was beginning to get very tired of sitting by her sister on the bank, and of having "
        "nothing to do: once or twice she had peeped into the book her sister was reading, but it had "
        "no pictures or conversations in it, &#8220;and what is the use of a book,&#8221; thought "
        "Alice, &#8220;without pictures or conversations?&#8221;</p>"
        "<p>So she was considering in her own mind (as well as she could, for the hot day made her "
        "feel very sleepy and stupid), whether the pleasure of making a daisy-chain would be worth "
        "the trouble of getting up and picking the daisies, when suddenly a White Rabbit with pink "
        "eyes ran close by her.</p>"
        "<p>There was nothing so very remarkable in that; nor did Alice think it so very much out of "
        "the way to hear the Rabbit say to itself, &#8220;Oh dear! Oh dear! I shall be late!&#8221;</p>",
    ),
    (
        "Chapter II. The Pool of Tears",
        "<h1>Chapter II. The Pool of Tears</h1>"
        "<p>&#8220;Curiouser and curiouser!&#8221; cried Alice (she was so much surprised, that for "
        "the moment she quite forgot how to speak good English); &#8220;now I&#8217;m opening out "
        "like the largest telescope that ever was! Good-bye, feet!&#8221;</p>"
        "<p>Just then her head struck against the roof of the hall: in fact she was now rather more "
        "than nine feet high, and she at once took up the little golden key and hurried off to the "
        "garden door.</p>",
    ),
    (
        "Chapter III. A Caucus-Race and a Long Tale",
        "<h1>Chapter III. A Caucus-Race and a Long Tale</h1>"
        "<p>They were indeed a queer-looking party that assembled on the bank: the birds with "
        "draggled feathers, the animals with their fur clinging close to them, and all dripping wet, "
        "cross, and uncomfortable.</p>"
        "<p>The first question of course was, how to get dry again: they had a consultation about "
        "this, and after a few minutes it seemed quite natural to Alice to find herself talking "
        "familiarly with them.</p>",
    ),
    (
        "Chapter IV. The Rabbit Sends in a Little Bill",
        "<h1>Chapter IV. The Rabbit Sends in a Little Bill</h1>"
        "<p>It was the White Rabbit, trotting slowly back again, and looking anxiously about as it "
        "went, as if it had lost something; and she heard it muttering to itself, &#8220;The "
        "Duchess! The Duchess! Oh my dear paws!&#8221;</p>",
    ),
    (
        "Chapter V. Advice from a Caterpillar",
        "<h1>Chapter V. Advice from a Caterpillar</h1>"
        "<p>The Caterpillar and Alice looked at each other for some time in silence: at last the "
        "Caterpillar took the hookah out of its mouth, and addressed her in a languid, sleepy "
        "voice.</p><p>&#8220;Who are <em>you</em>?&#8221; said the Caterpillar.</p>",
    ),
]


def cover_png() -> bytes:
    """A plain cover: the title on a dark blue ground, 600 x 900 pixels."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(600, 900, QImage.Format.Format_RGB32)
    image.fill(QColor(24, 46, 92))
    painter = QPainter(image)
    painter.setPen(QColor(240, 220, 160))
    painter.setFont(QFont("DejaVu Serif", 40))
    painter.drawText(
        QRect(40, 200, 520, 400),
        Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
        "Alice's Adventures in Wonderland",
    )
    painter.setFont(QFont("DejaVu Serif", 24))
    painter.drawText(QRect(40, 700, 520, 80), Qt.AlignmentFlag.AlignCenter, "Lewis Carroll")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def build_epub(path: Path) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("alice-narrator-guide")
    book.set_title("Alice's Adventures in Wonderland")
    book.set_language("en")
    book.add_author("Lewis Carroll")
    book.add_metadata("DC", "date", "1865-11-26")
    book.set_cover("cover.png", cover_png(), create_page=False)  # the import takes it into Book details
    items = []
    for n, (title, body) in enumerate(CHAPTERS, 1):
        item = epub.EpubHtml(title=title, file_name=f"chapter_{n}.xhtml", lang="en")
        item.content = body
        book.add_item(item)
        items.append(item)
    book.toc = [epub.Link(item.file_name, item.title, f"c{n}") for n, item in enumerate(items, 1)]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book, {"epub3_pages": False})
    return path


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setApplicationName("narrator-app")
    app.setApplicationDisplayName("Narrator")
    with tempfile.TemporaryDirectory() as data_dir:
        path = build_epub(Path(data_dir) / "alice.epub")
        window = build_main_window(Path(data_dir) / "data", resolve_model_dir())
        c = window.controller
        window.resize(1100, 640)
        window.move(0, 0)
        window.show()
        c.generation.wait()
        c.chapters.rename(c.chapters.all()[0].id, "Introduction")
        c.segments.add("Read by Narrator, with the Kokoro voices.")

        shown: list[ChapterPicker] = []

        def picker_shot() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, ChapterPicker):
                QTimer.singleShot(50, picker_shot)
                return
            shown.append(dialog)
            dialog.resize(820, 440)
            pause(200)
            save_window(dialog, "images/chapter-picker.png")
            dialog.accept()  # as offered: the front matter unticked

        QTimer.singleShot(0, picker_shot)
        window.transfers.import_files([path])
        wait(lambda: len(c.chapters.all()) > 1)

        # Generate the first chapter with the real model, then show the second chapter.
        panel = window.chapter_panel
        first = c.chapters.all()[1]
        panel.select_chapter(first.id)
        panel.actions.generate.trigger()
        wait(lambda: c.generation.batch_state() is not None and c.generation.batch_state().finished)  # type: ignore[union-attr]
        second = c.chapters.all()[2]
        ids = [s.id for s in c.segments.all() if s.chapter_id == second.id]
        window.select_segment(ids[1])
        wait(lambda: c.tasks.active_for(ids[1]) is None)
        task = c.generation.generate_audio(ids[1])
        wait(
            lambda: c.generation.task(str(task)) is None or not c.generation.task(str(task)).status.is_active
        )  # type: ignore[union-attr]
        c.segments.update(ids[1], text=c.segments.get(ids[1]).text.replace("Good-bye", "Goodbye"))
        panel.select_chapter(second.id)
        window.select_segment(ids[1])
        pause(400)  # the chapter list re-reads after a short delay
        save_window(window, "images/chapters.png")

        dialog = BookDetailsDialog(c.chapters.book_details(), window)
        dialog.fields["narrator"].setText("Kokoro (af_heart)")
        dialog.fields["genre"].setText("Children's fiction")
        dialog.show()
        save_window(dialog, "images/book-details.png")
        dialog.close()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
