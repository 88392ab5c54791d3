"""Markdown, HTML, PDF and plain-text books: chapters, titles and paragraphs, from files built here."""

from __future__ import annotations

from pathlib import Path

import pytest

from book_fixtures import pdf_book
from narrator_app.core.books import ChapterSelectionError, read_book, select_chapters


def test_markdown_headings_of_level_one_and_two_start_chapters(tmp_path: Path) -> None:
    path = tmp_path / "story.md"
    path.write_text(
        "Before any heading, an *opening*.\n\n"
        "# Chapter One\n\nThe first\nparagraph, hard-wrapped.\n\n### A Scene\n\nIn the scene.\n\n"
        "```\n# not a heading\n```\n\n"
        "Chapter Two\n-----------\n\nSecond [linked](https://x.org) text.\n\n"
        "## Contents\n\n- One\n- Two\n",
        encoding="utf-8",
    )
    book = read_book(path)
    assert (book.title, book.source_format) == ("story", "markdown")
    assert [(c.title, c.paragraphs, c.front_matter) for c in book.chapters] == [
        ("story", ("Before any heading, an opening.",), False),
        ("Chapter One", ("The first paragraph, hard-wrapped.", "A Scene", "In the scene."), False),
        ("Chapter Two", ("Second linked text.",), False),
        ("Contents", ("One\nTwo",), True),
    ]


def test_html_h1_and_h2_start_chapters_and_metadata_comes_from_the_head(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        '<!DOCTYPE html><html lang="en-GB"><head><title>The Page Book</title>'
        '<meta name="author" content="Hal Html"><script>alert(1)</script></head><body>'
        "<p>Prologue words.</p><h1>First</h1><p>Caf&eacute; &amp; more.</p><h3>Minor</h3><p>Under.</p>"
        "<h2>Second</h2><div>Block text<sup><a href='#n1'>1</a></sup>.</div></body></html>",
        encoding="utf-8",
    )
    book = read_book(path)
    assert (book.title, book.author, book.language, book.source_format) == (
        "The Page Book",
        "Hal Html",
        "en-GB",
        "html",
    )
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("The Page Book", ("Prologue words.",)),
        ("First", ("Café & more.", "Minor", "Under.")),
        ("Second", ("Block text.",)),
    ]


def test_plain_text_is_one_chapter_of_blank_line_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("One line\nwrapped here.\n\n\nSecond paragraph.\n", encoding="utf-16")
    book = read_book(path)
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("notes", ("One line wrapped here.", "Second paragraph."))
    ]


PAGES = [
    [
        ("h", ["The Start"]),
        ("p", ["The first paragraph runs over", "two lines of text."]),
        ("p", ["A second paragraph."]),
        ("h", ["The Middle"]),
        ("p", ["It begins mid-page and goes", "on to the next page"]),
    ],
    [("p", ["where it ends."]), ("h", ["The End"]), ("p", ["Last words."])],
]


def test_a_pdf_outline_gives_chapters_even_mid_page(tmp_path: Path) -> None:
    book = read_book(pdf_book(tmp_path / "o.pdf", PAGES, outline=True, title="Outlined"))
    assert (book.title, book.author, book.source_format) == ("Outlined", "Pat Printer", "pdf")
    assert [(c.title, c.paragraphs) for c in book.chapters] == [
        ("The Start", ("The first paragraph runs over two lines of text.", "A second paragraph.")),
        ("The Middle", ("It begins mid-page and goes on to the next page where it ends.",)),
        ("The End", ("Last words.",)),
    ]


def test_a_pdf_without_an_outline_is_one_chapter(tmp_path: Path) -> None:
    book = read_book(pdf_book(tmp_path / "plain.pdf", PAGES, outline=False))
    (chapter,) = book.chapters
    assert chapter.title == "plain"
    assert chapter.paragraphs == (
        "The Start",
        "The first paragraph runs over two lines of text.",
        "A second paragraph.",
        "The Middle",
        "It begins mid-page and goes on to the next page where it ends.",
        "The End",
        "Last words.",
    )


def test_pdf_hyphenation_is_joined_and_running_headers_and_page_numbers_dropped(tmp_path: Path) -> None:
    pages = [
        [("p", ["This para-", "graph is hyphen-", "ated at line ends", "and well-", "Known stays."])],
        [("p", ["Page two opens a para-", "graph of its own."])],
        [("p", ["Page three."])],
        [("p", ["Page four."])],
    ]
    path = pdf_book(tmp_path / "run.pdf", pages, outline=False, header="The Running Head", page_numbers=True)
    (chapter,) = read_book(path).chapters
    assert chapter.paragraphs == (
        "This paragraph is hyphenated at line ends and well- Known stays.",
        "Page two opens a paragraph of its own.",
        "Page three.",
        "Page four.",
    )


def test_select_chapters_reads_ranges_one_based() -> None:
    assert select_chapters("3-5,8", 10) == [2, 3, 4, 7]
    assert select_chapters(" 2 , 1-2 ", 3) == [0, 1]
    for spec, message in [
        ("", "No chapters"),
        ("0", "no chapter 0"),
        ("4-11", "no chapter 11: the book has chapters 1-10"),
        ("5-3", "runs backwards"),
        ("two", "'two' is not a chapter number"),
        ("1,,2", "'' is not"),
    ]:
        with pytest.raises(ChapterSelectionError, match=message):
            select_chapters(spec, 10)
