"""The window under load, in one process with the real model (run by run.py, or on its own):

- event-loop stalls during a generate-all (a 10 ms QTimer's lateness: max, p99, median), over the
  first `stall_jobs` jobs;
- resident memory after every job (RSS growth from job 10 to job 60: a leak check), the peak RSS,
  the models loaded (with their intra-op threads: every core for a job alone, one core each for
  the jobs of a batch) and the most onnxruntime sessions alive after any job;
- Play on a 200-word segment without audio: time to the first audible sample (handed to the audio
  output) vs the time to render it whole;
- queueing 2,000 segments (the Generate all action, on the UI thread) and scrolling that table.

    QT_QPA_PLATFORM=offscreen python bench/gui.py MODEL_DIR [--segments 60] [--stall-jobs 50] [--smoke]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import texts
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from narrator_app.core.tasks import TaskStatus
from narrator_app.engine.loader import load_kokoro
from narrator_app.engine.model_files import ModelFiles
from narrator_app.ui import build_main_window
from narrator_app.ui.live_preview import default_sink

TICK_MS = 10
ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    """Resident memory now (Linux: /proc; elsewhere the peak, the best there is)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / (1024 if sys.platform == "darwin" else 1)


def wait_until(condition: Callable[[], bool], timeout_s: float = 3600) -> bool:
    """Run the event loop until `condition` holds (checked every 20 ms) or the time is up."""
    if condition():
        return True
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start(20)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    poll.stop()
    return condition()


class StallMeter:
    """How late a 10 ms timer fires: the event loop's stalls, in milliseconds."""

    def __init__(self) -> None:
        self.stalls: list[float] = []
        self._clock = QElapsedTimer()
        self._ticker = QTimer()
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(lambda: self.stalls.append(max(0.0, self._clock.restart() - TICK_MS)))

    def start(self) -> None:
        self._clock.start()
        self._ticker.start()

    def stop(self) -> None:
        self._ticker.stop()

    def summary(self) -> dict[str, float | int]:
        stalls = sorted(self.stalls) or [0.0]
        return {
            "stall_max_ms": round(stalls[-1], 1),
            "stall_p99_ms": round(stalls[max(0, int(len(stalls) * 0.99) - 1)], 1),
            "stall_median_ms": round(statistics.median(stalls), 1),
            "ticks": len(self.stalls),
        }


def count_sessions() -> int:
    """onnxruntime sessions alive in this process (one model in memory, however many jobs)."""
    import onnxruntime as ort

    gc.collect()
    return sum(isinstance(o, ort.InferenceSession) for o in gc.get_objects())


