"""Tuning: the app's engine path (engine.synthesis.generate_audio, WAVs written) on the benchmark's
texts under different onnxruntime settings, each configuration in a fresh process. What
engine/loader.py chooses comes from these figures (docs/performance.md says which and why).

    .venv/bin/python bench/sweep.py [--model-dir DIR] [--texts 8] [--rounds 1]

Prints one JSON object: per configuration the wall time of the texts (model load excluded), the
real-time factor, and resident memory after the first and the last text.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent

# (name, jobs, intra-op threads, enable_mem_pattern, graph level, spinning, chunk target)
CONFIGS: list[tuple[str, int, int, bool, str, bool, int]] = [
    ("1 job x 2 threads", 1, 2, True, "all", True, 200),
    ("onnxruntime default threads, 1 job", 1, 0, True, "all", True, 200),
    ("2 jobs x 1 thread", 2, 1, True, "all", True, 200),
    ("2 jobs sharing a 2-thread session", 2, 2, True, "all", True, 200),
    ("2 jobs sharing a 2-thread session, no spinning", 2, 2, True, "all", False, 200),
    ("1 x 2, no spinning", 1, 2, True, "all", False, 200),
    ("1 x 2, mem pattern off", 1, 2, False, "all", True, 200),
    ("1 x 2, graph level extended", 1, 2, True, "extended", True, 200),
    ("1 x 2, chunks of 400 characters", 1, 2, True, "all", True, 400),
]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


def child(config: list[Any], model_dir: Path, count: int) -> dict[str, Any]:
    import onnxruntime as ort
    import texts
    from kokoro_onnx import Kokoro

    from narrator_app.engine import chunks, synthesis
    from narrator_app.engine.voices import default_voice, list_voices

    name, jobs, threads, mem_pattern, level, spinning, target = config
    model = next(p for p in model_dir.iterdir() if p.suffix == ".onnx")
    voices = next(p for p in model_dir.iterdir() if p.suffix in (".bin", ".npz"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.enable_mem_pattern = mem_pattern
    options.graph_optimization_level = {
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    }[level]
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    kokoro = Kokoro.from_session(session, str(voices))
    voice = default_voice(list_voices(voices))
    chunks.TARGET_CHARS = target
    original = chunks.split_into_chunks
    synthesis.split_into_chunks = lambda text: original(text, target)  # type: ignore[assignment]
    paragraphs = (texts.PARAGRAPHS * 10)[:count]
    rss: list[float] = []
    audio: list[float] = []
    with tempfile.TemporaryDirectory() as out:

        def render(n: int) -> None:
            result = synthesis.generate_audio(
                paragraphs[n], voice, 1.0, "en-us", Path(out) / f"{n}.wav", model=kokoro
            )
            assert result.success, result.error
            audio.append(result.duration or 0.0)
            rss.append(rss_mb())

        started = time.perf_counter()
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(render, range(len(paragraphs))))
        wall = time.perf_counter() - started
    return {
        "config": name,
        "wall_s": round(wall, 2),
        "audio_s": round(sum(audio), 1),
        "rtf": round(wall / sum(audio), 3),
        "rss_first_mb": round(rss[0], 1),
        "rss_last_mb": round(rss[-1], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", default=os.environ.get("NARRATOR_APP_MODEL_DIR"))
    parser.add_argument("--texts", type=int, default=8, help="paragraphs per configuration (default 8)")
    parser.add_argument("--rounds", type=int, default=1, help="times each configuration runs (default 1)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.model_dir:
        raise SystemExit("--model-dir (or NARRATOR_APP_MODEL_DIR): a folder with the model and voices")
    if args.child:
        print(json.dumps(child(json.loads(args.child), Path(args.model_dir), args.texts)))
        return 0
    results: list[dict[str, Any]] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")])}
    for round_ in range(args.rounds):
        for config in CONFIGS if round_ % 2 == 0 else list(reversed(CONFIGS)):
            print(f"[sweep] {config[0]}", file=sys.stderr, flush=True)
            proc = subprocess.run(
                [sys.executable, __file__, "--model-dir", args.model_dir, "--texts", str(args.texts)]
                + ["--child", json.dumps(config)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            results.append(json.loads(proc.stdout.splitlines()[-1]))
            print(f"[sweep] {json.dumps(results[-1])}", file=sys.stderr, flush=True)
    print(json.dumps({"load_average": os.getloadavg(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
