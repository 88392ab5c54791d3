"""Written forms with letters: titles, street words, Latin abbreviations, roman numerals, acronyms."""

from __future__ import annotations

import re

from narrator_app.core.written_forms.spoken_numbers import Dialect, cardinal, ordinal

# A full stop that ends an abbreviation and also the sentence: kept, so the voice still pauses.
_SENTENCE_STARTS = frozenset(
    "The A An He She It They We I You But And Then So Yet There This That These Those His Her Its Our "
    "Their My In On At After Before When While If".split()
)


def sentence_ends(text: str, end: int) -> bool:
    """Whether the abbreviation's full stop just before `end` also ends the sentence."""
    rest = text[end:]
    if not rest.strip():
        return True
    following = re.match(r"\s+([A-Z][a-z]*)", rest)
    return following is not None and following.group(1) in _SENTENCE_STARTS


_TITLES = {
    "Mr": "Mister",
    "Mrs": "Missus",
    "Ms": "Miz",
    "Dr": "Doctor",
    "Prof": "Professor",
    "Rev": "Reverend",
    "Capt": "Captain",
    "Gen": "General",
    "Col": "Colonel",
    "Lt": "Lieutenant",
    "Sgt": "Sergeant",
    "Gov": "Governor",
    "Sen": "Senator",
    "Fr": "Father",
    "Mt": "Mount",
}
_NO_STOP_TITLES = ("Mr", "Mrs", "Ms", "Dr")  # British English writes these without a full stop
_TITLE = re.compile(
    r"\b(?:(?P<plain>Mr|Mrs|Ms|Dr)\.?|(?P<dotted>" + "|".join(_TITLES) + r")\.)(?=\s+(?:[A-Z]|St\.))"
)

_STREETS = {"St": "Street", "Ave": "Avenue", "Rd": "Road", "Blvd": "Boulevard", "Ln": "Lane", "Dr": "Drive"}
# "Elm St." after a name or a house number; "St. Paul" before a name.
_STREET = re.compile(
    r"(?P<before>\b(?:[A-Z][\w'’-]*|\d+(?:st|nd|rd|th|[A-Za-z])?) )"
    r"(?P<abbr>St|Ave|Rd|Blvd|Ln|Dr)\.(?=\s|$|[,;:)])"
)
_SAINT = re.compile(r"\bSt\.?(?=\s+[A-Z])")
_SUFFIX = re.compile(r"(?<=[A-Za-z]),?\s+(?P<abbr>Jr|Sr)\.")

_LATIN = (
    (re.compile(r"\betc\."), "et cetera"),
    (re.compile(r"\be\.g\.,?", re.I), "for example"),
    (re.compile(r"\bi\.e\.,?", re.I), "that is"),
    (re.compile(r"\bvs\.?(?=\s)"), "versus"),
    (re.compile(r"\bapprox\.(?=\s)"), "approximately"),
    (re.compile(r"\b[Nn]o\.(?=\s?\d)"), "number"),
    (re.compile(r"#(?=\d)"), "number "),
)


def _dotted(said: str, match: re.Match[str]) -> str:
    """`said` for an abbreviation, with the full stop kept when it ends the sentence too."""
    if match.group(0).rstrip(",").endswith(".") and sentence_ends(match.string, match.end()):
        return said + "."
    return said


def _street(match: re.Match[str]) -> str:
    following = re.match(r"\s+([A-Z][a-z]*)", match.string[match.end() :])
    if match["abbr"] == "St" and following and following.group(1) not in _SENTENCE_STARTS:
        return match[0]  # "Elm St. Paul" is rare, "to St. Paul" is not: leave it to the saint
    return match["before"] + _dotted(_STREETS[match["abbr"]], match)


def expand_abbreviations(text: str) -> str:
    """Titles before names, street words after them, Jr./Sr., and a few Latin abbreviations."""
    text = _TITLE.sub(lambda m: _TITLES[m["plain"] or m["dotted"]], text)
    text = _STREET.sub(_street, text)
    text = _SAINT.sub("Saint", text)
    text = _SUFFIX.sub(lambda m: " " + _dotted({"Jr": "Junior", "Sr": "Senior"}[m["abbr"]], m), text)
    for pattern, said in _LATIN:
        text = pattern.sub(lambda m, said=said: _dotted(said, m), text)  # type: ignore[misc]
    return text


