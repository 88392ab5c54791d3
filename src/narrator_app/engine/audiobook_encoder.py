"""Encoding a book's samples to AAC in MP4 (.m4b) or to MP3 with PyAV, and tagging the files with mutagen.

No Qt here. PyAV's wheels carry FFmpeg's libraries (its native AAC encoder and LAME), so no ffmpeg
program is needed. Chapter marks are handed to FFmpeg's MP4 muxer, which writes both a QuickTime
chapter track (Apple's players) and a Nero `chpl` list (most others); mutagen then adds the tags and
the cover, which PyAV cannot attach to an audio-only MP4.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import mutagen
import numpy as np
from mutagen import id3
from mutagen.mp4 import MP4, MP4Cover
from numpy.typing import NDArray

from narrator_app.engine.book_audio import BookTags, Cover
from narrator_app.engine.export import SAMPLE_RATE, ExportError

AUDIOBOOK_FORMATS = {"m4b": ("ipod", "aac"), "mp3": ("mp3", "libmp3lame")}
DECODERS = {"aac": "aac", "libmp3lame": "mp3float"}
_FULL_SCALE = {"s16": 32768.0, "s16p": 32768.0, "s32": 2.0**31, "s32p": 2.0**31}
OUTPUT_RATES = (22_050, 24_000, 44_100, 48_000)
DEFAULT_RATE = 44_100  # what ACX and the other audiobook stores ask for
DEFAULT_BITRATE = 64_000
BITRATES = range(32_000, 320_001)
# Lossy coding moves peaks: the limiter aims this much lower, and the encoded audio is decoded again
# as it is written; if its peak is still above the limit, the audio is encoded once more, lower by
# what it overshot (noise-like sounds at 64 kb/s overshoot most: AAC codes them as noise, PNS).
CODEC_HEADROOM_DB = {"m4b": 0.5, "mp3": 0.5}


def check_encoding(fmt: str, rate: int, bitrate: int) -> None:
    if fmt not in AUDIOBOOK_FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; choose one of: {', '.join(AUDIOBOOK_FORMATS)}.")
    if rate not in OUTPUT_RATES:
        raise ExportError(
            f"The sample rate must be one of {', '.join(map(str, OUTPUT_RATES))} Hz; got {rate}."
        )
    if bitrate not in BITRATES:
        raise ExportError(f"The bitrate must be between 32 and 320 kb/s; got {bitrate / 1000:g} kb/s.")


class AudioEncoder:
    """Mono float32 blocks at Narrator's 24 kHz in, an encoded file out (resampled to `rate`)."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        *,
        rate: int = DEFAULT_RATE,
        bitrate: int = DEFAULT_BITRATE,
        chapters: Sequence[tuple[str, int, int]] = (),
        monitor: bool = True,
    ) -> None:
        """`chapters`: (title, start, end) in samples at 24 kHz; they must be known before encoding.
        With `monitor`, every packet is decoded again to measure `peak` (costs ~3 % of the time)."""
        container_format, codec = AUDIOBOOK_FORMATS[fmt]
        self.path = path
        self._out = av.open(str(path), "w", format=container_format)
        try:
            stream = self._out.add_stream(codec, rate=rate, layout="mono")
            assert isinstance(stream, av.AudioStream)
            stream.bit_rate = bitrate
            self._stream = stream
            if chapters:
                self._out.set_chapters(
                    [
                        {
                            "id": number,
                            "start": start,
                            "end": end,
                            "time_base": Fraction(1, SAMPLE_RATE),
                            "metadata": {"title": title},
                        }
                        for number, (title, start, end) in enumerate(chapters, start=1)
                    ]
                )
            self._resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
            self._decoder: av.AudioCodecContext | None = None
        except BaseException:
            self._out.close()
            raise
        self._pts = 0
        self._monitor = monitor
        self.peak = 0.0  # the largest sample magnitude of the encoded audio, decoded again

    def _mux(self, packets: list[Any]) -> None:
        """Mux the packets, decoding them on the way to learn the peak a player will see."""
        if self._monitor and self._decoder is None and packets:
            decoder = av.CodecContext.create(DECODERS[self._stream.codec_context.name], "r")
            assert isinstance(decoder, av.AudioCodecContext)
            decoder.extradata = self._stream.codec_context.extradata
            decoder.sample_rate = self._stream.rate
            decoder.layout = "mono"
            self._decoder = decoder
        for packet in packets:
            if self._decoder is not None:
                for frame in self._decoder.decode(packet):
                    scale = _FULL_SCALE.get(frame.format.name, 1.0)
                    self.peak = max(self.peak, float(np.max(np.abs(frame.to_ndarray()))) / scale)
            self._out.mux(packet)

    def write(self, block: NDArray[np.float32]) -> None:
        if not len(block):
            return
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(block, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = Fraction(1, SAMPLE_RATE)
        frame.pts = self._pts
        self._pts += len(block)
        for resampled in self._resampler.resample(frame):
            self._mux(self._stream.encode(resampled))

    def close(self) -> None:
        """Flush the resampler and the encoder, and finish the file."""
        for resampled in self._resampler.resample(None):
            self._mux(self._stream.encode(resampled))
        self._mux(self._stream.encode(None))
        self._out.close()

    def abort(self) -> None:
        try:
            self._out.close()
        except (av.FFmpegError, OSError):
            pass  # the file is removed anyway


def _mp4_tags(
    path: Path, tags: BookTags, cover: Cover | None, track: tuple[int, int] | None, album: str
) -> None:
    audio = MP4(str(path))
    if audio.tags is None:
        audio.add_tags()
    assert audio.tags is not None
    values = {
        "\xa9nam": tags.title,
        "\xa9alb": album,
        "\xa9ART": tags.author,
        "aART": tags.author,
        "\xa9wrt": tags.narrator,
        "\xa9day": tags.year,
        "\xa9gen": tags.genre or "Audiobook",
        "desc": tags.description,
        "\xa9cmt": tags.description,
    }
    for key, value in values.items():
        if value:
            audio.tags[key] = [value]
    audio.tags["stik"] = [2]  # iTunes media kind: audiobook
    if track is not None:
        audio.tags["trkn"] = [track]
    if cover is not None:
        kind = MP4Cover.FORMAT_JPEG if cover.kind == "jpeg" else MP4Cover.FORMAT_PNG
        audio.tags["covr"] = [MP4Cover(cover.data, imageformat=kind)]
    audio.save()


def _mp3_tags(
    path: Path, tags: BookTags, cover: Cover | None, track: tuple[int, int] | None, album: str
) -> None:
    try:
        frames = id3.ID3(str(path))
    except id3.ID3NoHeaderError:
        frames = id3.ID3()
    texts: list[id3.Frame] = [
        id3.TIT2(encoding=3, text=tags.title),
        id3.TALB(encoding=3, text=album),
        id3.TPE1(encoding=3, text=tags.author),
        id3.TPE2(encoding=3, text=tags.author),
        id3.TCOM(encoding=3, text=tags.narrator),
        id3.TDRC(encoding=3, text=tags.year),
        id3.TCON(encoding=3, text=tags.genre or "Audiobook"),
        id3.COMM(encoding=3, lang="eng", desc="", text=tags.description),
    ]
    for frame in texts:
        if str(frame):
            frames.add(frame)
    if track is not None:
        frames.add(id3.TRCK(encoding=3, text=f"{track[0]}/{track[1]}"))
    if cover is not None:
        mime = "image/jpeg" if cover.kind == "jpeg" else "image/png"
        frames.add(id3.APIC(encoding=3, mime=mime, type=3, desc="Cover", data=cover.data))
    frames.save(str(path), v2_version=3)


def write_tags(
    path: Path,
    fmt: str,
    tags: BookTags,
    cover: Cover | None,
    *,
    track: tuple[int, int] | None = None,
    album: str | None = None,
) -> None:
    """Title, album (the title unless given), author (artist and album artist), narrator (composer),
    year, genre, description and cover; `track` is (number, count) for a file per chapter.
    Raises ExportError if it cannot."""
    try:
        write = _mp4_tags if fmt == "m4b" else _mp3_tags
        write(path, tags, cover, track, tags.title if album is None else album)
    except (mutagen.MutagenError, OSError) as error:
        raise ExportError(f"Cannot write the tags of {path}: {error}") from error
