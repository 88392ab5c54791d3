"""The pronunciation lexicon in the store: global entries (project_id None) and each project's own.

An entry is one per (scope, word key, case flag), the key being the word casefolded unless the entry
is case-sensitive: the same identity as core.lexicon.LexiconEntry.key, so "Nice" (case-sensitive) and
"nice" are two entries. Validation of what an entry says (phonemes the model knows, tidy spaces) is
core.lexicon's; the store only refuses what would break its own rules, with LexiconStoreError.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session, sessionmaker

from narrator_app.store.models import LexiconEntry, utcnow
from narrator_app.store.records import LexiconRecord


class LexiconStoreError(ValueError):
    """An entry the store cannot keep; the message is a sentence for the user."""


class EntryFields(Protocol):
    """What an entry to store has: core.lexicon.LexiconEntry and LexiconRecord both fit."""

    @property
    def word(self) -> str: ...
    @property
    def say(self) -> str | None: ...
    @property
    def ipa(self) -> str | None: ...
    @property
    def case_sensitive(self) -> bool: ...


def word_key(word: str, case_sensitive: bool) -> str:
    """The word as it is compared: casefolded unless the entry is case-sensitive."""
    return word if case_sensitive else word.casefold()


def _record(row: LexiconEntry) -> LexiconRecord:
    return LexiconRecord(
        id=row.id,
        project_id=row.project_id,
        word=row.word,
        say=row.say,
        ipa=row.ipa,
        case_sensitive=row.case_sensitive,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _check(word: str, say: str | None, ipa: str | None) -> None:
    if not word.strip():
        raise LexiconStoreError("The word to pronounce is empty; type the word or phrase as it is written.")
    if (say is None) == (ipa is None):
        raise LexiconStoreError(f"Give exactly one of a respelling or phonemes for {word!r}.")
    if not (say if say is not None else ipa or "").strip():
        raise LexiconStoreError(f"The pronunciation given for {word!r} is empty.")


def _scope(project_id: int | None) -> ColumnElement[bool]:
    return LexiconEntry.project_id.is_(None) if project_id is None else LexiconEntry.project_id == project_id


class LexiconStore:
    """Reads and writes of lexicon entries, each in its own short Session."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def of(self, project_id: int | None) -> tuple[list[LexiconRecord], list[LexiconRecord]]:
        """(global entries, the project's entries), each by word; no project entries for None."""
        with self._sessions() as session:
            rows = session.scalars(
                select(LexiconEntry)
                .where(_scope(None) if project_id is None else _scope(None) | _scope(project_id))
                .order_by(LexiconEntry.word_key, LexiconEntry.word, LexiconEntry.case_sensitive)
            )
            records = [_record(row) for row in rows]
        return [r for r in records if r.project_id is None], [r for r in records if r.project_id is not None]

    def find(
        self, word: str, project_id: int | None, *, case_sensitive: bool = False
    ) -> LexiconRecord | None:
        """The entry of exactly this scope, word key and case flag."""
        with self._sessions() as session:
            row = self._row(session, word, project_id, case_sensitive)
            return None if row is None else _record(row)

    def add_or_replace(
        self,
        word: str,
        *,
        say: str | None = None,
        ipa: str | None = None,
        case_sensitive: bool = False,
        project_id: int | None = None,
    ) -> tuple[LexiconRecord, LexiconRecord | None]:
        """Store an entry; the one it replaced (same scope, word key and case flag) or None, for undo.
        A replaced entry keeps its id and creation time."""
        _check(word, say, ipa)
        with self._sessions.begin() as session:
            row = self._row(session, word, project_id, case_sensitive)
            before = None if row is None else _record(row)
            row = self._put(session, row, word, say, ipa, case_sensitive, project_id)
            session.flush()
            return _record(row), before

    def remove(
        self, word: str, project_id: int | None, *, case_sensitive: bool | None = None
    ) -> list[LexiconRecord]:
        """Remove the scope's entries for `word`: with `case_sensitive` None both the case-insensitive
        one and a case-sensitive one written exactly so; what was removed (empty: nothing was there)."""
        flags = (False, True) if case_sensitive is None else (case_sensitive,)
        with self._sessions.begin() as session:
            gone: list[LexiconRecord] = []
            for flag in flags:
                row = self._row(session, word, project_id, flag)
                if row is not None:
                    gone.append(_record(row))
                    session.delete(row)
            return gone

    def replace_all(
        self, entries: Iterable[EntryFields], project_id: int | None, *, keep_others: bool = False
    ) -> list[LexiconRecord]:
        """Make the scope's entries exactly `entries` (with `keep_others`, add or replace them and keep
        the rest), in one transaction: on any error nothing changes. Two entries with the same key are
        refused. Returns the scope's entries afterwards, by word."""
        wanted = list(entries)
        seen: dict[tuple[str, bool], str] = {}
        for entry in wanted:
            _check(entry.word, entry.say, entry.ipa)
            key = (word_key(entry.word, entry.case_sensitive), entry.case_sensitive)
            if key in seen:
                raise LexiconStoreError(
                    f"{entry.word!r} is given twice (also as {seen[key]!r}); keep one pronunciation for it."
                )
            seen[key] = entry.word
        with self._sessions.begin() as session:
            present = {
                (row.word_key, row.case_sensitive): row
                for row in session.scalars(select(LexiconEntry).where(_scope(project_id)))
            }
            if not keep_others:
                stale = [row.id for key, row in present.items() if key not in seen]
                if stale:
                    session.execute(delete(LexiconEntry).where(LexiconEntry.id.in_(stale)))
            for entry in wanted:
                key = (word_key(entry.word, entry.case_sensitive), entry.case_sensitive)
                self._put(
                    session,
                    present.get(key),
                    entry.word,
                    entry.say,
                    entry.ipa,
                    entry.case_sensitive,
                    project_id,
                )
            session.flush()
            rows = session.scalars(
                select(LexiconEntry)
                .where(_scope(project_id))
                .order_by(LexiconEntry.word_key, LexiconEntry.word, LexiconEntry.case_sensitive)
            )
            return [_record(row) for row in rows]

    @staticmethod
    def _put(
        session: Session,
        row: LexiconEntry | None,
        word: str,
        say: str | None,
        ipa: str | None,
        case_sensitive: bool,
        project_id: int | None,
    ) -> LexiconEntry:
        if row is None:
            row = LexiconEntry(
                project_id=project_id,
                word=word,
                word_key=word_key(word, case_sensitive),
                say=say,
                ipa=ipa,
                case_sensitive=case_sensitive,
            )
            session.add(row)
        elif (row.word, row.say, row.ipa) != (word, say, ipa):
            row.word, row.say, row.ipa, row.updated_at = word, say, ipa, utcnow()
        return row

    @staticmethod
    def _row(
        session: Session, word: str, project_id: int | None, case_sensitive: bool
    ) -> LexiconEntry | None:
        return session.scalar(
            select(LexiconEntry).where(
                _scope(project_id),
                LexiconEntry.word_key == word_key(word, case_sensitive),
                LexiconEntry.case_sensitive == case_sensitive,
            )
        )
