"""Guards against a Qt binding that corrupts the interpreter.

PySide6 6.12.0 on Python 3.11 drops a reference to `True` on every `Signal.emit()`; after a few
thousand emits (a long generate-all sends that many progress signals) `True` is freed and the
interpreter aborts with "bool_dealloc: deallocating True or False". pyproject excludes that release;
this test fails if the installed binding has the bug.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(str, int)


def test_emitting_signals_leaves_reference_counts_alone(qapp: object) -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.changed.connect(lambda _text, number: received.append(number))
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for number in range(500):
        emitter.changed.emit("x", number)
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert len(received) == 500
    assert after == before