def measure(
    model_dir: Path,
    segment_texts: list[str],
    stall_jobs: int,
    preview_text: str,
    queued: int,
    growth_from: int = 10,
) -> dict[str, object]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    result: dict[str, object] = {}
    loads: list[dict[str, float | int]] = []
    sessions: list[weakref.ref[object]] = []  # every session loaded; alive while referenced

    def counting_factory(files: ModelFiles, threads: int):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        model = load_kokoro(files, threads)
        loads.append({"threads": threads, "s": round(time.perf_counter() - started, 3)})
        sessions.append(weakref.ref(model.sess))
        return model

    def alive() -> int:  # cheap enough for the UI thread after every job (no gc pass)
        return sum(ref() is not None for ref in sessions)

    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir), model_dir, model_factory=counting_factory)
        window.show()
        c = window.controller
        wait_until(lambda: c.loader.is_loaded, 600)  # loaded in advance at start-up, in the background
        c.generation.wait()
        result["model_load_in_app_s"] = loads[0]["s"] if loads else None
        result["rss_model_loaded_mb"] = round(rss_mb(), 1)
        c.segments.import_texts(segment_texts)

        # -- generate-all: stalls over the first `stall_jobs` jobs, RSS after each job ---------
        rss_after_job: list[float] = []
        alive_after_job: list[int] = []
        ended: set[str] = set()
        batch_threads: set[int] = set()  # the loaded model's threads after each job
        meter = StallMeter()

        def on_task(task_id: str, _segment_id: int) -> None:
            info = c.generation.task(task_id)
            if info is not None and not info.status.is_active:
                ended.add(task_id)
            if info is not None and info.status is TaskStatus.COMPLETED:
                rss_after_job.append(rss_mb())
                alive_after_job.append(alive())
                if c.loader.loaded_threads is not None:  # None: being loaded again, the batch over
                    batch_threads.add(c.loader.loaded_threads)
                if len(rss_after_job) == stall_jobs:
                    meter.stop()

        c.task_changed.connect(on_task)
        meter.start()
        started = time.perf_counter()
        window.commands.generate_all.trigger()
        # The batch has ended once the window has seen every task end (their signals are queued).
        wait_until(
            lambda: c.generation.batch is not None and ended >= set(c.generation.batch.summary.task_ids)
        )
        elapsed = time.perf_counter() - started
        meter.stop()
        c.task_changed.disconnect(on_task)
        # A moment after the batch the window loads the model again for a job alone (the samples
        # above were all taken before): wait for it, as a user's next Play finds it.
        wait_until(lambda: c.loader.loaded_threads == c.loader.threads_for(1), 60)
        c.generation.wait()
        rss_reloaded = rss_mb()  # the batch's session and its arena are gone by now
        state = c.generation.batch_state()
        audio = sum(s.audio_duration or 0.0 for s in c.segments.all())
        result["generate_all"] = {
            "segments": len(segment_texts),
            "completed": state.completed if state else 0,
            "wall_s": round(elapsed, 2),
            "audio_s": round(audio, 1),
            "rtf": round(elapsed / audio, 3) if audio else None,
            "stall_over_jobs": min(stall_jobs, len(rss_after_job)),
            **meter.summary(),
        }
        first, last = min(growth_from, len(rss_after_job)), len(rss_after_job)
        result["memory"] = {
            "rss_after_job_mb": [round(r, 1) for r in rss_after_job],
            f"rss_growth_job{first}_to_job{last}_mb": (
                round(rss_after_job[last - 1] - rss_after_job[first - 1], 1) if rss_after_job else None
            ),
            "models_loaded": len(loads),
            "loads": list(loads),
            "batch_threads": sorted(batch_threads),
            "sessions_alive_max_after_job": max(alive_after_job, default=0),
            "sessions_alive": count_sessions(),
            "rss_after_batch_reloaded_mb": round(rss_reloaded, 1),
        }

        # -- Play while generating ----------------------------------------------------------
        result["preview"] = preview(window, preview_text)

        # -- queueing and scrolling a big project -------------------------------------------
        c.repository.add_segments(
            c.project.id, [f"Queued segment {n}. It is never rendered." for n in range(queued)]
        )
        window.model.reload()
        t0 = time.perf_counter()
        window.commands.generate_all.trigger()
        result[f"queue_{queued}_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        t0 = time.perf_counter()
        window.table.scrollToBottom()
        app.processEvents()
        window.table.scrollToTop()
        app.processEvents()
        result[f"scroll_{queued}_rows_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        c.generation.cancel_all()
        result["peak_rss_mb"] = round(peak_rss_mb(), 1)
        window.close()
    return result


def preview(window, text: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Play on a segment without audio: when do the first samples reach the audio output, and
    when is the segment rendered whole? Headless there is no audio device: a stand-in output
    (tests/fakes.py ClockSink) takes the samples at the device's pace instead."""
    c = window.controller
    sink = default_sink(24_000)
    output = "audio device"
    if isinstance(sink, str):
        sys.path.insert(0, str(ROOT / "tests"))
        from fakes import ClockSink

        output = f"stand-in clock output ({sink})"
        window.live_preview.sink_factory = lambda rate: ClockSink(rate)
    else:
        sink.deleteLater()
    segment = c.segments.add(text)
    times: dict[str, float] = {}
    window.live_preview.sound_started.connect(lambda _id: times.setdefault("sound", time.perf_counter()))

    def on_task(task_id: str, segment_id: int) -> None:
        info = c.generation.task(task_id)
        if segment_id == segment.id and info is not None and not info.status.is_active:
            times.setdefault("rendered", time.perf_counter())

    c.task_changed.connect(on_task)
    window.select_segment(segment.id)
    started = time.perf_counter()
    window.commands.play.trigger()
    wait_until(lambda: "rendered" in times, 1800)
    c.task_changed.disconnect(on_task)
    window.live_preview.stop()
    record = c.segments.get(segment.id)
    return {
        "words": len(text.split()),
        "output": output,
        "first_audio_s": round(times["sound"] - started, 3) if "sound" in times else None,
        "rendered_whole_s": round(times["rendered"] - started, 3) if "rendered" in times else None,
        "audio_s": round(record.audio_duration, 1) if record and record.audio_duration else None,
        "recorded": bool(record and record.audio_file),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--segments", type=int, default=60, help="jobs in the generate-all (default 60)")
    parser.add_argument("--stall-jobs", type=int, default=50, help="stalls are measured over these jobs")
    parser.add_argument("--smoke", action="store_true", help="tiny inputs: checks that it runs")
    args = parser.parse_args()
    if args.smoke:
        result = measure(args.model_dir, texts.SMOKE_PARAGRAPHS * 2, 4, texts.SMOKE_PREVIEW, 50, 1)
    else:
        segment_texts = [texts.segment_text(n) for n in range(args.segments)]
        result = measure(args.model_dir, segment_texts, args.stall_jobs, texts.PREVIEW_200_WORDS, 2000)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
