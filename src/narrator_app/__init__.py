"""Narrator: a desktop narration studio built on Kokoro-82M."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("narrator-app")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

APP_NAME = "Narrator"
APP_ID = "narrator-app"
