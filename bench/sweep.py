"""Tuning: the app's engine path (engine.synthesis.generate_audio, WAVs written) on the benchmark's
texts under different onnxruntime settings, each configuration in a fresh process. What
engine/loader.py chooses comes from these figures (docs/performance.md says which and why).

    .venv/bin/python bench/sweep.py [--model-dir DIR] [--texts 8] [--rounds 1] [--only SUBSTRING]
    .venv/bin/python bench/sweep.py --segments 60 --only arena     # the memory of two jobs at once

Prints one JSON object: per configuration the wall time of the texts (model load excluded), the
real-time factor, and resident memory after the first, the 10th and the last text, and after every
10th. `--segments N` renders N of the in-window benchmark's short segments (1-3 sentences) instead
of the paragraphs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent

DEFAULTS: dict[str, Any] = {
    "jobs": 1,  # texts rendered at once, on one shared session
    "threads": 2,  # onnxruntime intra-op threads (0: onnxruntime's own choice)
    "mem_pattern": True,
    "level": "all",  # graph optimisation level
    "spinning": True,
    "chunk": 200,  # characters per chunk (engine/chunks.py)
    # The CPU arena: "session" (each session's own, onnxruntime's default and the app's), or one for
    # the process: "shared-64mb" (power-of-two steps of at most 64 MB), "shared-exact".
    "arena": "session",
    "shrink": False,  # give the arena's free memory back to the system after every inference
}
APP_BATCH: dict[str, Any] = {"jobs": 2, "threads": 1, "mem_pattern": False}
CONFIGS: list[dict[str, Any]] = [
    {"name": "onnxruntime default threads, 1 job", "threads": 0},
    {"name": "1 job x 2 threads"},
    {"name": "1 job x 1 thread", "threads": 1},
    {"name": "2 jobs x 1 thread", "jobs": 2, "threads": 1},
    {"name": "2 jobs sharing a 2-thread session", "jobs": 2},
    {"name": "2 jobs sharing a 2-thread session, no spinning", "jobs": 2, "spinning": False},
    {"name": "1 x 2, no spinning", "spinning": False},
    {"name": "1 x 2, mem pattern off", "mem_pattern": False},
    {"name": "1 x 2, graph level extended", "level": "extended"},
    {"name": "1 x 2, chunks of 400 characters", "chunk": 400},
    # A batch in the app: two jobs, one thread each, memory pattern off; then other CPU arenas.
    {"name": "app: 2 x 1, mem pattern off, session arena", **APP_BATCH},
    *(
        {"name": f"app: 2 x 1, mem pattern off, {arena} arena", **APP_BATCH, "arena": arena}
        for arena in ("shared-64mb", "shared-exact")
    ),
    {
        "name": "app: 2 x 1, mem pattern off, session arena, shrunk after each inference",
        **APP_BATCH,
        "shrink": True,
    },
]


class ShrinkingSession:
    """An InferenceSession whose every run ends by giving the arena's free memory back."""

    def __init__(self, session: Any) -> None:
        import onnxruntime as ort

        self._session = session
        self._options = ort.RunOptions()
        self._options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, outputs: Any, inputs: Any, run_options: Any = None) -> Any:
        return self._session.run(outputs, inputs, self._options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:"))


def child(config: dict[str, Any], model_dir: Path, count: int, segments: bool) -> dict[str, Any]:
    import onnxruntime as ort
    import texts
    from kokoro_onnx import Kokoro

    from narrator_app.engine import chunks, synthesis
    from narrator_app.engine.voices import default_voice, list_voices

    c = {**DEFAULTS, **config}
    model = next(p for p in model_dir.iterdir() if p.suffix == ".onnx")
    voices = next(p for p in model_dir.iterdir() if p.suffix in (".bin", ".npz"))
    options = ort.SessionOptions()
    options.intra_op_num_threads = c["threads"]
    options.enable_mem_pattern = c["mem_pattern"]
    options.graph_optimization_level = {
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    }[c["level"]]
    if not c["spinning"]:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if c["arena"] != "session":  # one arena for the process, that the session uses
        steps = {
            "shared-64mb": {"arena_extend_strategy": 0, "max_power_of_two_extend_bytes": 64 << 20},
            "shared-exact": {"arena_extend_strategy": 1},  # grows by exactly what is asked
        }[c["arena"]]
        memory = ort.OrtMemoryInfo("Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT)
        ort.create_and_register_allocator(memory, ort.OrtArenaCfg(steps))
        options.add_session_config_entry("session.use_env_allocators", "1")
    session = ort.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
    kokoro = Kokoro.from_session(session, str(voices))
    if c["shrink"]:
        kokoro.sess = ShrinkingSession(session)
    voice = default_voice(list_voices(voices))
    original = chunks.split_into_chunks
    synthesis.split_into_chunks = lambda text: original(text, c["chunk"])  # type: ignore[assignment]
    if segments:
        inputs = [texts.segment_text(n) for n in range(count)]
    else:
        inputs = (texts.PARAGRAPHS * 10)[:count]
    rss: list[float] = []
    audio: list[float] = []
    lock = threading.Lock()
    with tempfile.TemporaryDirectory() as out:

        def render(n: int) -> None:
            wav = Path(out) / f"{n}.wav"
            result = synthesis.generate_audio(inputs[n], voice, 1.0, "en-us", wav, model=kokoro)
            assert result.success, result.error
            with lock:
                audio.append(result.duration or 0.0)
                rss.append(rss_mb())

        started = time.perf_counter()
        with ThreadPoolExecutor(c["jobs"]) as pool:
            list(pool.map(render, range(len(inputs))))
        wall = time.perf_counter() - started
    return {
        "config": c["name"],
        "texts": len(inputs),
        "wall_s": round(wall, 2),
        "audio_s": round(sum(audio), 1),
        "rtf": round(wall / sum(audio), 3),
        "rss_first_mb": round(rss[0], 1),
        "rss_10th_mb": round(rss[min(9, len(rss) - 1)], 1),
        "rss_last_mb": round(rss[-1], 1),
        "rss_every_10th_mb": [round(r) for r in rss[9::10]],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", default=os.environ.get("NARRATOR_APP_MODEL_DIR"))
    parser.add_argument("--texts", type=int, default=8, help="paragraphs per configuration (default 8)")
    parser.add_argument("--segments", type=int, help="render this many short segments instead")
    parser.add_argument("--rounds", type=int, default=1, help="times each configuration runs (default 1)")
    parser.add_argument("--only", help="the configurations whose name contains this")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.model_dir:
        raise SystemExit("--model-dir (or NARRATOR_APP_MODEL_DIR): a folder with the model and voices")
    count = args.segments or args.texts
    if args.child:
        print(json.dumps(child(json.loads(args.child), Path(args.model_dir), count, bool(args.segments))))
        return 0
    configs = [c for c in CONFIGS if not args.only or args.only in c["name"]]
    if not configs:
        parser.error(f"--only {args.only!r}: no configuration has that in its name")
    results: list[dict[str, Any]] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")])}
    size = ["--segments", str(args.segments)] if args.segments else ["--texts", str(args.texts)]
    for round_ in range(args.rounds):
        for config in configs if round_ % 2 == 0 else list(reversed(configs)):
            print(f"[sweep] {config['name']}", file=sys.stderr, flush=True)
            command = [sys.executable, __file__, "--model-dir", args.model_dir, *size]
            proc = subprocess.run(
                [*command, "--child", json.dumps(config)],
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
