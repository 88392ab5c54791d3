"""Small text formatting shared by the widgets."""

from __future__ import annotations


def format_duration(seconds: float) -> str:
    """6.4 → '0:06.4', 75.25 → '1:15.3', 3723.4 → '1:02:03.4' (tenths, rounded)."""
    tenths = max(0, round(seconds * 10))
    minutes, tenths_of_minute = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    secs = f"{tenths_of_minute // 10:02d}.{tenths_of_minute % 10}"
    return f"{hours}:{minutes:02d}:{secs}" if hours else f"{minutes}:{secs}"


def one_line(text: str, limit: int = 300) -> str:
    """A segment's text for a single table row: whitespace runs collapsed, long text cut.

    Only the opening is looked at (unless it is mostly whitespace): the table asks for this on every
    paint, and splitting a book-length segment's every word there kept the window from repainting."""
    opening = text[: limit * 4]
    flat = " ".join(opening.split())
    if len(flat) <= limit and len(opening) < len(text):
        flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
