"""Which model and voices files of a folder were installed last: they are the ones used.

Installing never deletes the folder's other files (a user's fine-tuned model, a backup of the
voices); instead the names installed are noted in `CHOICE_FILE`, and discovery puts them first.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

CHOICE_FILE = ".narrator-installed.json"


def chosen_name(place: Path, kind: str) -> str | None:
    """The name of the `kind` ("model" or "voices") file installed last into `place`, if noted."""
    try:
        data = json.loads((place / CHOICE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = data.get(kind) if isinstance(data, dict) else None
    return name if isinstance(name, str) and name and "/" not in name else None


def prefer_chosen(place: Path, kind: str, found: list[Path]) -> list[Path]:
    """`found` with the file installed last first."""
    name = chosen_name(place, kind)
    first = [p for p in found if p.name == name]
    return first + [p for p in found if p.name != name]


def note_installed(place: Path, names: dict[str, str]) -> None:
    """Record the names just installed (kind → file name), atomically; a failure is only logged."""
    current = {kind: chosen_name(place, kind) for kind in ("model", "voices")}
    current.update(names)
    temp = place / f"{CHOICE_FILE}.{os.getpid()}.part"
    try:
        temp.write_text(json.dumps({k: v for k, v in current.items() if v}), encoding="utf-8")
        os.replace(temp, place / CHOICE_FILE)
    except OSError as error:
        temp.unlink(missing_ok=True)
        log.warning("Could not note the installed files in %s: %s", place, error)
