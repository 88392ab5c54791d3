"""Helpers shared by the tests."""

from __future__ import annotations

from collections.abc import Callable

from narrator_app.app.controller import Controller

MakeController = Callable[..., Controller]


def wait_for_tasks(qtbot, controller: Controller, task_ids: list[str], timeout: int = 120_000) -> None:  # type: ignore[no-untyped-def]
    """Wait (on the event loop, no sleeping) until every task has ended."""
    qtbot.waitUntil(
        lambda: all(not controller.generation.task(t).status.is_active for t in task_ids), timeout=timeout
    )
