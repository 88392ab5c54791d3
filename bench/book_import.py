"""How long a 150,000-word, 40-chapter EPUB takes to import (issue 14, Speed). Not a test:

    PYTHONPATH=src python bench/book_import.py

Builds the EPUB with ebooklib in a temporary folder, then prints the median of three timed reads
(read_book: the chapters and paragraphs) and of three whole command-line imports into a new data
folder each (`narrator-app import book.epub`: start-up, the read, the segments written), wall time.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS, CHAPTERS, RUNS = 150_000, 40, 3
VOCABULARY = (
    "the of and a to in is was he she it that for on with as his her at by from they we said "
    "river lantern morning quietly window garden stranger letter harbour winter silver promise"
).split()


def build(path: Path) -> None:
    """A book of CHAPTERS chapters, WORDS words in paragraphs of 60-120 words with some markup."""
    from ebooklib import epub

    rng = random.Random(14)
    book = epub.EpubBook()
    book.set_identifier("bench-14")
    book.set_title("Benchmark Book")
    book.set_language("en")
    book.add_author("Bench Writer")
    items = []
    per_chapter = WORDS // CHAPTERS
    for number in range(1, CHAPTERS + 1):
        paragraphs, left = [], per_chapter
        while left > 0:
            count = min(left, rng.randint(60, 120))
            words = [rng.choice(VOCABULARY) for _ in range(count)]
            words[3] = f"<em>{words[3]}</em>"
            paragraphs.append(f"<p>{' '.join(words).capitalize()}.</p>")
            left -= count
        item = epub.EpubHtml(title=f"Chapter {number}", file_name=f"ch{number:02}.xhtml", lang="en")
        item.content = f"<h1>Chapter {number}</h1>{''.join(paragraphs)}"
        book.add_item(item)
        items.append(item)
    book.toc = [epub.Link(item.file_name, item.title, item.file_name) for item in items]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book)


def main() -> int:
    from narrator_app.core.books import read_book

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.epub"
        build(path)
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            book = read_book(path)
            times.append(time.perf_counter() - started)
        body = [chapter for chapter in book.chapters if not chapter.front_matter]
        print(
            f"read_book: {len(body)} chapters, {book.words} words, {path.stat().st_size / 1e6:.1f} MB: "
            f"median {statistics.median(times):.3f} s of {RUNS} ({', '.join(f'{t:.3f}' for t in times)})"
        )
        whole = []
        for run in range(RUNS):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "narrator_app", "--data-dir", str(Path(folder) / f"d{run}")]
                + ["--json", "import", str(path)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
            whole.append(time.perf_counter() - started)
            added = json.loads(done.stdout.strip().splitlines()[-1])["added"]
        print(
            f"narrator-app import: {added} segments added: median {statistics.median(whole):.2f} s of "
            f"{RUNS} ({', '.join(f'{t:.2f}' for t in whole)})"
        )
        print("command: PYTHONPATH=src python bench/book_import.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
