"""Fingerprints with direction: the new settings mark audio outdated; older audio stays current."""

from __future__ import annotations

import json

from narrator_app.engine.fingerprint import Fingerprint, text_digest

MODEL = "kokoro-v1.0.int8.onnx:92361271"


def test_a_fingerprint_stored_before_direction_reads_back_equal_and_is_written_the_same() -> None:
    # Exactly what the app stored before pause_after existed.
    old = json.dumps(
        {
            "language": "en-us",
            "model": MODEL,
            "speed": 1.0,
            "text": text_digest("Hello."),
            "voice": "af_heart",
        },
        sort_keys=True,
    )
    now = Fingerprint.of("Hello.", "af_heart", 1.0, "en-us", MODEL)
    assert Fingerprint.from_json(old) == now and now.to_json() == old
    assert Fingerprint.from_json(old).changes_from(now) == []  # type: ignore[union-attr]


def test_tags_speed_and_pause_after_each_mark_the_audio_outdated() -> None:
    made = Fingerprint.of("Hello. [pause 1s] Bye.", "af_heart", 1.0, "en-us", MODEL)
    assert made.changes_from(Fingerprint.of("Hello. [pause 2s] Bye.", "af_heart", 1.0, "en-us", MODEL)) == [
        "text"
    ]
    # The segment's own speed is the speed it is read at.
    assert made.changes_from(Fingerprint.of("Hello. [pause 1s] Bye.", "af_heart", 0.8, "en-us", MODEL)) == [
        "speed"
    ]
    paused = Fingerprint.of("Hello. [pause 1s] Bye.", "af_heart", 1.0, "en-us", MODEL, pause_after=2.5)
    assert made.changes_from(paused) == ["pause after"] and paused.changes_from(made) == ["pause after"]
    assert Fingerprint.from_json(paused.to_json()) == paused
    assert json.loads(paused.to_json())["pause_after"] == 2.5
