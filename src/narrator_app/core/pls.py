"""W3C Pronunciation Lexicon Specification (PLS) 1.0: reading and writing lexicon entries.

Import parses without DTDs, entities or network access, checks the whole file and only then returns
entries, so a bad file changes nothing. Each <grapheme> of a <lexeme> becomes an entry; its
pronunciation is the preferred (else first) <phoneme> in IPA, or else the first <alias> (a respelling).
PLS has no notion of case; Narrator records its case-sensitive entries in <metadata> so that an
exported file reads back exactly, and other tools ignore that.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from narrator_app.core.lexicon import LexiconEntry, LexiconError, new_entry

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"
NARRATOR_NAMESPACE = "urn:narrator-app:lexicon:1"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
MAX_BYTES = 16 * 1024 * 1024

_P = f"{{{PLS_NAMESPACE}}}"
_N = f"{{{NARRATOR_NAMESPACE}}}"
_XML = f"{{{XML_NAMESPACE}}}"


class PlsError(ValueError):
    """A file that is not a PLS lexicon Narrator can import; the message says why."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _where(element: etree._Element) -> str:
    return f" (line {element.sourceline})" if element.sourceline else ""


def parse_pls(
    data: bytes, *, scope: str = "global", case_sensitive: bool = False
) -> tuple[LexiconEntry, ...]:
    """The entries of a PLS document, all checked; PlsError naming the first problem otherwise.

    `case_sensitive` is used for graphemes the file does not mark (files from other tools mark none).
    """
    if len(data) > MAX_BYTES:
        raise PlsError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; a lexicon is much smaller.")
    if b"<!doctype" in data.lower():
        raise PlsError("The file declares a DTD (<!DOCTYPE>); PLS lexicons need none, so it is refused.")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise PlsError(f"The file is not well-formed XML: {error}.") from error
    if root.getroottree().docinfo.doctype:
        raise PlsError("The file declares a DTD (<!DOCTYPE>); PLS lexicons need none, so it is refused.")
    if not isinstance(root.tag, str) or root.tag != f"{_P}lexicon":
        found = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        namespace = etree.QName(root).namespace if isinstance(root.tag, str) else None
        if found == "lexicon":
            raise PlsError(
                f"The <lexicon> element is in the namespace {namespace or '(none)'}; "
                f"PLS needs {PLS_NAMESPACE}."
            )
        raise PlsError(f"The root element is <{found}>, not a PLS <lexicon>.")
    version = root.get("version")
    if version is None:
        raise PlsError('The <lexicon> has no version attribute; PLS 1.0 needs version="1.0".')
    if version != "1.0":
        raise PlsError(f"PLS version {version!r} is not supported; Narrator reads version 1.0.")
    lexicon_alphabet = root.get("alphabet")
    if lexicon_alphabet is None:
        raise PlsError('The <lexicon> has no alphabet attribute; Narrator reads alphabet="ipa".')
    if root.get(f"{_XML}lang") is None:
        raise PlsError("The <lexicon> has no xml:lang attribute, which PLS requires.")
    marked = _case_sensitive_ids(root)

    entries: list[LexiconEntry] = []
    seen: dict[tuple[str, bool], tuple[int, int]] = {}  # key -> (line, index in entries)
    lexemes = [child for child in root if isinstance(child.tag, str) and child.tag == f"{_P}lexeme"]
    for lexeme in lexemes:
        graphemes = lexeme.findall(f"{_P}grapheme")
        if not graphemes:
            raise PlsError(f"A <lexeme>{_where(lexeme)} has no <grapheme>: which word does it pronounce?")
        say, ipa = _pronunciation(lexeme, lexicon_alphabet)
        sensitive = marked.get(str(lexeme.get(f"{_XML}id")), case_sensitive)
        for grapheme in graphemes:
            word = _text(grapheme)
            if not word:
                raise PlsError(f"A <grapheme>{_where(grapheme)} is empty.")
            try:
                entry = new_entry(word, say=say, ipa=ipa, case_sensitive=sensitive, scope=scope)
            except LexiconError as error:
                raise PlsError(f"The lexeme{_where(lexeme)} for {word!r} cannot be used: {error}") from error
            if entry.key in seen:
                earlier = entries[seen[entry.key][1]]
                if (earlier.say, earlier.ipa) == (entry.say, entry.ipa):
                    continue  # "tomato" and "Tomato" listed alike: one entry (case-insensitive)
                raise PlsError(
                    f"{word!r} is defined twice (lines {seen[entry.key][0]} and {grapheme.sourceline}); "
                    "Narrator keeps one pronunciation per word."
                )
            seen[entry.key] = (grapheme.sourceline or 0, len(entries))
            entries.append(entry)
    return tuple(entries)


