"""M4B export: chapters, tags and cover checked with real decoders (PyAV, mutagen, ffprobe if present)."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover

from narrator_app.engine.book_audio import BookChapter, BookTags, chapter_file_name, safe_file_stem
from narrator_app.engine.export import ExportCancelled, ExportError
from narrator_app.engine.m4b import export_m4b
from narrator_app.engine.split_export import export_chapter_files

RATE = 24_000
TOLERANCE = 0.05  # seconds


def tone(path: Path, seconds: float, freq: float = 220.0, level: float = 0.3) -> Path:
    t = np.arange(round(seconds * RATE)) / RATE
    sf.write(str(path), (level * np.sin(2 * np.pi * freq * t)).astype(np.float32), RATE)
    return path


def png_bytes() -> bytes:
    """A valid 2x2 red PNG, made by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def book(tmp_path: Path) -> list[BookChapter]:
    a = tone(tmp_path / "a.wav", 1.0)
    b = tone(tmp_path / "b.wav", 1.5, 330)
    c = tone(tmp_path / "c.wav", 0.7, 440)
    d = tone(tmp_path / "d.wav", 2.0, 550)
    return [
        BookChapter("Chapter One", (a, b)),
        BookChapter("Chapter Two — é", (c,)),
        BookChapter("Three", (d, a)),
    ]


# pause 0.5, chapter pause 2.0: One 0 → 3.0 (+2), Two 5.0 → 5.7 (+2), Three 7.7 → 11.2
EXPECTED_STARTS = [0.0, 5.0, 7.7]
EXPECTED_DURATION = 11.2


@pytest.fixture
def tags(tmp_path: Path) -> BookTags:
    cover = tmp_path / "cover.png"
    cover.write_bytes(png_bytes())
    return BookTags(
        title="The Lighthouse",
        author="Ada Writer",
        narrator="Nara Tor",
        year="2024",
        genre="Fiction",
        description="A keeper, a storm, a light.",
        cover=cover,
    )


def decoded_duration(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples / stream.rate


def test_m4b_has_aac_chapters_tags_and_cover(tmp_path: Path, book: list[BookChapter], tags: BookTags) -> None:
    out = tmp_path / "out" / "book.m4b"
    seen: list[float] = []
    result = export_m4b(book, out, tags=tags, pause=0.5, chapter_pause=2.0, on_progress=seen.append)

    assert result.duration == pytest.approx(EXPECTED_DURATION, abs=1e-6)
    assert [m.start for m in result.chapters] == pytest.approx(EXPECTED_STARTS, abs=1e-6)
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert sorted(p.name for p in out.parent.iterdir()) == ["book.m4b"]  # no temporary left
    with av.open(str(out)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac"
        assert stream.rate == 44_100 and stream.channels == 1
        assert container.duration is not None
        assert container.duration / 1e6 == pytest.approx(EXPECTED_DURATION, abs=TOLERANCE)
        chapters = container.chapters()
    assert [c["metadata"]["title"] for c in chapters] == [c.title for c in book]
    starts = [float(c["start"] * c["time_base"]) for c in chapters]
    assert starts == pytest.approx(EXPECTED_STARTS, abs=TOLERANCE)
    assert decoded_duration(out) == pytest.approx(EXPECTED_DURATION, abs=TOLERANCE)

    audio = MP4(str(out))
    assert audio.tags is not None
    assert audio.tags["\xa9nam"] == ["The Lighthouse"] and audio.tags["\xa9alb"] == ["The Lighthouse"]
    assert audio.tags["\xa9ART"] == ["Ada Writer"] and audio.tags["aART"] == ["Ada Writer"]
    assert audio.tags["\xa9wrt"] == ["Nara Tor"]
    assert audio.tags["\xa9day"] == ["2024"] and audio.tags["\xa9gen"] == ["Fiction"]
    assert audio.tags["desc"] == ["A keeper, a storm, a light."]
    [cover] = audio.tags["covr"]
    assert bytes(cover) == png_bytes() and cover.imageformat == MP4Cover.FORMAT_PNG
    assert [(round(c.start, 2), c.title) for c in audio.chapters] == list(
        zip(EXPECTED_STARTS, [c.title for c in book], strict=True)
    )

    if shutil.which("ffprobe") is None:
        return  # CI without ffmpeg: the PyAV and mutagen checks above still ran
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_chapters",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(probe.stdout)
    assert [c["tags"]["title"] for c in info["chapters"]] == [c.title for c in book]
    assert [float(c["start_time"]) for c in info["chapters"]] == pytest.approx(EXPECTED_STARTS, abs=TOLERANCE)
    assert float(info["format"]["duration"]) == pytest.approx(EXPECTED_DURATION, abs=TOLERANCE)
    assert info["format"]["tags"]["artist"] == "Ada Writer"
    assert info["format"]["tags"]["composer"] == "Nara Tor"
    assert [s["codec_name"] for s in info["streams"] if s["codec_type"] == "audio"] == ["aac"]


@pytest.mark.parametrize("bitrate", [64_000, 96_000])
def test_the_bitrate_is_the_one_asked(tmp_path: Path, bitrate: int) -> None:
    noise = np.random.default_rng(5).normal(0, 0.1, RATE * 8).astype(np.float32)
    sf.write(str(tmp_path / "noise.wav"), noise, RATE)
    out = tmp_path / "noise.m4b"
    export_m4b([BookChapter("Noise", (tmp_path / "noise.wav",))], out, bitrate=bitrate)
    with av.open(str(out)) as container:
        measured = container.streams.audio[0].bit_rate
    assert measured == pytest.approx(bitrate, rel=0.15)


def test_jpeg_cover_is_attached(tmp_path: Path, book: list[BookChapter]) -> None:
    image = pytest.importorskip("PIL.Image")
    cover = tmp_path / "cover.jpg"
    image.new("RGB", (8, 8), (0, 90, 200)).save(cover, "JPEG")
    out = tmp_path / "book.m4b"
    export_m4b(book[:1], out, tags=BookTags(title="T", cover=cover))
    audio = MP4(str(out))
    assert audio.tags is not None
    [attached] = audio.tags["covr"]
    assert bytes(attached) == cover.read_bytes() and attached.imageformat == MP4Cover.FORMAT_JPEG


def test_cancel_leaves_nothing_and_keeps_an_earlier_export(tmp_path: Path, book: list[BookChapter]) -> None:
    out = tmp_path / "book.m4b"
    out.write_bytes(b"earlier export")
    calls = 0

    def cancel_after_a_few() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    with pytest.raises(ExportCancelled):
        export_m4b(book, out, should_cancel=cancel_after_a_few)
    assert out.read_bytes() == b"earlier export"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"bitrate": 8_000}, "bitrate"),
        ({"sample_rate": 11_025}, "sample rate"),
        ({"chapter_pause": 99.0}, "between chapters"),
        ({"pause": -1.0}, "pause"),
    ],
)
def test_bad_settings_are_refused(
    tmp_path: Path, book: list[BookChapter], change: dict, message: str
) -> None:
    out = tmp_path / "book.m4b"
    with pytest.raises(ExportError, match=message):
        export_m4b(book, out, **change)
    assert not out.exists()


