"""Written forms with digits: money, dates, times, ranges, percentages, units, ordinals, years, numbers.

Each rule is a regular expression and a function from its match to spoken words; `speak_numbers`
applies them in an order where the more specific form goes first ("$5m" before "5 m", "4:30" before
"4", "March 3" before "3").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from narrator_app.core.written_forms.abbreviations import sentence_ends
from narrator_app.core.written_forms.spoken_numbers import (
    Dialect,
    cardinal,
    digits,
    is_one,
    number,
    ordinal,
    year,
)

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_START = r"(?<![\w.,])"  # a number starts here, not inside "v1.2" or "1,2"
_END = r"(?![\w]|[.,]\d)"

_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", "", ""),
}
_SCALES = {
    "k": "thousand",
    "thousand": "thousand",
    "m": "million",
    "mn": "million",
    "million": "million",
    "bn": "billion",
    "b": "billion",
    "billion": "billion",
    "trillion": "trillion",
    "tn": "trillion",
}
_CURRENCY = re.compile(
    rf"(?P<neg>[-−])?(?P<sym>[$£€¥])\s?(?P<num>{NUM})"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kmb])(?![\w]))?"
)


def _currency(match: re.Match[str], dialect: Dialect) -> str:
    one, many, sub_one, sub_many = _CURRENCIES[match["sym"]]
    amount = match["num"].replace(",", "")
    minus = "minus " if match["neg"] else ""
    if match["scale"]:
        return f"{minus}{number(amount, dialect)} {_SCALES[match['scale']]} {many}"
    whole, _, fraction = amount.partition(".")
    if fraction and (len(fraction) != 2 or not sub_many):
        return f"{minus}{number(amount, dialect)} {many}"
    parts = []
    if int(whole) or not fraction or not int(fraction):
        parts.append(f"{cardinal(int(whole), dialect)} {one if int(whole) == 1 else many}")
    if fraction and int(fraction):
        cents = int(fraction)
        parts.append(f"{cardinal(cents, dialect)} {sub_one if cents == 1 else sub_many}")
    return minus + " and ".join(parts)


_MONTHS = "January February March April May June July August September October November December".split()
_MONTH_NAMES = {name.lower(): name for name in _MONTHS}
_MONTH_NAMES.update({name[:3].lower(): name for name in _MONTHS if name != "May"})
_MONTH_NAMES["sept"] = "September"
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_MONTH_DAY = re.compile(rf"{_MONTH}\s+{_DAY}(?![\w:])(?:(?P<comma>,)?\s+(?P<year>\d{{4}})(?!\w))?")
_DAY_MONTH = re.compile(
    rf"(?P<the>\b[Tt]he\s+)?(?<![\w.,]){_DAY}\s+(?:of\s+)?{_MONTH}(?:(?P<comma>,)?\s+(?P<year>\d{{4}})(?!\w))?"
)
_NUMERIC_DATE = re.compile(r"(?<![\w/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})(?![\w/])")


def _month(written: str) -> str:
    return _MONTH_NAMES[written.rstrip(".").lower()]


def _month_day(match: re.Match[str], dialect: Dialect) -> str:
    day = ordinal(int(match["day"]), dialect)
    said = f"{_month(match['month'])} {'the ' if dialect.day_before_month else ''}{day}"
    return said + (f", {year(int(match['year']), dialect)}" if match["year"] else "")


def _day_month(match: re.Match[str], dialect: Dialect) -> str:
    said = f"{match['the'] or 'the '}{ordinal(int(match['day']), dialect)} of {_month(match['month'])}"
    return said + (f" {year(int(match['year']), dialect)}" if match["year"] else "")


def _numeric_date(match: re.Match[str], dialect: Dialect) -> str:
    day, month = (match["a"], match["b"]) if dialect.day_before_month else (match["b"], match["a"])
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return match[0]
    written = _MONTHS[int(month) - 1]
    if dialect.day_before_month:
        return f"the {ordinal(int(day), dialect)} of {written} {year(int(match['year']), dialect)}"
    return f"{written} {ordinal(int(day), dialect)}, {year(int(match['year']), dialect)}"


_MERIDIEM = r"(?P<ampm>[ap]\.\s?m\.|[ap]m\b|[AP]M\b|[ap]\.m\b)"
_TIME = re.compile(rf"(?<![\w:.])(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?![\w:]|\.\d)(?:\s?{_MERIDIEM})?")
_HOUR_MERIDIEM = re.compile(rf"(?<![\w:.])(?P<h>1[0-2]|0?[1-9])\s?{_MERIDIEM}")


def _meridiem(match: re.Match[str]) -> str:
    """ " A M" or " P M" (spelled, as said), with the full stop of "p.m." kept where it ends the sentence."""
    written = match["ampm"]
    if not written:
        return ""
    said = " A M" if written.lower().startswith("a") else " P M"
    return said + "." if written.endswith(".") and sentence_ends(match.string, match.end()) else said


def _time(match: re.Match[str], dialect: Dialect) -> str:
    hour, minute = int(match["h"]), int(match["m"])
    ampm = _meridiem(match)
    said = cardinal(hour, dialect)
    if minute == 0:
        if ampm:
            return said + ampm
        return f"{said} hundred" if hour > 12 or hour == 0 else f"{said} o'clock"
    if minute < 10:
        return f"{said} oh {cardinal(minute, dialect)}{ampm}"
    return f"{said} {cardinal(minute, dialect)}{ampm}"


def _hour(match: re.Match[str], dialect: Dialect) -> str:
    return cardinal(int(match["h"]), dialect) + _meridiem(match)


_RANGE_WORDS = (
    r"pages?|pp?\.|chapters?|ch\.|verses?|lines?|sections?|items?|rooms?|ages|years|steps|questions"
    r"|episodes?|paragraphs?|nos?\.|numbers|figures?|tables?|seasons?|weeks|days|months"
)
_EN_DASH_RANGE = re.compile(rf"{_START}(?P<a>{NUM})\s?[–—]\s?(?P<b>{NUM}){_END}")
_HYPHEN_RANGE = re.compile(
    rf"(?P<lead>\b(?:{_RANGE_WORDS})\s+){_START}(?P<a>{NUM})\s?-\s?(?P<b>{NUM}){_END}", re.IGNORECASE
)
_YEAR_RANGE = re.compile(r"(?<![\w.,-])(?P<a>1\d{3}|20\d{2})-(?P<b>1\d{3}|20\d{2}|\d{2})(?![\w-])")


def _range(match: re.Match[str], dialect: Dialect) -> str:
    lead = match.groupdict().get("lead") or ""
    return f"{lead}{match['a']} to {match['b']}"


def _year_range(match: re.Match[str], dialect: Dialect) -> str:
    first, second = match["a"], match["b"]
    if len(second) == 2:
        second = first[:2] + second
    return f"{year(int(first), dialect)} to {year(int(second), dialect)}"


_PERCENT = re.compile(rf"{_START}(?P<num>[-−]?(?:{NUM}))\s?%")

_UNITS: dict[str, tuple[str, str]] = {
    "km": ("kilo{metre}", "kilo{metre}s"),
    "m": ("{metre}", "{metre}s"),
    "cm": ("centi{metre}", "centi{metre}s"),
    "mm": ("milli{metre}", "milli{metre}s"),
    "kg": ("kilogram", "kilograms"),
    "g": ("gram", "grams"),
    "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "mi": ("mile", "miles"),
    "ft": ("foot", "feet"),
    "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilo{metre} per hour", "kilo{metre}s per hour"),
    "kph": ("kilo{metre} per hour", "kilo{metre}s per hour"),
    "l": ("{litre}", "{litre}s"),
    "L": ("{litre}", "{litre}s"),
    "ml": ("milli{litre}", "milli{litre}s"),
    "mL": ("milli{litre}", "milli{litre}s"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "GB": ("gigabyte", "gigabytes"),
    "MB": ("megabyte", "megabytes"),
    "GHz": ("gigahertz", "gigahertz"),
    "MHz": ("megahertz", "megahertz"),
    "min": ("minute", "minutes"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
}
_UNIT_ALTERNATION = "|".join(
    re.escape(unit).replace("°", "° ?") for unit in sorted(_UNITS, key=len, reverse=True)
)
_UNIT = re.compile(rf"{_START}(?P<num>[-−]?(?:{NUM}))\s?(?P<unit>{_UNIT_ALTERNATION})(?![\w/])")


def _percent(match: re.Match[str], dialect: Dialect) -> str:
    return f"{number(match['num'], dialect)} {dialect.percent}"


def _unit(match: re.Match[str], dialect: Dialect) -> str:
    singular, plural = _UNITS[match["unit"].replace(" ", "")]
    name = singular if is_one(match["num"]) else plural
    return f"{number(match['num'], dialect)} {name.format(metre=dialect.metre, litre=dialect.litre)}"


_ORDINAL = re.compile(rf"{_START}(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:st|nd|rd|th)(?!\w)")
_DECADE = re.compile(r"(?<![\w.,])(?:(?P<century>1\d|20)|['’])(?P<tens>\d)0s(?!\w)")

# 1000..2099 is read as a year ("in 1984", "the 1984 election"), unless a count is plain from
# what comes next ("1984 people", "1500 soldiers") or before ("page 1200", "No. 1066").
_YEAR = re.compile(r"(?<![\w.,$£€¥#-])(?P<num>1\d{3}|20\d{2})(?![\w]|[.,]\d)(?P<after>\s+[A-Za-z]+)?")
_COUNT_WORDS = {"people", "men", "women", "children", "feet", "sheep", "fish", "deer", "staff", "personnel"}
_COUNT_BEFORE = re.compile(
    r"(?:\b(?:page|p|pp|no|number|room|about|around|over|nearly|almost)\.?|#)\s*$", re.I
)
_NUMBER = re.compile(rf"(?<![\w.,])(?P<num>[-−](?=\d))?(?P<digits>{NUM})(?![\w]|[.,]\d)")


def _decade(match: re.Match[str], dialect: Dialect) -> str:
    tens = int(match["tens"])
    if match["century"] is None:
        said = cardinal(tens * 10, dialect)
    elif tens == 0:
        said = cardinal(int(match["century"]) * 100, dialect)
        return said + "s"
    else:
        said = year(int(match["century"]) * 100 + tens * 10, dialect)
    return said[:-1] + "ies" if said.endswith("y") else said + "s"


def _year(match: re.Match[str], dialect: Dialect, text: str) -> str:
    value = int(match["num"])
    after = match["after"] or ""
    word = after.strip()
    counted = word.lower() in _COUNT_WORDS or (word.islower() and word.endswith("s") and len(word) > 3)
    if counted or _COUNT_BEFORE.search(text[: match.start()]):
        return cardinal(value, dialect) + after
    return year(value, dialect) + after


def _number(match: re.Match[str], dialect: Dialect) -> str:
    written = ("-" if match["num"] else "") + match["digits"]
    return number(written, dialect)


Rule = Callable[[re.Match[str], Dialect], str]
_RULES: tuple[tuple[re.Pattern[str], Rule], ...] = (
    (_CURRENCY, _currency),
    (_NUMERIC_DATE, _numeric_date),
    (_MONTH_DAY, _month_day),
    (_DAY_MONTH, _day_month),
    (_TIME, _time),
    (_HOUR_MERIDIEM, _hour),
    (_YEAR_RANGE, _year_range),
    (_EN_DASH_RANGE, _range),
    (_HYPHEN_RANGE, _range),
    (_PERCENT, _percent),
    (_UNIT, _unit),
    (_ORDINAL, lambda m, d: ordinal(int(m["num"].replace(",", "")), d)),
    (_DECADE, _decade),
)


def speak_numbers(text: str, dialect: Dialect) -> str:
    """`text` with every written form that has digits in it spelled out as words."""
    for pattern, rule in _RULES:
        text = pattern.sub(lambda m, rule=rule: rule(m, dialect), text)  # type: ignore[misc]
    text = _YEAR.sub(lambda m: _year(m, dialect, m.string), text)
    text = _NUMBER.sub(lambda m: _number(m, dialect), text)
    return text


__all__ = ["speak_numbers", "digits"]