def _pronunciation(lexeme: etree._Element, lexicon_alphabet: str) -> tuple[str | None, str | None]:
    """(say, ipa) of a lexeme: its preferred or first IPA <phoneme>, else its first <alias>."""
    phonemes = lexeme.findall(f"{_P}phoneme")
    aliases = lexeme.findall(f"{_P}alias")
    if not phonemes and not aliases:
        raise PlsError(f"A <lexeme>{_where(lexeme)} has neither <phoneme> nor <alias>: how is it said?")
    for phoneme in phonemes:
        alphabet = phoneme.get("alphabet", lexicon_alphabet)
        if alphabet != "ipa":
            raise PlsError(
                f"The phonemes{_where(phoneme)} use the alphabet {alphabet!r}; Narrator reads IPA only "
                '(alphabet="ipa").'
            )
        if not _text(phoneme):
            raise PlsError(f"A <phoneme>{_where(phoneme)} is empty.")
    for alias in aliases:
        if not _text(alias):
            raise PlsError(f"An <alias>{_where(alias)} is empty.")
    if phonemes:
        preferred = [p for p in phonemes if p.get("prefer") == "true"]
        return None, _text((preferred or phonemes)[0])
    return _text(aliases[0]), None


def _case_sensitive_ids(root: etree._Element) -> dict[str, bool]:
    """Lexeme ids Narrator marked case-sensitive (or not) in the lexicon's <metadata>."""
    marked: dict[str, bool] = {}
    for mark in root.iterfind(f"{_P}metadata/{_N}case-sensitive"):
        for lexeme_id in (mark.get("lexemes") or "").split():
            marked[lexeme_id] = True
    return marked


def to_pls(entries: Iterable[LexiconEntry], language: str = "en-US") -> bytes:
    """A PLS 1.0 document (UTF-8) with one <lexeme> per entry, in a stable order."""
    root = etree.Element(
        f"{_P}lexicon",
        nsmap={None: PLS_NAMESPACE},
        attrib={"version": "1.0", "alphabet": "ipa", f"{_XML}lang": language},
    )
    ordered = sorted(entries, key=lambda e: (e.word.casefold(), e.word, e.case_sensitive))
    sensitive = [f"e{n}" for n, entry in enumerate(ordered, 1) if entry.case_sensitive]
    if sensitive:
        metadata = etree.SubElement(root, f"{_P}metadata")
        mark = etree.SubElement(metadata, f"{_N}case-sensitive", nsmap={"narrator": NARRATOR_NAMESPACE})
        mark.set("lexemes", " ".join(sensitive))
    for n, entry in enumerate(ordered, 1):
        lexeme = etree.SubElement(root, f"{_P}lexeme", attrib={f"{_XML}id": f"e{n}"})
        etree.SubElement(lexeme, f"{_P}grapheme").text = entry.word
        if entry.ipa is not None:
            etree.SubElement(lexeme, f"{_P}phoneme").text = entry.ipa
        else:
            etree.SubElement(lexeme, f"{_P}alias").text = entry.say
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
