"""The baseline: what a user of kokoro-onnx would write without Narrator. One `Kokoro` with its
default session, `create()` per text, each written to a WAV. Run in a fresh process by run.py:

    python bench/plain.py MODEL VOICES VOICE OUT_DIR TEXT_FILE

TEXT_FILE holds one text per line. Prints one JSON object (load and synthesis times, providers).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> int:
    model, voices, voice, out_dir, text_file = sys.argv[1:6]
    started = time.perf_counter()
    import soundfile as sf
    from kokoro_onnx import Kokoro

    kokoro = Kokoro(model, voices)
    loaded = time.perf_counter()
    audio = 0.0
    texts = Path(text_file).read_text(encoding="utf-8").splitlines()
    for n, text in enumerate(texts):
        samples, rate = kokoro.create(text, voice=voice, speed=1.0, lang="en-us")
        sf.write(Path(out_dir) / f"{n}.wav", samples, rate)
        audio += len(samples) / rate
    done = time.perf_counter()
    result = {
        "import_and_load_s": round(loaded - started, 3),
        "synthesis_s": round(done - loaded, 3),
        "audio_s": round(audio, 2),
        "providers": kokoro.sess.get_providers(),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
