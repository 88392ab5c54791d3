"""EPUB import: chapters from the nav document or the NCX in spine order, clean paragraphs, metadata,
front matter, progress and cancel. Every EPUB is built here."""

from __future__ import annotations

from pathlib import Path

import pytest

from book_fixtures import ebooklib_epub, hand_epub, nav_document, ncx_document, xhtml
from narrator_app.core.books import Chapter, ImportCancelled, read_book


def titles(chapters: tuple[Chapter, ...]) -> list[str]:
    return [chapter.title for chapter in chapters]


def test_an_epub3_written_by_ebooklib_reads_its_nav_in_spine_order(tmp_path: Path) -> None:
    path = ebooklib_epub(
        tmp_path / "written.epub",
        [
            ("The First", "<h1>The First</h1><p>One two three.</p><p>Four five.</p>"),
            ("The Second", "<h1>The Second</h1><p>Six seven.</p>"),
        ],
        nav=True,
    )
    book = read_book(path)
    assert (book.title, book.author, book.language, book.source_format) == (
        "Written",
        "Bea Author",
        "en",
        "epub",
    )
    # ebooklib's generated nav page ("Written") is in the spine first: a contents page, front matter.
    assert titles(book.chapters) == ["Written", "The First", "The Second"]
    nav, first, second = book.chapters
    assert nav.front_matter and nav.paragraphs == ("The First", "The Second")
    assert first.paragraphs == ("One two three.", "Four five.") and not first.front_matter
    assert second.paragraphs == ("Six seven.",) and second.words == 2


def test_an_epub_with_only_an_ncx_takes_its_titles_from_the_ncx(tmp_path: Path) -> None:
    path = ebooklib_epub(
        tmp_path / "ncx.epub",
        [("Alpha", "<h2>A heading</h2><p>Alpha text.</p>"), ("Beta", "<p>Beta text.</p>")],
        nav=False,
    )
    book = read_book(path)
    assert titles(book.chapters) == ["Alpha", "Beta"]
    assert [c.paragraphs for c in book.chapters] == [("Alpha text.",), ("Beta text.",)]


def test_a_hand_built_epub2_resolves_ncx_links_from_the_ncx_folder_and_its_guide(tmp_path: Path) -> None:
    documents = [
        ("text/copy.xhtml", xhtml("<p>Copyright 2024 Ada Writer. All rights reserved.</p>")),
        ("text/ch1.xhtml", xhtml("<h1>1</h1><p>It was a dark night.</p>")),
        ("text/ch2.xhtml", xhtml("<h1>2</h1><p>Morning came.</p>")),
    ]
    ncx = ncx_document(
        [("Legal", "../text/copy.xhtml"), ("Night", "../text/ch1.xhtml"), ("Day", "../text/ch2.xhtml")]
    )
    path = hand_epub(
        tmp_path / "epub2.epub",
        documents,
        ncx=("toc/book.ncx", ncx),
        version="2.0",
        guide='<reference type="copyright-page" title="Legal" href="text/copy.xhtml"/>',
    )
    book = read_book(path)
    assert (book.title, book.author, book.language) == ("A Hand-Made Book", "Ada Writer", "en")
    assert titles(book.chapters) == ["Legal", "Night", "Day"]
    assert [c.front_matter for c in book.chapters] == [True, False, False]
    assert book.chapters[1].paragraphs == ("It was a dark night.",)  # the heading "1" is the title


NESTED_NAV = nav_document(
    '<li><a href="part1.xhtml">Part One</a><ol>'
    '<li><a href="part1.xhtml#c1">Chapter 1</a></li><li><a href="part1.xhtml#c2">Chapter 2</a></li></ol></li>'
    '<li><span>Part Two</span><ol><li><a href="part2.xhtml">Chapter 3</a></li></ol></li>'
)


def test_a_nested_toc_is_flattened_and_anchors_split_one_document(tmp_path: Path) -> None:
    part1 = xhtml(
        "<h1>Part One</h1><p>Where it begins.</p>"
        '<section id="c1"><h2>Chapter 1</h2><p>First chapter text.</p></section>'
        '<h2 id="c2">Chapter 2</h2><p>Second chapter text.</p><p>More of it.</p>'
    )
    part2 = xhtml("<h2>Chapter 3</h2><p>Third chapter text.</p>")
    book = read_book(
        hand_epub(tmp_path / "n.epub", [("part1.xhtml", part1), ("part2.xhtml", part2)], nav=NESTED_NAV)
    )
    # The nav document is not in the spine here; Part Two has no target, so only its child counts.
    assert titles(book.chapters) == ["Part One", "Chapter 1", "Chapter 2", "Chapter 3"]
    assert [c.paragraphs for c in book.chapters] == [
        ("Where it begins.",),
        ("First chapter text.",),
        ("Second chapter text.", "More of it."),
        ("Third chapter text.",),
    ]


