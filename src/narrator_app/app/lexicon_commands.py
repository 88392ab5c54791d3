"""The pronunciation lexicon's commands: `controller.lexicon` (list, add, remove, import and export
PLS, what a segment will speak) and their own small undo history.

Every change is one undoable step holding the scope's entries before and after it, so undo and redo
are one `replace_all` each (one transaction). This history is separate from the segments' (app/undo.py):
entries are not rows of a project, and a global entry belongs to no project. After every change the
cached generation settings are dropped and `settings_changed` is emitted: the audio status of exactly
the segments that use a changed entry turns Outdated (their fingerprint's lexicon part differs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from narrator_app.app.pronounce_preview import PronouncePreviews
from narrator_app.app.session import Session
from narrator_app.core.export_targets import ExportTargetError, check_export_targets
from narrator_app.core.lexicon import LexiconEntry, LexiconError, entries_used, merge, new_entry
from narrator_app.core.pls import PlsError, parse_pls, to_pls
from narrator_app.core.pronounce import spoken_preview
from narrator_app.core.rules import Refusal
from narrator_app.core.safe_read import FileRefused, read_regular_file
from narrator_app.core.script import without_tags
from narrator_app.engine.phonemes import Piece
from narrator_app.store import SettingsRecord
from narrator_app.store.records import LexiconRecord

__all__ = [
    "EntryUse",
    "LexiconCommands",
    "LexiconError",
    "PlsError",
    "Piece",
    "lexicon_in_force",
]

log = logging.getLogger(__name__)
MAX_STEPS = 100
MAX_PLS_BYTES = 16 * 1_048_576  # a lexicon of 100,000 entries is about 15 MB of PLS


def _entry(record: LexiconRecord) -> LexiconEntry | None:
    try:
        return LexiconEntry(
            record.word,
            record.say,
            record.ipa,
            record.case_sensitive,
            "global" if record.project_id is None else "project",
        )
    except LexiconError as error:  # stored by an older Narrator, or phonemes a new model lacks
        log.warning("Lexicon entry %r is not used: %s", record.word, error)
        return None


def _entries(records: Iterable[LexiconRecord]) -> list[LexiconEntry]:
    return [entry for entry in map(_entry, records) if entry is not None]


def lexicon_in_force(session: Session) -> tuple[LexiconEntry, ...]:
    """The open project's entries in force, as frozen records: its own win over the global ones."""
    global_records, project_records = session.repository.lexicon.of(session.project.id)
    return merge(_entries(global_records), _entries(project_records))


@dataclass(frozen=True)
class EntryUse:
    """An entry and how many segments of the open project it changes."""

    entry: LexiconEntry
    segments: int


@dataclass(frozen=True)
class _Step:
    label: str
    project_id: int | None  # the scope changed: None for the global entries
    before: tuple[LexiconEntry, ...]
    after: tuple[LexiconEntry, ...]


