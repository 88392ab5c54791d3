"""Is the window responsive while Generate all runs? Measures, with the real model, in one run:

- the event loop's stalls during a generate-all of N segments (default 50): a 10 ms QTimer's
  lateness, max and 99th percentile;
- how long queueing 2,000 segments keeps the UI thread (the Generate all action), and how long
  scrolling the 2,000-row table to the bottom and back takes while they are queued.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/measure_responsiveness.py [N]

Prints one JSON object. The model is the bundled one, or NARRATOR_APP_MODEL_DIR.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from narrator_app.paths import resolve_model_dir
from narrator_app.ui import build_main_window

SENTENCES = [
    "The lighthouse stood at the end of the long stone pier.",
    "Every evening the keeper climbed the stairs and lit the lamp, whatever the weather.",
    "Ships passing in the night looked for its beam and knew where the rocks were.",
    "Nobody remembered a night when the light had failed.",
]
TICK_MS = 10


def wait_until(condition, timeout_s: float = 3600) -> None:  # type: ignore[no-untyped-def]
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start(50)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    poll.stop()


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    app = QApplication(sys.argv[:1])
    result: dict[str, object] = {"segments": count}
    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir), resolve_model_dir())
        window.show()
        c = window.controller
        c.wait_for_jobs()  # a first start assembles the bundled model
        for n in range(count):
            c.add_segment(" ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(1 + n % 3)))

        stalls: list[float] = []
        clock = QElapsedTimer()
        ticker = QTimer()
        ticker.setInterval(TICK_MS)

        def tick() -> None:
            stalls.append(max(0.0, clock.restart() - TICK_MS))

        ticker.timeout.connect(tick)
        clock.start()
        ticker.start()
        started = time.perf_counter()
        window.commands.generate_all.trigger()
        wait_until(lambda: c.batch_state() is not None and c.batch_state().finished)  # type: ignore[union-attr]
        ticker.stop()
        state = c.batch_state()
        audio = sum(s.audio_duration or 0.0 for s in c.segments())
        stalls.sort()
        result.update(
            {
                "generate_all_s": round(time.perf_counter() - started, 2),
                "completed": state.completed if state else 0,
                "audio_s": round(audio, 1),
                "stall_max_ms": round(stalls[-1], 1),
                "stall_p99_ms": round(stalls[int(len(stalls) * 0.99) - 1], 1),
                "stall_median_ms": round(statistics.median(stalls), 1),
                "ticks": len(stalls),
            }
        )

        for n in range(2000):
            c.repository.add_segment(c.project.id, f"Queued segment {n}. It is never rendered.")
        window.model.reload()
        t0 = time.perf_counter()
        window.commands.generate_all.trigger()
        result["queue_2000_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        result["queued"] = c.batch.summary.queued if c.batch else 0
        t0 = time.perf_counter()
        window.table.scrollToBottom()
        app.processEvents()
        window.table.scrollToTop()
        app.processEvents()
        result["scroll_2000_rows_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        c.cancel_all()
        window.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
