"""Written forms spoken as a person reads them: a table of inputs and the exact words expected."""

from __future__ import annotations

import pytest

from narrator_app.core.lexicon import Piece, new_entry
from narrator_app.core.normalize import NORMALIZATION_VERSION, normalize, spoken_text

US_ROWS = [
    # money
    ("It costs $12.50.", "It costs twelve dollars and fifty cents."),
    ("£3", "three pounds"),
    ("€1.2 million", "one point two million euros"),
    ("$1", "one dollar"),
    ("$0.99", "ninety-nine cents"),
    ("$1.01", "one dollar and one cent"),
    ("$5m", "five million dollars"),
    ("£2bn", "two billion pounds"),
    ("$1,000", "one thousand dollars"),
    ("¥500", "five hundred yen"),
    ("£4.20", "four pounds and twenty pence"),
    # numbers
    ("1,234,567", "one million two hundred thirty-four thousand five hundred sixty-seven"),
    ("3.14", "three point one four"),
    ("It was 120 years ago.", "It was one hundred twenty years ago."),
    ("version 2.0 of it", "version two point zero of it"),
    ("Agent 007", "Agent zero zero seven"),
    ("-5 and 7", "minus five and seven"),
    ("a 50,000-strong army", "a fifty thousand-strong army"),
    # ordinals
    ("the 21st century", "the twenty-first century"),
    ("2nd place", "second place"),
    ("the 103rd day", "the one hundred third day"),
    ("on his 4th try", "on his fourth try"),
    # years and plain numbers
    ("in 1984", "in nineteen eighty-four"),
    ("The 1984 election", "The nineteen eighty-four election"),
    ("1984 people came", "one thousand nine hundred eighty-four people came"),
    ("1500 soldiers", "one thousand five hundred soldiers"),
    ("page 1200", "page one thousand two hundred"),
    ("in 2005", "in two thousand five"),
    ("in 2010", "in twenty ten"),
    ("in 1905", "in nineteen oh five"),
    ("in 1900", "in nineteen hundred"),
    ("the 1990s", "the nineteen nineties"),
    ("the '60s", "the sixties"),
    # dates
    ("March 3rd, 2021", "March third, twenty twenty-one"),
    ("on March 3", "on March third"),
    ("3 March 2021", "the third of March twenty twenty-one"),
    ("Jan. 15, 1990", "January fifteenth, nineteen ninety"),
    ("the 4th of July", "the fourth of July"),
    ("3/4/2021", "March fourth, twenty twenty-one"),
    # times
    ("at 4:30 p.m.", "at four thirty P M."),
    ("4:30 p.m. The end", "four thirty P M. The end"),
    ("at 16:45", "at sixteen forty-five"),
    ("at 4:00", "at four o'clock"),
    ("at 9:05 am", "at nine oh five A M"),
    ("at 18:00", "at eighteen hundred"),
    ("at 9 am sharp", "at nine A M sharp"),
    ("at 5 p.m. on Friday", "at five P M on Friday"),
    # percentages
    ("45%", "forty-five percent"),
    ("3.5% growth", "three point five percent growth"),
    ("5–10%", "five to ten percent"),
    # ranges
    ("pages 120–135", "pages one hundred twenty to one hundred thirty-five"),
    ("chapters 4-6", "chapters four to six"),
    ("from 1914–1918", "from nineteen fourteen to nineteen eighteen"),
    ("1939-45", "nineteen thirty-nine to nineteen forty-five"),
    ("pp. 7-9", "pp. seven to nine"),
    # units
    ("5 km", "five kilometers"),
    ("300 m", "three hundred meters"),
    ("1 km", "one kilometer"),
    ("20 °C", "twenty degrees Celsius"),
    ("20°C", "twenty degrees Celsius"),
    ("-5 °C", "minus five degrees Celsius"),
    ("5 kg", "five kilograms"),
    ("1.5 kg", "one point five kilograms"),
    ("10 mph", "ten miles per hour"),
    ("2 l of water", "two liters of water"),
    ("250 ml", "two hundred fifty milliliters"),
    ("6 ft", "six feet"),
    ("100 km/h", "one hundred kilometers per hour"),
    # titles and streets
    ("Dr. Smith lives on Elm St.", "Doctor Smith lives on Elm Street."),
    ("Elm St. is quiet", "Elm Street is quiet"),
    ("St. Paul", "Saint Paul"),
    ("to St. Paul", "to Saint Paul"),
    ("Mr. Brown, Mrs. Green and Ms. White", "Mister Brown, Missus Green and Miz White"),
    ("Mr Brown", "Mister Brown"),
    ("Prof. Plum", "Professor Plum"),
    ("10 Downing St. The door", "ten Downing Street. The door"),
    ("5th Ave. was busy", "fifth Avenue was busy"),
    ("John Smith Jr. said", "John Smith Junior said"),
    ("apples, pears, etc.", "apples, pears, et cetera."),
    ("No. 5", "number five"),
    # roman numerals
    ("Chapter IV", "Chapter four"),
    ("CHAPTER XII", "CHAPTER twelve"),
    ("Henry VIII", "Henry the eighth"),
    ("Elizabeth II", "Elizabeth the second"),
    ("World War II", "World War two"),
    ("Part III: The Return", "Part three: The Return"),
    # acronyms
    ("the BBC and NASA", "the B B C and NASA"),
    ("the FBI's files", "the F B I's files"),
    ("the CEO of IBM", "the C E O of I B M"),
    ("two CDs", "two C D's"),
    ("NATO and UNESCO", "NATO and UNESCO"),
    ("THE END OF IT ALL", "THE END OF IT ALL"),
    ("I said OK", "I said OK"),
    # untouched
    ("Nothing to change here.", "Nothing to change here."),
    ("", ""),
]