class LexiconCommands(QObject):
    """`controller.lexicon`; runs on the GUI thread, each store call a short transaction."""

    changed = Signal()  # entries added, changed, removed, imported, undone or redone

    def __init__(
        self,
        session: Session,
        on_changed: Callable[[], None],
        settings: Callable[[], SettingsRecord],
        parent: QObject | None = None,
    ) -> None:
        """`on_changed`: called before `changed` and `settings_changed` (drops cached settings);
        `settings`: the current settings (voice, speed, language), for previews."""
        super().__init__(parent)
        self._session = session
        self._settings = settings
        self._on_changed = on_changed
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self.previews = PronouncePreviews(session.loader, session.data_dir, session.workers, self)

    def preview(self, word: str, *, say: str | None = None, ipa: str | None = None) -> int:
        """Render `word` said so (LexiconError if unusable) in the current voice, in the background:
        `previews.ready(id, path)` or `previews.failed(id, message)` answers the id returned."""
        entry = new_entry(word, say=say, ipa=ipa)
        settings = self._settings()
        voice = settings.default_voice_id or ""
        return self.previews.request(entry, voice, settings.tts_speed, settings.language)

    # -- reading ----------------------------------------------------------------------------
    def in_force(self) -> tuple[LexiconEntry, ...]:
        return lexicon_in_force(self._session)

    def entries(self) -> list[EntryUse]:
        """Every global entry and the open project's, by word, with the segments each one changes."""
        global_records, project_records = self._session.repository.lexicon.of(self._session.project.id)
        entries = sorted(
            _entries(global_records) + _entries(project_records),
            key=lambda e: (e.word.casefold(), e.word, e.scope),
        )
        texts = [without_tags(record.text) for record in self._session.segments()]  # words, not tags
        return [EntryUse(e, sum(1 for t in texts if entries_used(t, (e,)))) for e in entries]

    def spoken(self, segment_id: int) -> tuple[Piece, ...] | Refusal:
        """What the model will be given for the segment: the lexicon applied, written forms spoken."""
        record = self._session.own(segment_id)
        if isinstance(record, Refusal):
            return record
        language = self._session.repository.get_settings().language
        return spoken_preview(record.text, self.in_force(), language)

    def spoken_of(self, text: str) -> tuple[Piece, ...]:
        """What the model will be given for `text` in the open project (the editor's spoken view)."""
        language = self._session.repository.get_settings().language
        return spoken_preview(text, self.in_force(), language)

    # -- changing ---------------------------------------------------------------------------
    def add(
        self,
        word: str,
        *,
        say: str | None = None,
        ipa: str | None = None,
        project: bool = False,
        case_sensitive: bool = False,
    ) -> LexiconEntry:
        """Add an entry, or replace the one for the same word (LexiconError if unusable); undoable."""
        scope = "project" if project else "global"
        entry = new_entry(word, say=say, ipa=ipa, case_sensitive=case_sensitive, scope=scope)
        project_id = self._scope_id(project)
        before = self._scope(project_id)
        self._session.repository.lexicon.add_or_replace(
            entry.word, say=entry.say, ipa=entry.ipa, case_sensitive=case_sensitive, project_id=project_id
        )
        self._record(f"Pronounce {entry.word!r}", project_id, before)
        return entry

    def remove(self, word: str, *, project: bool = False) -> list[LexiconEntry]:
        """Remove the scope's entries for `word`; LexiconError if there is none. Undoable."""
        project_id = self._scope_id(project)
        before = self._scope(project_id)
        gone = self._session.repository.lexicon.remove(" ".join(word.split()), project_id)
        if not gone:
            where = "this project's" if project else "the global"
            raise LexiconError(
                f"There is no entry for {word!r} in {where} lexicon; `lexicon list` shows them."
            )
        self._record(f"Remove {word!r}", project_id, before)
        return _entries(gone)

    def import_pls(self, path: Path, *, project: bool = False) -> int:
        """Add (or replace) the entries of a PLS file, all or none: PlsError with the reason, and
        nothing changed, if it is not valid PLS. Returns how many entries it had. Undoable."""
        try:  # a regular file only, read to at most the limit (a FIFO or /dev/zero: refused at once)
            data = read_regular_file(path, MAX_PLS_BYTES, "lexicons")
        except FileRefused as error:
            raise PlsError(str(error)) from error
        except OSError as error:
            raise PlsError(f"Cannot read {path}: {error.strerror or error}.") from error
        scope = "project" if project else "global"
        entries = parse_pls(data, scope=scope)
        project_id = self._scope_id(project)
        before = self._scope(project_id)
        try:
            self._session.repository.lexicon.replace_all(entries, project_id, keep_others=True)
        except ValueError as error:  # the store's LexiconStoreError: nothing was changed
            raise PlsError(str(error)) from error
        self._record(f"Import {path.name}", project_id, before)
        return len(entries)

    def export_pls(self, path: Path) -> int:
        """Write the entries in force for the open project to `path` as PLS; how many were written.
        LexiconError if `path` may not be written (in the data folder, a device: export_targets.py)."""
        try:
            check_export_targets([path], self._session.data_dir)
        except ExportTargetError as error:
            raise LexiconError(str(error)) from error
        entries = self.in_force()
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_bytes(to_pls(entries))
        tmp.replace(path)
        return len(entries)

    # -- undo -------------------------------------------------------------------------------
    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> str | None:
        """Undo the last change; its label, or None if there was none."""
        if not self._undo:
            return None
        step = self._undo.pop()
        self._session.repository.lexicon.replace_all(step.before, step.project_id)
        self._redo.append(step)
        self._notify()
        return step.label

    def redo(self) -> str | None:
        if not self._redo:
            return None
        step = self._redo.pop()
        self._session.repository.lexicon.replace_all(step.after, step.project_id)
        self._undo.append(step)
        self._notify()
        return step.label

    # -- helpers ----------------------------------------------------------------------------
    def _scope_id(self, project: bool) -> int | None:
        return self._session.project.id if project else None

    def _scope(self, project_id: int | None) -> tuple[LexiconEntry, ...]:
        global_records, project_records = self._session.repository.lexicon.of(project_id)
        return tuple(_entries(global_records if project_id is None else project_records))

    def _record(self, label: str, project_id: int | None, before: tuple[LexiconEntry, ...]) -> None:
        self._undo.append(_Step(label, project_id, before, self._scope(project_id)))
        del self._undo[:-MAX_STEPS]
        self._redo.clear()
        self._notify()

    def _notify(self) -> None:
        self._on_changed()
        self.changed.emit()
        self._session.events.settings_changed.emit()  # audio statuses may have changed
