"""bench/run.py: the smoke mode runs end to end and prints well-formed JSON. Not a timed test: the
figures are not checked (CI machines vary); docs/performance.md holds the measured ones."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("narrator_bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gpu_plan_follows_onnxruntime_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = load_bench(monkeypatch)
    cpu = bench.gpu_plan(["AzureExecutionProvider", "CPUExecutionProvider"])
    assert not cpu["cuda_available"] and cpu["extra_runs"] == []
    cuda = bench.gpu_plan(["CUDAExecutionProvider", "CPUExecutionProvider"])
    assert cuda["cuda_available"] and "CPUExecutionProvider" in cuda["extra_runs"][0]


def test_the_smoke_benchmark_prints_well_formed_json(real_model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--smoke",
            "--model-dir",
            str(real_model_dir),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=280,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert json.loads(out.read_text()) == result
    assert result["mode"] == "smoke"
    loops = result["plain_vs_app"]
    assert loops["texts"] == 2 and len(loops["plain_wall_s"]) == len(loops["app_wall_s"]) == 1
    assert isinstance(loops["ratio_app_to_plain_median"], float)
    assert isinstance(result["model_load"]["load_s_median"], float)
    assert isinstance(result["cold_start"]["window_shown_s_median"], float)
    gui = result["gui"]
    assert gui["generate_all"]["completed"] == gui["generate_all"]["segments"] == 4
    memory = gui["memory"]
    assert memory["sessions_alive_max_after_job"] == 1 and memory["sessions_alive"] == 1
    assert memory["rss_after_batch_reloaded_mb"] > 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    # Loaded at start-up with every core (a job alone); for the batch of 4 segments with the cores
    # shared by the two jobs at once; and with every core again once the batch had ended.
    batch = max(1, cores // min(cores, 2))
    assert memory["batch_threads"] == [batch]
    threads = [load["threads"] for load in memory["loads"]]
    assert threads[:3] == [cores, batch, cores] if batch != cores else threads[0] == cores
    assert gui["preview"]["recorded"] and gui["preview"]["first_audio_s"] is not None
    assert gui["preview"]["first_audio_s"] <= gui["preview"]["rendered_whole_s"]
    assert result["gpu"]["cuda_available"] in (True, False)
    assert set(result["targets"]["met"]) >= {"app_vs_plain_ratio_at_most_0.97", "stall_max_at_most_50_ms"}
