"""Numbers as English words, by dialect: num2words does the counting, we fix the style.

num2words writes British cardinals ("one hundred and twenty", "one million, two hundred ..."):
American English drops the "and", and neither keeps the commas, which would make the voice pause.
"""

from __future__ import annotations

from dataclasses import dataclass

from num2words import num2words

_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class Dialect:
    """How a variety of English writes what it says."""

    name: str
    and_in_numbers: bool  # "one hundred and twenty"
    percent: str
    metre: str  # "meter" or "metre"
    litre: str
    day_before_month: bool  # 3/4/2021 is the third of April


US = Dialect(
    "en-us", and_in_numbers=False, percent="percent", metre="meter", litre="liter", day_before_month=False
)
GB = Dialect(
    "en-gb", and_in_numbers=True, percent="per cent", metre="metre", litre="litre", day_before_month=True
)


def _style(words: str, dialect: Dialect) -> str:
    words = words.replace(",", "")
    if not dialect.and_in_numbers:
        words = words.replace(" and ", " ")
    return " ".join(words.split())


def cardinal(number: int, dialect: Dialect) -> str:
    """120 -> "one hundred twenty" (en-us) or "one hundred and twenty" (en-gb); negatives with "minus"."""
    return _style(str(num2words(number, lang="en")), dialect)


def ordinal(number: int, dialect: Dialect) -> str:
    """21 -> "twenty-first"."""
    return _style(str(num2words(number, lang="en", to="ordinal")), dialect)


def year(number: int, dialect: Dialect) -> str:
    """1984 -> "nineteen eighty-four", 1905 -> "nineteen oh five", 2005 -> "two thousand (and) five"."""
    return _style(str(num2words(number, lang="en", to="year")), dialect).replace("oh-", "oh ")


def digits(text: str) -> str:
    """ "007" -> "zero zero seven"."""
    return " ".join(_DIGITS[int(d)] for d in text if d.isdigit())


def number(text: str, dialect: Dialect) -> str:
    """A written number ("1,234", "3.14", "-5", "007") in words."""
    raw = text.replace(",", "")
    negative = raw.startswith(("-", "−"))
    raw = raw.lstrip("-−")
    whole, _, fraction = raw.partition(".")
    if len(whole) > 1 and whole.startswith("0") and not fraction:
        words = digits(whole)
    else:
        words = cardinal(int(whole or "0"), dialect)
        if fraction:
            words += " point " + digits(fraction)
    return ("minus " + words) if negative else words


def is_one(text: str) -> bool:
    """Whether a written amount takes the singular ("1 km", "$1"), not "1.0" or "1,000"."""
    return text.lstrip("-−") == "1"
