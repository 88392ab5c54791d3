"""Recognising material that is usually not narrated: copyright, contents, title page, dedication,
acknowledgements, index, colophon. Such chapters are offered unticked; nothing is dropped."""

from __future__ import annotations

import re
from collections.abc import Iterable

# epub:type / ARIA words (EPUB 3 Structural Semantics) and EPUB 2 guide types of such material.
FRONT_TYPES = frozenset(
    {
        "acknowledgments",
        "acknowledgements",
        "colophon",
        "contributors",
        "copyright",
        "copyright-page",
        "cover",
        "dedication",
        "errata",
        "frontmatter",
        "halftitle",
        "halftitlepage",
        "imprint",
        "imprimatur",
        "index",
        "landmarks",
        "loi",
        "lot",
        "other-credits",
        "title-page",
        "titlepage",
        "toc",
    }
)
# Words that say a part is reading text even when a generic "frontmatter" surrounds it.
CONTENT_TYPES = frozenset(
    {
        "afterword",
        "bodymatter",
        "chapter",
        "conclusion",
        "epilogue",
        "foreword",
        "introduction",
        "part",
        "preamble",
        "preface",
        "prologue",
    }
)
_TITLES = re.compile(
    r"^(copyright(\s+page)?|(table\s+of\s+)?contents|acknowledge?ments?|dedication|title\s*page|"
    r"half[\s-]*title|cover|colophon|index|imprint|(also|other\s+(books|titles|works))\s+by\b.*|"
    r"about\s+the\s+publisher)[\s.:]*$",
    re.IGNORECASE,
)


def by_types(words: Iterable[str]) -> bool | None:
    """True or False when the epub:type / role / guide words decide it, None when they say nothing."""
    found = set(words)
    if found & CONTENT_TYPES:
        return False
    if found & FRONT_TYPES:
        return True
    return None


def by_title(title: str) -> bool:
    """True for a chapter title such as "Copyright", "Contents" or "Acknowledgements"."""
    return bool(_TITLES.match(title.strip()))


def is_front_matter(title: str, words: Iterable[str] = ()) -> bool:
    """The types decide if they can; otherwise the title does."""
    decided = by_types(words)
    return by_title(title) if decided is None else decided
