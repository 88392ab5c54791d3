"""How long the "Generate audio" action keeps the UI thread, with the real model.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/measure_generate_action.py [N]

Builds the window on a temporary data dir (bundled model, or NARRATOR_APP_MODEL_DIR), adds N segments,
selects each and triggers the action, timing each trigger() call on the UI thread; then waits (event loop,
no sleeping) for all jobs and reports the per-job wall time too. Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from narrator_app.paths import resolve_model_dir
from narrator_app.ui import build_main_window


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as data_dir:
        window = build_main_window(Path(data_dir), resolve_model_dir())
        window.show()
        controller = window.controller
        controller.generation.wait()  # a first start assembles the bundled model: not what we measure
        ids = [
            controller.segments.add(f"Sentence number {n}, read aloud for the measurement.").id
            for n in range(count)
        ]
        trigger_ms: list[float] = []
        started = time.perf_counter()
        for segment_id in ids:
            window.select_segment(segment_id)
            t0 = time.perf_counter()
            window.commands.generate.trigger()
            trigger_ms.append((time.perf_counter() - t0) * 1000)
        loop = QEventLoop()

        def check(*_: object) -> None:
            if not controller.tasks.active():
                loop.quit()

        controller.task_changed.connect(check)
        QTimer.singleShot(0, check)
        loop.exec()
        total = time.perf_counter() - started
        statuses = [controller.tasks.get(t.task_id).status.value for t in controller.tasks.all()]  # type: ignore[union-attr]
        print(
            json.dumps(
                {
                    "segments": count,
                    "trigger_ms_median": round(statistics.median(trigger_ms), 2),
                    "trigger_ms_max": round(max(trigger_ms), 2),
                    "all_jobs_s": round(total, 2),
                    "statuses": sorted(set(statuses)),
                    "model_loaded_on_ui_thread": controller.loader.loaded_in_thread == threading.get_ident(),
                }
            )
        )
        window.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