def test_text_is_clean_paragraphs(tmp_path: Path) -> None:
    body = (
        "<h1>Clean <em>Text</em></h1>"
        "<p>Fish &amp; chips&nbsp;cost &pound;5 &mdash; caf&eacute; &#8220;open&#x201D;.</p>"
        "<p>An extra\u00adordinary won<span>der</span>ful <b>bold</b> <i>move</i>.</p>"
        '<p>A claim.<sup><a epub:type="noteref" href="#fn1">1</a></sup> Another<a href="#fn2">[2]</a> one'
        '<sup>[3]</sup>, and <a href="notes.xhtml#n4" role="doc-noteref">*</a>done.</p>'
        '<p><img src="x.png" alt="A picture"/>Line one<br/>line two.</p>'
        "<script>var hidden = 1;</script><style>p { color: red }</style>"
        '<ul><li>First item</li><li>Second <a href="https://example.org">link</a></li></ul>'
        "<h3>A Section</h3><p>Under the section.</p>"
        '<aside epub:type="footnote" id="fn1"><p>The footnote itself.</p></aside>'
    )
    book = read_book(
        hand_epub(
            tmp_path / "c.epub",
            [("c.xhtml", xhtml(body))],
            nav=nav_document('<li><a href="c.xhtml">Clean Text</a></li>'),
        )
    )
    (chapter,) = book.chapters
    assert chapter.title == "Clean Text"
    assert chapter.paragraphs == (
        "Fish & chips cost £5 — café “open”.",
        "An extraordinary wonderful bold move.",
        "A claim. Another one, and done.",
        "Line one line two.",
        "First item",
        "Second link",
        "A Section",
        "Under the section.",
    )


def test_front_matter_is_recognised_by_type_landmark_and_title(tmp_path: Path) -> None:
    documents = [
        (
            "title.xhtml",
            xhtml("<h1>A Hand-Made Book</h1><p>by Ada Writer</p>", body_attrs='epub:type="titlepage"'),
        ),
        ("ded.xhtml", xhtml('<section epub:type="dedication"><p>For my cat.</p></section>')),
        (
            "fore.xhtml",
            xhtml(
                '<section epub:type="foreword"><h1>Foreword</h1><p>Read this.</p></section>',
                body_attrs='epub:type="frontmatter"',
            ),
        ),
        ("ch.xhtml", xhtml('<section epub:type="chapter"><h1>One</h1><p>Story.</p></section>')),
        ("ack.xhtml", xhtml("<h1>Acknowledgements</h1><p>Thanks to all.</p>")),
        ("colo.xhtml", xhtml("<p>Set in Garamond.</p>")),
    ]
    nav = nav_document(
        '<li><a href="title.xhtml">Title Page</a></li><li><a href="ded.xhtml">For the Cat</a></li>'
        '<li><a href="fore.xhtml">Foreword</a></li><li><a href="ch.xhtml">One</a></li>'
        '<li><a href="ack.xhtml">Acknowledgements</a></li><li><a href="colo.xhtml">About the Type</a></li>',
        landmarks='<li><a epub:type="colophon" href="colo.xhtml">Colophon</a></li>',
    )
    book = read_book(hand_epub(tmp_path / "f.epub", documents, nav=nav))
    flags = {chapter.title: chapter.front_matter for chapter in book.chapters}
    assert flags == {
        "Title Page": True,
        "For the Cat": True,
        "Foreword": False,
        "One": False,
        "Acknowledgements": True,
        "About the Type": True,
    }


def test_documents_outside_the_toc_continue_or_start_chapters(tmp_path: Path) -> None:
    documents = [
        ("cover.xhtml", xhtml('<div><img src="cover.jpg" alt="Cover"/></div>')),
        ("half.xhtml", xhtml("<h1>Before Anything</h1><p>An untitled opening.</p>")),
        ("ch1.xhtml", xhtml("<h1>One</h1><p>Part A.</p>")),
        ("ch1b.xhtml", xhtml("<p>Part B, split off by size.</p>")),
        ("notes.xhtml", xhtml("<p>A non-linear page.</p>")),
        ("about.xhtml", xhtml("<h1>About the Author</h1><p>Ada lives by the sea.</p>")),
    ]
    nav = nav_document('<li><a href="ch1.xhtml">One</a></li>')
    path = hand_epub(tmp_path / "s.epub", documents, nav=nav, linear={"notes.xhtml": "no"})
    book = read_book(path)
    assert titles(book.chapters) == ["Before Anything", "One", "About the Author"]
    assert [c.paragraphs for c in book.chapters] == [
        ("An untitled opening.",),
        ("Part A.", "Part B, split off by size."),
        ("Ada lives by the sea.",),
    ]


def test_progress_rises_to_one_and_cancel_stops_between_chapters(tmp_path: Path) -> None:
    chapters = [(f"C{n}", f"<h1>C{n}</h1><p>Text {n}.</p>") for n in range(1, 6)]
    path = ebooklib_epub(tmp_path / "p.epub", chapters, nav=False)
    seen: list[float] = []
    book = read_book(path, on_progress=seen.append)
    assert len(book.chapters) == 5
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 5
    calls: list[float] = []
    with pytest.raises(ImportCancelled, match="cancelled"):
        read_book(path, on_progress=calls.append, should_cancel=lambda: len(calls) >= 3)
    assert calls[-1] < 1.0