GB_ROWS = [
    ("1,234,567", "one million two hundred and thirty-four thousand five hundred and sixty-seven"),
    ("300 m", "three hundred metres"),
    ("5 km", "five kilometres"),
    ("2 l", "two litres"),
    ("45%", "forty-five per cent"),
    ("March 3rd, 2021", "March the third, twenty twenty-one"),
    ("3/4/2021", "the third of April twenty twenty-one"),
    ("in 2005", "in two thousand and five"),
    ("pages 120–135", "pages one hundred and twenty to one hundred and thirty-five"),
    ("Dr Watson", "Doctor Watson"),
]


@pytest.mark.parametrize(("written", "spoken"), US_ROWS)
def test_en_us(written: str, spoken: str) -> None:
    assert normalize(written, "en-us") == spoken


@pytest.mark.parametrize(("written", "spoken"), GB_ROWS)
def test_en_gb(written: str, spoken: str) -> None:
    assert normalize(written, "en-gb") == spoken


def test_the_table_is_big_enough() -> None:
    assert len(US_ROWS) + len(GB_ROWS) >= 60


@pytest.mark.parametrize("language", ["fr-fr", "es", "ja", "hi"])
def test_other_languages_are_unchanged(language: str) -> None:
    text = "Dr. Smith a payé $12.50 le 3 March 2021 à 4:30."
    assert normalize(text, language) == text


def test_the_version_is_a_positive_int() -> None:
    assert isinstance(NORMALIZATION_VERSION, int) and NORMALIZATION_VERSION >= 1


def test_the_lexicon_wins_over_the_rules() -> None:
    entries = [new_entry("St.", say="Saint"), new_entry("Dr.", say="Drive")]
    assert spoken_text("Elm St. by Dr. Smith", "en-us", entries) == (Piece("Elm Saint by Drive Smith"),)
    assert spoken_text("Elm St. by Dr. Smith", "en-us", []) == (Piece("Elm Street by Doctor Smith"),)


def test_respellings_and_phonemes_are_not_normalised() -> None:
    entries = [new_entry("Hermione", say="Her MY oh nee"), new_entry("Qwertz", ipa="kvˈɛɹts")]
    pieces = spoken_text("Hermione paid $5 to Qwertz on 3 March.", "en-us", entries)
    assert pieces == (
        Piece("Her MY oh nee paid five dollars to "),
        Piece("kvˈɛɹts", phonemes=True),
        Piece(" on the third of March."),
    )


def test_the_rules_still_see_an_entrys_word_around_it() -> None:
    """A title or "St." is spoken by what follows it; an entry for that next word must not hide it."""
    entries = [new_entry("Zyx", say="zicks"), new_entry("Qwertz", ipa="kvˈɛɹts")]
    assert spoken_text("Dr. Zyx paid $5 to St. Qwertz.", "en-us", entries) == (
        Piece("Doctor zicks paid five dollars to Saint "),
        Piece("kvˈɛɹts", phonemes=True),
        Piece("."),
    )
    assert spoken_text("Dr. Zyx", "fr-fr", entries) == (Piece("Dr. zicks"),)  # no rules for French


def test_a_long_text_is_spoken_as_its_sentences_would_be_alone() -> None:
    """Book-length texts are normalised in pieces (so that a worker never holds the interpreter for
    long); the cut points must be ones no rule reads across."""
    import random

    from narrator_app.core import normalize as module

    sentences = [written for written, _ in US_ROWS] + [
        "He met Dr. Smith on Elm St. at 5 p.m. on May 3rd, 1999.",
        "It cost approx. $12.50. The rest was paid by the U.S. Army.",
        "Chapter IV begins here. The NASA report ran to 300 pages.",
        "She ran 300 m in 45 s. Then she rested, etc. Afterwards she left.",
        "Nothing else happened that morning.",
        "“Are you coming?” she asked. “Not today!” He laughed.",
    ]
    rng = random.Random(7)
    text = " ".join(rng.choice(sentences) for _ in range(2_000))
    assert len(text) > 10 * module.PIECE_LENGTH
    cut = list(module.pieces(text))
    assert len(cut) > 5 and "".join(cut) == text
    whole = module._normalize(text, module.US)  # every rule over the whole text at once
    assert normalize(text, "en-us") == whole