_ROMAN = r"(?P<roman>(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))(?![\w'’])"
_COUNTED = (
    "Chapter|Book|Part|Volume|Vol\\.|Act|Scene|Section|Appendix|Canto|Article|Episode|Phase|Stage"
    "|Round|War|Psalm|Level|Season|Title|Class|Type|Grade|Star Wars|Rocky"
)
_COUNTED_ROMAN = re.compile(rf"\b(?P<lead>(?:{_COUNTED}|{_COUNTED.upper()})\s+){_ROMAN}")
_REGNAL_NAMES = (
    "Henry Edward George William Elizabeth Charles James Richard Louis Mary John Paul Peter Catherine "
    "Philip Frederick Victoria Anne Alexander Pius Benedict Gregory Leo Innocent Clement Ferdinand "
    "Isabella Ivan Nicholas Boniface Urban Alfonso Carlos Juan Felipe Francis Otto Sixtus Ramesses "
    "Ptolemy Stephen David Malcolm Robert Harold Olaf Haakon Gustav Christian Wilhelm Constantine "
    "Justinian Selim Suleiman Mehmed Rudolf Sancho Pedro Afonso Manuel Umberto Vittorio Ludwig Amenhotep "
    "Thutmose Darius Xerxes Artaxerxes Antiochus Cleopatra Sobhuza Rama Baldwin Hugh Llywelyn Kenneth"
).split()
_REGNAL = re.compile(rf"\b(?P<name>{'|'.join(_REGNAL_NAMES)})\s+{_ROMAN}")


def _roman_value(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for here, after in zip(numeral, numeral[1:] + " ", strict=True):
        value = values[here]
        total += -value if after != " " and values[after] > value else value
    return total


def speak_roman_numerals(text: str, dialect: Dialect) -> str:
    """ "Chapter IV" -> "Chapter four", "Henry VIII" -> "Henry the eighth"."""

    def counted(match: re.Match[str]) -> str:
        return match["lead"] + cardinal(_roman_value(match["roman"]), dialect)

    def regnal(match: re.Match[str]) -> str:
        return f"{match['name']} the {ordinal(_roman_value(match['roman']), dialect)}"

    text = _COUNTED_ROMAN.sub(lambda m: counted(m) if m["roman"] else m[0], text)
    return _REGNAL.sub(lambda m: regnal(m) if m["roman"] else m[0], text)


# Read letter by letter although they have vowels, and read as words although the rule would spell them.
_SPELLED = frozenset(
    "USA UK EU UN US UAE CEO CFO CTO COO FAQ IOU AI UI UX IT IDE OS IOS API URL USB UCLA UFO IPO ETA "
    "EEG ECG ICU EMI AOL IBM BBC ITV CIA FBI IRA IRS NSA DOA RIP PIN OED".split()
)
_WORDS = frozenset(
    "NASA NATO UNESCO UNICEF AIDS FIFA OPEC NAFTA ASCII LASER RADAR SCUBA ASAP GIF JPEG PIN SIM "
    "OK SARS COVID NIMBY ISIS IKEA LEGO RAM ROM DOS WASP YOLO NOAA DARPA TOEFL".split()
)
_VOWELS = frozenset("AEIOUY")
_ACRONYM = re.compile(r"(?<![\w'’.-])(?P<letters>[A-Z]{2,6})(?P<plural>s|['’]s)?(?![\w'’-])")


def _spelled(letters: str) -> bool:
    if letters in _SPELLED:
        return True
    if letters in _WORDS:
        return False
    if not _VOWELS & set(letters) or len(letters) <= 3:
        return True
    return re.search(r"[^AEIOUY]{3}", letters) is not None


def speak_acronyms(text: str) -> str:
    """ "BBC" -> "B B C"; "NASA" is left to be read as a word. Text in capitals throughout is left alone."""
    words = re.findall(r"[A-Za-z]{2,}", text)
    shouting = sum(word.isupper() for word in words)
    if shouting >= 3 and shouting * 2 > len(words):
        return text

    def said(match: re.Match[str]) -> str:
        letters = match["letters"]
        if not _spelled(letters) or re.fullmatch("[IVX]+", letters):
            return match[0]
        spoken = " ".join(letters)
        return spoken + "'s" if match["plural"] else spoken  # "C D's", "F B I's"

    return _ACRONYM.sub(said, text)
