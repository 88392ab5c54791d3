"""What the command line checks before it trusts its input and its output.

Paths the user typed (empty, `~nouser`, symlink loops), arguments that are not valid UTF-8, text
that would drive the terminal (escape sequences, bidi overrides) and output that cannot be written
(a closed pipe, a full device): each ends in one clear line, never a traceback.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from narrator_app.cli.common import EXIT_USAGE, UsageError


def check_arguments_decode(argv: Sequence[str]) -> None:
    """Raise UsageError naming the first argument that is not valid UTF-8 (Python keeps the bad
    bytes as lone surrogates, which no file, database or terminal can take)."""
    for index, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise UsageError(
                f"argument {index} ('{shown}') is not valid UTF-8 text; give it in UTF-8"
            ) from None


def user_path(text: str, option: str) -> Path:
    """A path the user typed, made absolute with symlinks resolved; UsageError if it cannot be."""
    if not text.strip():
        raise UsageError(f"{option} is empty; give a folder or file name")
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # ~nouser: no such user's home
        raise UsageError(f"{option} {text!r}: the home folder in it cannot be found") from None
    try:
        return path.resolve()
    except (RuntimeError, OSError) as error:  # a symlink loop (RuntimeError before Python 3.13)
        detail = getattr(error, "strerror", None) or "it leads round a loop of symbolic links"
        raise UsageError(f"{option} {text!r} cannot be used: {detail}") from None


_OUTPUT_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG)


def is_output_error(error: BaseException) -> bool:
    """An error writing standard output (a closed pipe, a full device): it names no file, unlike
    the errors of the files Narrator itself writes."""
    if isinstance(error, BrokenPipeError):
        return True
    return isinstance(error, OSError) and error.errno in _OUTPUT_ERRNOS and error.filename is None


def run_with_output_guard(main: Callable[[], int]) -> int:
    """Run `main`; a closed pipe (`| head -0`) ends quietly, a full or failing output device with
    one message on stderr and exit 2. Standard output is flushed here, where its errors are caught."""
    try:
        code = main()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as error:
        if not is_output_error(error):
            raise
        _silence_stdout()
        try:
            print(f"error: cannot write the output: {error.strerror or error}", file=sys.stderr)
        except OSError:
            pass
        return EXIT_USAGE


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's flush at exit does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
