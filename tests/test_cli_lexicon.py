"""`lexicon …` and `speak-text` on the command line: entries, PLS round trip and refusal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from narrator_app.cli.main import main


def run(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, Any]:
    code = main(["--data-dir", str(data), *args, "--json"])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1]) if out else None


def test_add_list_remove_and_what_a_segment_speaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    data = tmp_path / "d"
    assert run(capsys, data, "segments", "add", "Blorf paid $12.50 to the zork.")[0] == 0
    run(capsys, data, "segments", "add", "Nothing to see here.")
    assert run(capsys, data, "lexicon", "add", "zork", "--say", "cork")[0] == 0
    code, added = run(
        capsys, data, "lexicon", "add", "Blorf", "--ipa", "blˈɔɹf", "--project", "--case-sensitive"
    )
    assert code == 0 and added["entry"]["scope"] == "project"
    code, listed = run(capsys, data, "lexicon", "list")
    assert listed == {
        "entries": [
            {"word": "Blorf", "ipa": "blˈɔɹf", "scope": "project", "case_sensitive": True, "segments": 1},
            {"word": "zork", "say": "cork", "scope": "global", "case_sensitive": False, "segments": 1},
        ]
    }
    code, spoken = run(capsys, data, "speak-text", "1")
    assert code == 0
    assert spoken["spoken"] == "/blˈɔɹf/ paid twelve dollars and fifty cents to the cork."
    assert spoken["pieces"][0] == {"phonemes": "blˈɔɹf"}
    assert run(capsys, data, "speak-text", "99")[0] == 4

    code, bad = run(capsys, data, "lexicon", "add", "blip", "--ipa", "bl1p")
    assert code == 2 and "'1'" in bad["message"]
    assert run(capsys, data, "lexicon", "remove", "zork", "--project")[0] == 2  # it is global
    assert run(capsys, data, "lexicon", "remove", "zork")[0] == 0
    assert [e["word"] for e in run(capsys, data, "lexicon", "list")[1]["entries"]] == ["Blorf"]


def test_pls_round_trip_and_an_invalid_file_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    data, other = tmp_path / "d", tmp_path / "e"
    run(capsys, data, "lexicon", "add", "zork", "--say", "cork")
    run(capsys, data, "lexicon", "add", "Blorf", "--ipa", "blˈɔɹf", "--case-sensitive")
    pls = tmp_path / "words.pls"
    assert run(capsys, data, "lexicon", "export", "--out", str(pls))[1]["entries"] == 2
    assert run(capsys, other, "lexicon", "import", str(pls))[1]["entries"] == 2
    assert run(capsys, other, "lexicon", "list")[1] == run(capsys, data, "lexicon", "list")[1]

    before = run(capsys, other, "lexicon", "list")[1]
    broken = tmp_path / "broken.pls"
    broken.write_bytes(pls.read_bytes().replace(b"</lexicon>", b""))
    code, error = run(capsys, other, "lexicon", "import", str(broken))
    assert code == 2 and "XML" in error["message"]
    twice = tmp_path / "twice.pls"  # valid XML, but the second lexeme has phonemes the model lacks
    twice.write_text(
        '<?xml version="1.0"?><lexicon xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" '
        'version="1.0" alphabet="ipa" xml:lang="en-US"><lexeme><grapheme>new</grapheme>'
        "<alias>noo</alias></lexeme><lexeme><grapheme>odd</grapheme><phoneme>o9d</phoneme>"
        "</lexeme></lexicon>",
        encoding="utf-8",
    )
    code, error = run(capsys, other, "lexicon", "import", str(twice), "--project")
    assert code == 2 and "'9'" in error["message"]
    assert run(capsys, other, "lexicon", "list")[1] == before  # never half-applied