def test_bad_input_is_refused_and_writes_nothing(tmp_path: Path, book: list[BookChapter]) -> None:
    not_image = tmp_path / "cover.png"
    not_image.write_text("not an image")
    with pytest.raises(ExportError, match="not a JPEG or PNG"):
        export_m4b(book, tmp_path / "x.m4b", tags=BookTags(cover=not_image))
    with pytest.raises(ExportError, match="has no audio"):
        export_m4b([BookChapter("Empty", ())], tmp_path / "x.m4b")
    with pytest.raises(ExportError, match=r"must end in \.m4b"):
        export_m4b(book, tmp_path / "x.mp3")
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF nonsense")
    with pytest.raises(ExportError, match="Cannot read the audio"):
        export_m4b([BookChapter("One", (broken,))], tmp_path / "x.m4b")
    assert not (tmp_path / "x.m4b").exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_a_file_per_chapter_with_track_numbers_and_playlist(
    tmp_path: Path, book: list[BookChapter], tags: BookTags, fmt: str
) -> None:
    out_dir = tmp_path / "split"
    result = export_chapter_files(book, out_dir, fmt=fmt, tags=tags, pause=0.5)
    names = [f"01 - Chapter One.{fmt}", f"02 - Chapter Two — é.{fmt}", f"03 - Three.{fmt}"]
    assert [f.path.name for f in result.files] == names
    assert sorted(p.name for p in out_dir.iterdir()) == sorted([*names, "The Lighthouse.m3u"])
    for number, (item, seconds) in enumerate(zip(result.files, [3.0, 0.7, 3.5], strict=True), start=1):
        assert item.duration == pytest.approx(seconds)
        # MP3 decoders may keep up to a frame of the encoder's padding (LAME's gapless info aside)
        assert decoded_duration(item.path) == pytest.approx(seconds, abs=TOLERANCE if fmt == "m4b" else 0.08)
        if fmt == "m4b":
            audio = MP4(str(item.path))
            assert audio.tags is not None
            assert audio.tags["trkn"] == [(number, 3)]
            assert audio.tags["\xa9nam"] == [item.title] and audio.tags["\xa9alb"] == ["The Lighthouse"]
            assert bytes(audio.tags["covr"][0]) == png_bytes()
        else:
            assert MP3(str(item.path)).info.sample_rate == 44_100
            frames = ID3(str(item.path))
            assert str(frames["TRCK"]) == f"{number}/3"
            assert str(frames["TIT2"]) == item.title and str(frames["TALB"]) == "The Lighthouse"
            assert str(frames["TCOM"]) == "Nara Tor" and str(frames["TPE1"]) == "Ada Writer"
            assert frames.getall("APIC")[0].data == png_bytes()
    playlist = result.playlist.read_text(encoding="utf-8").splitlines()
    assert playlist[0] == "#EXTM3U"
    assert [line for line in playlist if not line.startswith("#")] == names
    assert "#EXTINF:3,Ada Writer - Chapter One" in playlist


def test_split_cancel_leaves_nothing(tmp_path: Path, book: list[BookChapter]) -> None:
    out_dir = tmp_path / "split"
    calls = 0

    def cancel_in_the_third_chapter() -> bool:
        nonlocal calls
        calls += 1
        return calls > 7  # 9 blocks of at most 1 s: the third chapter is being encoded

    with pytest.raises(ExportCancelled):
        export_chapter_files(book, out_dir, should_cancel=cancel_in_the_third_chapter)
    assert not out_dir.exists()


def test_file_names_are_safe_everywhere() -> None:
    assert chapter_file_name(3, 12, 'A/B: "C"? <D> | e* . ', "mp3") == "03 - A B C D e.mp3"
    assert chapter_file_name(7, 120, "", "m4b") == "007.m4b"
    assert chapter_file_name(1, 1, "Line\nbreak\ttab", "m4b") == "01 - Line break tab.m4b"
    assert safe_file_stem("CON") == "_CON" and safe_file_stem("nul.txt") == "_nul.txt"
    assert safe_file_stem("x" * 200) == "x" * 80
