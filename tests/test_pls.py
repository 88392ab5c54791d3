"""W3C PLS 1.0: an export reads back exactly; every hostile or invalid file is refused with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from narrator_app.core.lexicon import new_entry
from narrator_app.core.pls import PLS_NAMESPACE, PlsError, parse_pls, to_pls

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
HEAD = f'<lexicon version="1.0" alphabet="ipa" xml:lang="en-US" xmlns="{PLS_NAMESPACE}">'


def pls(body: str, head: str = HEAD) -> bytes:
    return f"{DECLARATION}{head}{body}</lexicon>".encode()


def test_round_trip_is_exact(tmp_path: Path) -> None:
    entries = (
        new_entry("Hermione", say="Her MY oh nee", scope="project"),
        new_entry("NASA", say="nasa", case_sensitive=True, scope="project"),
        new_entry("nasa", ipa="nˈæsə", scope="project"),
        new_entry("New York", ipa="nuː jˈɔːk", scope="project"),
        new_entry("Zoë & <Co>", say="zoey and company", scope="project"),
    )
    path = tmp_path / "lexicon.pls"
    path.write_bytes(to_pls(entries))
    data = path.read_bytes()
    back = parse_pls(data, scope="project")
    assert sorted(back, key=repr) == sorted(entries, key=repr)
    assert to_pls(back) == data  # stable output
    root = etree.fromstring(data)
    assert root.tag == f"{{{PLS_NAMESPACE}}}lexicon" and root.get("version") == "1.0"
    assert root.get("alphabet") == "ipa"


def test_a_file_from_another_tool() -> None:
    data = pls(
        """
      <meta name="author" content="someone"/>
      <lexeme><grapheme>tomato</grapheme><grapheme>Tomato</grapheme><phoneme>təˈmɑːtoʊ</phoneme></lexeme>
      <lexeme><grapheme>W3C</grapheme><alias>World Wide Web Consortium</alias></lexeme>
      <lexeme><grapheme>read</grapheme><phoneme>ɹiːd</phoneme><phoneme prefer="true">ɹɛd</phoneme></lexeme>
      <!-- a comment -->
    """
    )
    entries = parse_pls(data)
    assert [(e.word, e.say, e.ipa, e.case_sensitive, e.scope) for e in entries] == [
        ("tomato", None, "təˈmɑːtoʊ", False, "global"),
        ("W3C", "World Wide Web Consortium", None, False, "global"),
        ("read", None, "ɹɛd", False, "global"),  # the preferred pronunciation
    ]


def test_the_imported_case_rule_is_the_callers_unless_marked() -> None:
    data = pls("<lexeme><grapheme>Nice</grapheme><alias>neece</alias></lexeme>")
    assert parse_pls(data, case_sensitive=True)[0].case_sensitive
    assert not parse_pls(data)[0].case_sensitive


def test_the_same_word_twice_alike_is_one_entry() -> None:
    twice = "<lexeme><grapheme>cat</grapheme><grapheme>CAT</grapheme><alias>kitty</alias></lexeme>"
    assert [e.word for e in parse_pls(pls(twice + LEXEME))] == ["cat"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lexicon [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lexicon version="1.0" alphabet="ipa" xml:lang="en-US" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">
<lexeme><grapheme>&lol3;</grapheme><alias>x</alias></lexeme></lexicon>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE lexicon [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<lexicon version="1.0" alphabet="ipa" xml:lang="en-US" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">
<lexeme><grapheme>&secret;</grapheme><alias>x</alias></lexeme></lexicon>"""

LEXEME = "<lexeme><grapheme>cat</grapheme><alias>kitty</alias></lexeme>"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not xml", "not well-formed XML"),
        (b"<lexicon version='1.0'><lexeme>", "not well-formed XML"),
        (BILLION_LAUGHS, "DTD"),
        (EXTERNAL_ENTITY, "DTD"),
        (b"<html><body/></html>", "root element is <html>"),
        (b'<lexicon version="1.0" alphabet="ipa" xml:lang="en"/>', "namespace \\(none\\)"),
        (pls(LEXEME, HEAD.replace(' version="1.0"', "")), "no version"),
        (pls(LEXEME, HEAD.replace('version="1.0"', 'version="2.0"')), "version '2.0' is not supported"),
        (pls(LEXEME, HEAD.replace(' alphabet="ipa"', "")), "no alphabet"),
        (pls(LEXEME, HEAD.replace(' xml:lang="en-US"', "")), "no xml:lang"),
        (
            pls(
                "<lexeme><grapheme>cat</grapheme><phoneme>k a t</phoneme></lexeme>",
                HEAD.replace("ipa", "x-sampa"),
            ),
            "alphabet 'x-sampa'",
        ),
        (pls("<lexeme><alias>kitty</alias></lexeme>"), "has no <grapheme>"),
        (pls("<lexeme><grapheme>cat</grapheme></lexeme>"), "neither <phoneme> nor <alias>"),
        (
            pls("<lexeme><grapheme> </grapheme><alias>kitty</alias></lexeme>"),
            "<grapheme> \\(line 2\\) is empty",
        ),
        (pls("<lexeme><grapheme>cat</grapheme><alias/></lexeme>"), "<alias> \\(line 2\\) is empty"),
        (
            pls("<lexeme><grapheme>cat</grapheme><phoneme> </phoneme></lexeme>"),
            "<phoneme> \\(line 2\\) is empty",
        ),
        (
            pls("<lexeme><grapheme>cat</grapheme><phoneme>t͡ʃ</phoneme></lexeme>"),
            "does not know these phonemes",
        ),
        (pls(LEXEME + "\n" + LEXEME.replace("kitty", "puss")), "'cat' is defined twice \\(lines 2 and 3\\)"),
    ],
)
def test_invalid_files_are_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(PlsError, match=reason):
        parse_pls(data)


def test_a_bad_lexeme_after_good_ones_refuses_the_whole_file() -> None:
    data = pls(LEXEME + "<lexeme><grapheme>dog</grapheme></lexeme>")
    with pytest.raises(PlsError, match="line 2"):
        parse_pls(data)


def test_an_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(PlsError, match="larger than 16 MB"):
        parse_pls(b" " * (16 * 1024 * 1024 + 1))
