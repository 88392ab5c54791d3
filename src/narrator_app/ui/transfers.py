"""Text in and narration out: File → Import text…, dropped files, and File → Export narration…."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow

from narrator_app.app.exporting import ExportRequest
from narrator_app.core.rules import Refusal
from narrator_app.core.textimport import DEFAULT_LIMIT, ImportFileError, paragraphs_from_file
from narrator_app.ui.background import BackgroundTasks
from narrator_app.ui.book_import import BookImport
from narrator_app.ui.export_dialog import ExportDialog, ExportStatus, describe_export
from narrator_app.ui.import_dialog import ImportPreview
from narrator_app.ui.message_bar import Kind
from narrator_app.ui.window_parts import WindowParts
from narrator_app.ui.window_state import import_limit, save_import_limit


class Transfers(QObject):
    def __init__(self, window: WindowParts, widget: QMainWindow) -> None:
        """`widget`: the window itself, as the parent of the dialogs and the owner of the status bar."""
        super().__init__(widget)
        self._window = window
        self._widget = widget
        self._controller = controller = window.controller
        self.background = BackgroundTasks(self)
        self.books = BookImport(window, widget)  # books (EPUB, PDF, HTML, Markdown) come in as chapters
        # Shows what a file's paragraphs make and asks; returns the segments to add, or None.
        # Tests replace it.
        self.confirm_import: Callable[[Path, list[str]], list[str] | None] = self._preview_import
        self.export_status = ExportStatus(controller, widget)
        widget.statusBar().addPermanentWidget(self.export_status)
        actions = window.commands
        actions.import_.triggered.connect(self.open_import)
        actions.export.triggered.connect(self.open_export)
        self._pending_export: ExportRequest | None = None  # made once the missing audio is generated
        controller.batch_changed.connect(self._export_when_generated)
        controller.project_changed.connect(self._forget_pending_export)
        controller.exports.finished.connect(self._export_finished)
        controller.exports.failed.connect(self._export_failed)

    # -- import -----------------------------------------------------------------------------
    def open_import(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileNames(
            self._widget,
            "Import",
            str(Path.home()),
            "Books and text (*.epub *.pdf *.html *.htm *.xhtml *.md *.markdown *.txt);;All files (*)",
        )
        self.import_files([Path(name) for name in chosen])

    def import_files(self, paths: list[Path]) -> None:
        """A .txt file's paragraphs become segments at the end, after the user saw how many; any other
        file is read as a book, whose chapters the user picks (ui/book_import.py). Files are read and
        parsed on a worker thread (a large one takes seconds)."""
        self._window.segment_editor.save_now()
        for path in paths:
            if path.suffix.lower() != ".txt":
                self.books.start(path)
                continue
            self._widget.statusBar().showMessage(f"Reading {path.name}…")
            self.background.run(
                functools.partial(paragraphs_from_file, path),
                functools.partial(self._add_imported, path),
                self._import_failed,
            )

    def _preview_import(self, path: Path, paragraphs: list[str]) -> list[str] | None:
        data_dir = self._controller.data_dir
        existing = self._window.model.rowCount()
        dialog = ImportPreview(
            path, paragraphs, import_limit(data_dir, DEFAULT_LIMIT), existing, self._widget
        )
        if dialog.exec() != ImportPreview.DialogCode.Accepted:
            return None
        save_import_limit(data_dir, dialog.limit.value())
        return dialog.texts

    def _add_imported(self, path: Path, paragraphs: list[str]) -> None:
        window = self._window
        self._widget.statusBar().clearMessage()
        if not paragraphs:
            window.show_message(f"{path.name} has no text to import.", Kind.INFO)
            return
        texts = self.confirm_import(path, paragraphs)
        if not texts:
            return
        records = self._controller.segments.import_texts(texts, source=path.name)
        window.select_segment(records[0].id)
        self._widget.statusBar().showMessage(f"Added {len(records)} segments from {path.name}.", 8000)

    def _import_failed(self, error: BaseException) -> None:
        self._widget.statusBar().clearMessage()
        if not isinstance(error, ImportFileError):
            raise error  # unexpected: the error dialog shows it
        self._window.show_message(str(error), Kind.WARNING)

    # -- export -----------------------------------------------------------------------------
    def open_export(self) -> None:
        window = self._window
        window.segment_editor.save_now()
        dialog = ExportDialog(self._controller, self._widget)
        dialog.generate_missing.connect(self.generate_then_export)
        if dialog.exec() == ExportDialog.DialogCode.Accepted:
            self.start_export(dialog.request())

    def generate_then_export(self, request: ExportRequest) -> None:
        """Generate every segment whose audio is missing or outdated, then export."""
        self._pending_export = request
        result = self._controller.generation.generate_all()
        if isinstance(result, Refusal):
            self._pending_export = None
            self._window.show_refusal(result)
        elif self._pending_export is not None:
            self._widget.statusBar().showMessage(
                f"Generating {result.queued} segments; the export starts when they are ready.", 8000
            )

    def _forget_pending_export(self) -> None:
        self._pending_export = None  # another project: not what the user asked to export

    def _export_when_generated(self) -> None:
        state = self._controller.generation.batch_state()
        if self._pending_export is None or (state is not None and not state.finished):
            return
        request, self._pending_export = self._pending_export, None
        missing = [r for r in self._controller.exports.plan().missing if not r.is_locked]
        if missing:
            rows = ", ".join(str(r.position + 1) for r in missing[:12]) + ("…" if len(missing) > 12 else "")
            self._window.show_message(
                f"The export was not started: {len(missing)} segment(s) still have no current audio "
                f"(failed or cancelled): {rows}. Generate them, then export again.",
                Kind.WARNING,
            )
            return
        self.start_export(request)

    def start_export(self, request: ExportRequest) -> None:
        _plan, started = self._controller.exports.start(request, skip_missing=True)
        if started:
            self.export_status.started()
            self._window.commands.export.setEnabled(False)  # one export at a time
        else:
            self._window.show_message("An export is already running; wait for it or cancel it.", Kind.INFO)

    def _export_finished(self, result: object) -> None:
        self._window.commands.export.setEnabled(True)
        self._widget.statusBar().showMessage(describe_export(result), 15000)

    def _export_failed(self, message: str, cancelled: bool) -> None:
        self._window.commands.export.setEnabled(True)
        self._window.show_message(message, Kind.INFO if cancelled else Kind.ERROR)
