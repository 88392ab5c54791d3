"""Run `narrator-app` in this process and kill -9 it at a chosen point of a write.

The kill is real (SIGKILL to this process, from inside, so it lands exactly between two steps); the
test then checks what the next start finds. NARRATOR_TEST_KILL_AT = "<point>:<n>" kills at the n-th time
the point is reached:

  wav-written     a segment's WAV is complete in its temporary file, not yet moved into place
  old-moved-aside the earlier WAV was renamed to .previous, the new one is not yet in place
  new-in-place    the new WAV is in place, the database does not record it yet
  recorded        the database records the new WAV, the earlier one is not yet removed
  export-writing  the export has written n segments into its temporary file
  export-renamed  the exported audio is in place, its subtitles are not yet
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import soundfile

from narrator_app.cli import main
from narrator_app.engine import audio_files
from narrator_app.store.repository import Repository
from narrator_app.store.takes import TakeStore

point, _, count = os.environ.get("NARRATOR_TEST_KILL_AT", "none:0").partition(":")
remaining = int(count)


def reached(name: str) -> None:
    global remaining
    if name == point:
        remaining -= 1
        if remaining == 0:
            os.kill(os.getpid(), signal.SIGKILL)


real_finish = audio_files.TempWav.finish


def finish(self: audio_files.TempWav) -> Any:
    result = real_finish(self)
    reached("wav-written")
    return result


audio_files.TempWav.finish = finish  # type: ignore[method-assign]

real_replace = os.replace


def replace(src: Any, dst: Any) -> None:
    real_replace(src, dst)
    source, target = Path(src).name, Path(dst).name
    if target.endswith(".previous"):
        reached("old-moved-aside")
    elif source.endswith(".part") and target.startswith("segment_"):
        reached("new-in-place")
    elif source.endswith(".part"):
        reached("export-renamed")


os.replace = replace  # type: ignore[assignment]

real_set_audio = Repository.set_audio


def set_audio(self: Repository, *args: Any, **kwargs: Any) -> bool:
    recorded = real_set_audio(self, *args, **kwargs)
    reached("recorded")
    return recorded


Repository.set_audio = set_audio  # type: ignore[method-assign]

real_add_take = TakeStore.add


def add_take(self: TakeStore, *args: Any, **kwargs: Any) -> Any:
    added = real_add_take(self, *args, **kwargs)
    reached("recorded")  # a render is recorded as a new take
    return added


TakeStore.add = add_take  # type: ignore[method-assign]

real_sf_write = soundfile.SoundFile.write


def sf_write(self: soundfile.SoundFile, data: Any) -> None:
    real_sf_write(self, data)
    if len(data) > 1000:  # a segment's audio, not the pause between two
        reached("export-writing")


soundfile.SoundFile.write = sf_write  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())
