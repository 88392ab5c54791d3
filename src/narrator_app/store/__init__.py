"""Persistence: SQLAlchemy models on SQLite, handed out as plain records. No Qt here."""

from narrator_app.store.database import Database, open_database
from narrator_app.store.lexicon import LexiconStoreError
from narrator_app.store.records import (
    BookDetails,
    ChapterRecord,
    LexiconRecord,
    ProjectRecord,
    SegmentRecord,
    SettingsRecord,
    TakeRecord,
)
from narrator_app.store.repository import Repository
from narrator_app.store.takes import TakeError

__all__ = [
    "BookDetails",
    "ChapterRecord",
    "LexiconRecord",
    "LexiconStoreError",
    "Database",
    "ProjectRecord",
    "Repository",
    "SegmentRecord",
    "SettingsRecord",
    "TakeError",
    "TakeRecord",
    "open_database",
]
