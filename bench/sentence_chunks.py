"""What grouping short sentences into one inference buys: the same text rendered as the chunk
planner groups it (engine/chunks.py, ~200 characters a chunk) and one sentence an inference.

    python bench/sentence_chunks.py MODEL VOICES [VOICE] [ROUNDS] [short|prose]

"short": 20 short sentences (17 characters on average, dialogue-like); "prose": the first three
paragraphs of bench/texts.py (sentences of 60-130 characters).

Prints one JSON object: wall time of each way (best of ROUNDS, alternating), their ratio, the
audio's length and each way's loudness spread between sentences (RMS in dB of each sentence's
audio, max - min), with one onnxruntime thread (the machine is shared).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

SHORT = [
    "The door opened.",
    "She looked up.",
    "Nobody spoke.",
    "Rain hit the glass.",
    "He took off his coat.",
    "It was late.",
    "The clock ticked.",
    "A dog barked outside.",
    "She put down her pen.",
    "He sat by the fire.",
    "The tea was cold.",
    "Neither of them moved.",
    "Then the lamp went out.",
    "Someone laughed.",
    "It was only the wind.",
    "She lit a candle.",
    "The room grew warm.",
    "He began to talk.",
    "She listened.",
    "Morning came at last.",
]


def main() -> int:
    model_path, voices_path = sys.argv[1:3]
    voice = sys.argv[3] if len(sys.argv) > 3 else "jf_alpha"
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    kind = sys.argv[5] if len(sys.argv) > 5 else "short"
    import onnxruntime as ort
    from kokoro_onnx import Kokoro

    from narrator_app.engine.chunks import split_into_chunks
    from narrator_app.engine.timings import split_sentences

    sys.path.insert(0, str(Path(__file__).parent))
    from texts import PARAGRAPHS

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.enable_mem_pattern = False
    session = ort.InferenceSession(model_path, sess_options=options, providers=["CPUExecutionProvider"])
    kokoro = Kokoro.from_session(session, voices_path)
    text = " ".join(SHORT) if kind == "short" else "\n".join(PARAGRAPHS[:3])
    sentences = split_sentences(text)
    ways = {"grouped": split_into_chunks(text), "per_sentence": sentences}
    kokoro.create("Warm up.", voice=voice, lang="en-us")
    best: dict[str, float] = {}
    audio: dict[str, float] = {}
    for _ in range(rounds):
        for name, chunks in ways.items():
            started = time.perf_counter()
            total = 0
            for chunk in chunks:
                samples, rate = kokoro.create(chunk, voice=voice, lang="en-us")
                total += len(samples)
            took = time.perf_counter() - started
            best[name] = min(best.get(name, took), took)
            audio[name] = total / 24_000
    # Loudness of each sentence rendered alone (the per-sentence way): its spread in dB.
    levels = []
    for sentence in sentences:
        samples, _ = kokoro.create(sentence, voice=voice, lang="en-us")
        levels.append(20 * np.log10(float(np.sqrt(np.mean(samples**2))) + 1e-9))
    result = {
        "text": kind,
        "sentences": len(sentences),
        "chunks_grouped": len(ways["grouped"]),
        "grouped_s": round(best["grouped"], 2),
        "per_sentence_s": round(best["per_sentence"], 2),
        "ratio": round(best["per_sentence"] / best["grouped"], 2),
        "audio_grouped_s": round(audio["grouped"], 2),
        "audio_per_sentence_s": round(audio["per_sentence"], 2),
        "per_sentence_rms_db_spread": round(max(levels) - min(levels), 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
