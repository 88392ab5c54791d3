"""Audiobooks out, wired: M4B with the project's chapters, a file per chapter, loudness, cues per sentence
from the recorded timings, the ACX check, from the command line, the controller and the dialog."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pytest
import soundfile as sf
from mutagen.mp4 import MP4, MP4Cover

from fakes import FakeKokoro
from narrator_app.engine.cues import split_text
from narrator_app.engine.timings import sentences_from_json, split_sentences
from support import MakeController, wait_for_tasks

# Two chapters, four segments. The second segment's three sentences are spoken a sentence a chunk:
# one cue per sentence, each at its own sentence's recorded start and end.
CHAPTERS = {
    "The Lamp": [
        "The keeper lit the lamp.",
        "Ships passed in the night beyond the rocks, and nobody saw them go. "
        "The wind turned to the north before the tide came in over the sand. "
        "By dawn the sea was calm again, grey and quiet under a low sky.",
    ],
    "The Morning": ["Morning came.", "Gulls cried over the harbour."],
}
TEXTS = [text for texts in CHAPTERS.values() for text in texts]
SENTENCES = [s for text in TEXTS for s in split_sentences(text)]


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\xff\0\0"))
        + chunk(b"IEND", b"")
    )


def build_book(c, qtbot) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.store.records import BookDetails

    first = c.chapters.all()[0]
    c.chapters.rename(first.id, "The Lamp")
    second = c.chapters.add("The Morning")
    c.chapters.add("Empty")  # no segments: no chapter mark
    for chapter, texts in zip((first, second), CHAPTERS.values(), strict=True):
        for text in texts:
            c.segments.add(text, chapter_id=chapter.id)
    c.chapters.set_book_details(
        BookDetails(
            title="The Lighthouse", author="Ada Writer", narrator="Nara Tor", year="2024", genre="Fiction"
        )
    )
    summary = c.generation.generate_all()
    wait_for_tasks(qtbot, c, summary.task_ids, timeout=300_000)


def decode(path: Path) -> tuple[np.ndarray, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        blocks = [frame.to_ndarray().astype(np.float32).reshape(-1) for frame in container.decode(stream)]
        return np.concatenate(blocks), stream.rate


def seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest.replace(",", "."))


def test_a_real_two_chapter_book_exports_to_m4b_and_a_file_per_chapter(
    qtbot, make_controller: MakeController, real_model_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    assert all(len(split_text(s)) == 1 for s in SENTENCES)  # each sentence is one cue
    c = make_controller(real_model_dir)
    build_book(c, qtbot)
    records = c.segments.all()
    durations = [r.audio_duration for r in records]
    timings = [sentences_from_json(r.audio_timings) for r in records]
    assert all(t for t in timings), "the render recorded every segment's sentence timings"
    chunks = json.loads(records[1].audio_timings)["sentences"]
    assert [text for _s, _e, text in chunks] == split_sentences(TEXTS[1])  # a row per sentence
    assert chunks[-1][1] == pytest.approx(durations[1], abs=0.3)  # the sentences span the audio
    c.shutdown()
    cover = tmp_path / "cover.png"
    cover.write_bytes(png_bytes())

    def run(*args: str) -> tuple[int, dict]:
        base = ["--data-dir", str(c.data_dir), "--model-dir", str(real_model_dir), "export", "--json"]
        code = main([*base, *args])
        return code, json.loads(capsys.readouterr().out)

    out = tmp_path / "book.m4b"
    code, payload = run(
        "--out", str(out), "--pause", "0.5", "--chapter-pause", "2", "--narrator", "N. Tor",
        "--cover", str(cover), "--loudness", "podcast", "--subtitles", "srt", "--bitrate", "64k",
    )  # fmt: skip
    assert code == 0, payload
    assert {"path", "duration", "segments", "subtitles"} <= set(payload)
    d = durations
    starts = [0.0, d[0] + 0.5 + d[1] + 2.0]
    expected = sum(d) + 0.5 * 2 + 2.0
    assert payload["chapters"] == [
        {"title": "The Lamp", "start": 0.0},
        {"title": "The Morning", "start": pytest.approx(starts[1], abs=1e-3)},
    ]
    assert payload["duration"] == pytest.approx(expected, abs=1e-3) and payload["segments"] == 4

    with av.open(str(out)) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
        marks = container.chapters()
    assert [m["metadata"]["title"] for m in marks] == ["The Lamp", "The Morning"]
    assert [float(m["start"] * m["time_base"]) for m in marks] == pytest.approx(starts, abs=0.05)
    tags = MP4(str(out)).tags
    assert tags is not None
    assert tags["\xa9nam"] == ["The Lighthouse"] and tags["\xa9ART"] == ["Ada Writer"]
    assert tags["\xa9wrt"] == ["N. Tor"] and tags["\xa9day"] == ["2024"] and tags["\xa9gen"] == ["Fiction"]
    [art] = tags["covr"]
    assert bytes(art) == png_bytes() and art.imageformat == MP4Cover.FORMAT_PNG
    samples, rate = decode(out)
    assert len(samples) / rate == pytest.approx(expected, abs=0.05)
    assert pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)) == pytest.approx(
        -16.0, abs=1.0
    )
    assert float(np.abs(samples).max()) < 10 ** (-1.0 / 20) + 0.01  # under the −1 dBFS limit: nothing clipped
    if shutil.which("ffprobe") is not None:
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-show_chapters", "-show_format", "-of", "json", str(out)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        info = json.loads(probe.stdout)
        assert [ch["tags"]["title"] for ch in info["chapters"]] == ["The Lamp", "The Morning"]
        assert [float(ch["start_time"]) for ch in info["chapters"]] == pytest.approx(starts, abs=0.05)
        assert float(info["format"]["duration"]) == pytest.approx(expected, abs=0.05)

    # One cue per sentence, timed from the recorded sentence boundaries.
    blocks = Path(payload["subtitles"]).read_text(encoding="utf-8").strip().split("\n\n")
    cues = [(seconds(b.split("\n")[1].split(" --> ")[0]), seconds(b.split("\n")[1].split(" --> ")[1]),
             " ".join(b.split("\n")[2:])) for b in blocks]  # fmt: skip
    assert [text for _s, _e, text in cues] == SENTENCES and payload["cues"] == len(SENTENCES)
    segment_starts = [0.0, d[0] + 0.5, starts[1], starts[1] + d[2] + 0.5]
    flat = [
        (start + s.start, start + s.end)
        for start, spans in zip(segment_starts, timings, strict=True)
        for s in spans
    ]
    got = [t for b, e, _t in cues for t in (b, e)]
    assert got == pytest.approx([t for pair in flat for t in pair], abs=0.002)
    chunk_ends = [segment_starts[1] + end for _s, end, _t in chunks]
    cue_ends = [end for _b, end, _t in cues[1:4]]
    assert cue_ends == pytest.approx(chunk_ends, abs=0.002)  # each sentence's end is its cue's end

    # A file per chapter with an M3U, ACX-levelled and checked.
    folder = tmp_path / "chapters"
    code, payload = run("--out", str(folder), "--format", "m4b", "--split", "chapters", "--loudness", "acx",
                        "--check", "acx")  # fmt: skip
    assert code == 0, payload
    assert [Path(p).name for p in payload["files"]] == ["01 - The Lamp.m4b", "02 - The Morning.m4b"]
    playlist = Path(payload["playlist"])
    assert playlist.name == "The Lighthouse.m3u"
    assert [line for line in playlist.read_text().splitlines() if not line.startswith("#")] == [
        Path(p).name for p in payload["files"]
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [playlist.name, *(Path(p).name for p in payload["files"])]
    )
    for path in payload["files"]:
        assert MP4(path).tags["trkn"]  # type: ignore[index]
        report = payload["acx"]["files"][path]
        assert report["passed"] and -23 <= report["rms_db"] <= -18 and report["peak_db"] <= -3
    assert payload["acx"]["passed"] is True

    # WAV with a LUFS target: the same limiter and meter as the M4B.
    code, payload = run("--out", str(tmp_path / "book.wav"), "--loudness", "-18")
    assert code == 0, payload
    samples, rate = sf.read(str(tmp_path / "book.wav"), dtype="float32")
    assert pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)) == pytest.approx(
        -18.0, abs=1.0
    )
    assert float(np.abs(samples).max()) < 10 ** (-1.0 / 20)


def test_cues_fall_back_to_segments_without_timings_and_say_so(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    c = make_controller(fake_model_dir, FakeKokoro())
    one = c.segments.add("First. Second.")
    two = c.segments.add("Third one.")
    wait_for_tasks(qtbot, c, c.generation.generate_all().task_ids)
    recorded = c.segments.get(one.id)
    assert [s.text for s in sentences_from_json(recorded.audio_timings)] == ["First.", "Second."]
    old = c.segments.get(two.id)  # as if rendered before timings were recorded
    c.session.repository.set_audio(two.id, old.audio_file, old.audio_duration, old.audio_fingerprint)
    assert c.segments.get(two.id).audio_timings is None
    c.shutdown()
    code = main(["--data-dir", str(c.data_dir), "--model-dir", str(fake_model_dir), "export", "--json",
                 "--out", str(tmp_path / "a.wav"), "--subtitles", "vtt"])  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert code == 0 and payload["cues"] == 3 and payload["untimed_segments"] == 1
    assert "no recorded sentence timings" in payload["note"]
    vtt = (tmp_path / "a.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and ["First.", "Second.", "Third one."] == [
        block.split("\n")[1] for block in vtt.split("\n\n")[1:]
    ]
    code = main(["--data-dir", str(c.data_dir), "--model-dir", str(fake_model_dir), "export", "--json",
                 "--out", str(tmp_path / "b.wav"), "--subtitles", "srt",
                 "--cue-by", "segment"])  # fmt: skip
    payload = json.loads(capsys.readouterr().out)
    assert payload["cues"] == 2 and "untimed_segments" not in payload


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "m4b", "--bitrate", "fast"], "--bitrate"),
        (["--format", "m4b", "--bitrate", "500k"], "--bitrate"),
        (["--format", "m4b", "--loudness", "loud"], "--loudness"),
        (["--format", "m4b", "--loudness", "-90"], "--loudness"),
        (["--format", "m4b", "--chapter-pause", "99"], "--chapter-pause"),
        (["--format", "wav", "--split", "chapters"], "--split"),
        (["--format", "m4b", "--split", "chapters", "--subtitles", "srt"], "--subtitles"),
        (["--format", "m4b", "--cover", "/nonexistent/cover.png"], "--cover"),
        (["--format", "m4b", "--year", "last spring"], "--year"),
        (["--format", "m4b", "--check", "audible"], "invalid choice"),
        (["--format", "m4b", "--cue-by", "word"], "invalid choice"),
    ],
)
def test_bad_audiobook_options_exit_2_and_write_nothing(
    make_controller: MakeController,
    fake_model_dir: Path,
    tmp_path: Path,
    capsys,
    args: list[str],
    message: str,
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.cli import main

    c = make_controller(fake_model_dir, FakeKokoro())
    c.shutdown()
    out = tmp_path / "out" / "book.m4b"
    with pytest.raises(SystemExit) if "invalid choice" in message else _no_exit() as caught:
        code = main(["--data-dir", str(c.data_dir), "--model-dir", str(fake_model_dir), "export", "--json",
                     "--out", str(out), *args])  # fmt: skip
    captured = capsys.readouterr()
    if "invalid choice" in message:
        assert caught.value.code == 2  # type: ignore[union-attr]
        assert message in captured.out + captured.err
    else:
        assert code == 2 and message in json.loads(captured.out)["message"]
    assert not out.parent.exists()


class _no_exit:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_a_cancelled_m4b_export_leaves_nothing(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.app.exporting import ExportRequest

    c = make_controller(fake_model_dir, FakeKokoro())
    for n in range(3):
        c.segments.add(f"Line {n}.")
    wait_for_tasks(qtbot, c, c.generation.generate_all().task_ids)
    out = tmp_path / "book" / "b.m4b"
    c.exports.progress.connect(lambda _f: c.exports.cancel())  # cancel at the first progress
    with qtbot.waitSignal(c.exports.failed, timeout=30_000) as failed:
        plan, started = c.exports.start(ExportRequest(out, fmt="m4b", subtitles="srt", loudness="podcast"))
        assert started
        c.exports.cancel()
    assert failed.args == ["Export cancelled; nothing was written.", True]
    assert not out.exists() and list(out.parent.iterdir()) == []
    folder = tmp_path / "split"
    with qtbot.waitSignal(c.exports.failed, timeout=30_000) as failed:
        c.exports.start(ExportRequest(folder, fmt="mp3", split="chapters"))
        c.exports.cancel()  # at once too: a tiny export can end before its first progress arrives
    assert failed.args[1] is True and not folder.exists()


def test_the_dialog_builds_the_audiobook_request(
    qtbot, make_controller: MakeController, fake_model_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from narrator_app.store.records import BookDetails
    from narrator_app.ui.export_dialog import ExportDialog, describe_export

    c = make_controller(fake_model_dir, FakeKokoro())
    c.chapters.set_book_details(BookDetails(title="The Lighthouse", author="Ada Writer", year="2024"))
    wait_for_tasks(qtbot, c, [c.generation.generate_audio(c.segments.add("Hello there.").id)])
    dialog = ExportDialog(c)
    qtbot.addWidget(dialog)
    assert dialog.book.book_title.text() == "The Lighthouse" and dialog.book.author.text() == "Ada Writer"
    assert not dialog.book.audiobook_box.isEnabled()  # wav: the audiobook options do not apply
    dialog.fmt.setCurrentIndex(dialog.fmt.findData("m4b"))
    assert dialog.book.audiobook_box.isEnabled() and dialog.path.text().endswith(".m4b")
    cover = tmp_path / "c.png"
    cover.write_bytes(png_bytes())
    dialog.book.cover.setText(str(cover))
    dialog.book.narrator.setText("Nara Tor")
    dialog.book.split.setChecked(True)
    dialog.book.chapter_pause.setValue(3.0)
    dialog.book.bitrate.setCurrentIndex(dialog.book.bitrate.findData(96_000))
    dialog.book.loudness.setCurrentIndex(dialog.book.loudness.findData("acx"))
    dialog.book.check_acx.setChecked(True)
    request = dialog.request()
    assert (request.fmt, request.split, request.chapter_pause, request.bitrate) == (
        "m4b",
        "chapters",
        3.0,
        96_000,
    )
    assert (request.loudness, request.check_acx, request.cover) == ("acx", True, cover)
    assert (request.title, request.author, request.narrator, request.year) == (
        "The Lighthouse", "Ada Writer", "Nara Tor", "2024"
    )  # fmt: skip
    labels = [dialog.book.loudness.itemText(i) for i in range(dialog.book.loudness.count())]
    assert labels == [
        "Off", "Audiobook (ACX: RMS −23 to −18 dB, peaks ≤ −3 dB)", "Podcast −16 LUFS", "Broadcast −23 LUFS"
    ]  # fmt: skip
    dialog.book.split.setChecked(False)
    dialog.path.setText(str(tmp_path / "b.m4b"))
    with qtbot.waitSignal(c.exports.finished, timeout=30_000) as finished:
        c.exports.start(dialog.request())
    text = describe_export(finished.args[0])
    assert text.startswith("Exported 1 segments") and "1 chapter" in text
    assert "ACX check: b.m4b passed" in text or "ACX check: b.m4b failed" in text
    assert "RMS" in text and "peak" in text


def test_every_output_path_is_listed_for_the_target_checks(tmp_path: Path) -> None:
    from narrator_app.core.audiobook import BookItem, BookOptions, output_paths
    from narrator_app.engine.book_audio import BookTags
    from narrator_app.engine.export import ExportItem

    items = [
        BookItem(ExportItem(1, "One.", tmp_path / "1.wav"), 10, "The Lamp"),
        BookItem(ExportItem(2, "Two.", tmp_path / "2.wav"), 10, "The Lamp"),
        BookItem(ExportItem(3, "Three.", tmp_path / "3.wav"), 11, "The Morning"),
    ]
    tags = BookTags(title="The Lighthouse")
    split = BookOptions(tmp_path / "book.m4b", fmt="m4b", split="chapters", tags=tags)
    assert output_paths(split, items) == [
        tmp_path / "book" / "01 - The Lamp.m4b",
        tmp_path / "book" / "02 - The Morning.m4b",
        tmp_path / "book" / "The Lighthouse.m3u",
    ]
    one = BookOptions(tmp_path / "book.m4b", fmt="m4b", subtitles="vtt", tags=tags)
    assert output_paths(one, items) == [tmp_path / "book.m4b", tmp_path / "book.vtt"]
