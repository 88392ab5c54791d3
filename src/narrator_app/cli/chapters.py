"""`chapters …` and `import`: a project's chapters, and books brought in as chapters."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from narrator_app.cli.common import EXIT_OK, UsageError, emit, refused


def add_chapter_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    chapters = sub.add_parser(
        "chapters", help="list, add, rename, move and delete chapters", parents=[common]
    )
    actions = chapters.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the chapters in order, with their segments and audio", parents=[common])
    add = actions.add_parser(
        "add", help="a new, empty chapter (at the end unless --position)", parents=[common]
    )
    add.add_argument("title")
    add.add_argument("--position", type=int, help="its place, 1 for the first")
    rename = actions.add_parser("rename", help="give a chapter another title", parents=[common])
    rename.add_argument("id", type=int)
    rename.add_argument("title")
    move = actions.add_parser("move", help="move a chapter, with its segments", parents=[common])
    move.add_argument("id", type=int)
    move.add_argument("position", type=int, help="its new place, 1 for the first")
    delete = actions.add_parser("delete", help="delete a chapter and its segments", parents=[common])
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", action="store_true", help="confirm: it deletes the chapter's segments too")

    import_ = sub.add_parser(
        "import",
        help="bring in a book (EPUB, PDF, HTML, Markdown, text) as chapters, or a text's paragraphs",
        parents=[common],
    )
    import_.add_argument("file")
    import_.add_argument(
        "--max-chars",
        type=int,
        default=1000,
        help="split paragraphs longer than this at sentence ends (default 1000)",
    )
    import_.add_argument("--dry-run", action="store_true", help="add nothing: list the chapters found")
    import_.add_argument(
        "--chapters",
        dest="pick",
        help='just these chapters, as the dry run numbers them: "3-5,8" (default: all but front matter)',
    )
    import_.add_argument(
        "--all-chapters",
        action="store_true",
        help="front matter too (contents, copyright, title page), which is left out by default",
    )
    import_.add_argument(
        "--chapter", type=int, help="for a text without chapters: add to this chapter (default: the last)"
    )
    import_.add_argument(
        "--no-title-segments",
        dest="title_segments",
        action="store_false",
        help="do not open each chapter with its title as a segment of its own",
    )


def chapter_json(status: Any) -> dict[str, Any]:
    chapter = status.chapter
    return {
        "id": chapter.id,
        "position": chapter.position + 1,
        "title": chapter.title,
        "segment_count": chapter.segment_count,
        "ready": status.ready,
        "outdated": status.outdated,
        "missing": status.missing,
        "locked": status.locked,
        "duration": round(status.duration, 3),
    }


def _chapter_error(error: Exception) -> UsageError:
    return UsageError(str(error))


def cmd_chapters_list(args: argparse.Namespace, controller: Any) -> int:
    statuses = controller.chapters.statuses()
    lines = [
        f"{s.chapter.id:>5}  {s.chapter.position + 1:>3}. {s.chapter.title}  "
        f"({s.chapter.segment_count} segments: {s.ready} ready, {s.outdated} outdated, {s.missing} missing; "
        f"{s.duration:.1f} s)"
        for s in statuses
    ]
    emit(args, {"chapters": [chapter_json(s) for s in statuses]}, "\n".join(lines))
    return EXIT_OK


def cmd_chapters_add(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.chapter_commands import ChapterError

    position = None if args.position is None else _place(args.position)
    try:
        record = controller.chapters.add(args.title, position)
    except ChapterError as error:
        raise _chapter_error(error) from error
    emit(args, _record_json(record), f"added chapter {record.id}")
    return EXIT_OK


def cmd_chapters_rename(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.chapter_commands import ChapterError

    try:
        record = controller.chapters.rename(args.id, args.title)
    except ChapterError as error:
        return missing_or_usage(args, error)
    emit(args, _record_json(record), f"renamed chapter {record.id}")
    return EXIT_OK


def cmd_chapters_move(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.chapter_commands import ChapterError

    try:
        record = controller.chapters.move(args.id, _place(args.position))
    except ChapterError as error:
        return missing_or_usage(args, error)
    emit(args, _record_json(record), f"moved chapter {record.id} to place {record.position + 1}")
    return EXIT_OK


def cmd_chapters_delete(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.chapter_commands import ChapterError
    from narrator_app.core.rules import Refusal

    try:
        chapter = controller.chapters.get(args.id)
        if not args.yes:
            what = (
                f" and its {chapter.segment_count} segments with their audio" if chapter.segment_count else ""
            )
            raise UsageError(f"this deletes the chapter {chapter.title!r}{what}; add --yes to confirm")
        result = controller.chapters.delete(args.id)
    except ChapterError as error:
        return missing_or_usage(args, error)
    if isinstance(result, Refusal):
        return refused(args, result)
    emit(args, {"deleted": result.id}, f"deleted chapter {result.id}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace, controller: Any) -> int:
    from narrator_app.app.chapter_commands import ChapterError
    from narrator_app.core.books import BookImportError, narrated_by_default, read_book, select_chapters
    from narrator_app.core.textimport import MAX_LIMIT, MIN_LIMIT

    if not MIN_LIMIT <= args.max_chars <= MAX_LIMIT:
        raise UsageError(f"--max-chars must be between {MIN_LIMIT} and {MAX_LIMIT}; got {args.max_chars}")
    path = Path(args.file).expanduser()
    try:
        book = read_book(path)
        if args.pick and args.all_chapters:
            raise UsageError("Give --chapters or --all-chapters, not both.")
        if args.pick:
            picked: list[int] | None = select_chapters(args.pick, len(book.chapters))
        else:
            picked = None if args.all_chapters else narrated_by_default(book)
    except BookImportError as error:
        raise UsageError(str(error)) from error
    chosen = set(range(len(book.chapters)) if picked is None else picked)
    if args.dry_run:
        found = [
            {
                "index": n + 1,
                "title": chapter.title,
                "paragraphs": len(chapter.paragraphs),
                "words": chapter.words,
                "front_matter": chapter.front_matter,
                "imported": n in chosen,
            }
            for n, chapter in enumerate(book.chapters)
        ]
        lines = [
            f"{c['index']:>3}. {c['title'] or '(untitled)'}  "
            f"({c['paragraphs']} paragraphs, {c['words']} words)"
            + ("  [front matter]" if c["front_matter"] else "")
            + ("" if c["imported"] else "  (left out)")
            for c in found
        ]
        payload = {
            "title": book.title,
            "author": book.author,
            "format": book.source_format,
            "chapters": found,
        }
        emit(args, payload, "\n".join(lines) or "no chapters found")
        return EXIT_OK
    try:
        imported = controller.chapters.import_book(
            book,
            picked,
            limit=args.max_chars,
            title_segments=args.title_segments,
            source=path.name,
            into=args.chapter,
        )
    except ChapterError as error:
        return missing_or_usage(args, error)
    ids = [i for chapter in imported for i in chapter.segment_ids]
    result: dict[str, Any] = {
        "added": len(ids),
        "segment_ids": ids,
        "chapters": [{"id": c.id, "title": c.title, "segments": len(c.segment_ids)} for c in imported],
    }
    emit(args, result, f"added {len(ids)} segments in {len(imported)} chapter(s) from {args.file}")
    return EXIT_OK


def _place(position: int) -> int:
    if position < 1:
        raise UsageError(f"a chapter's place starts at 1; got {position}")
    return position - 1


def _record_json(record: Any) -> dict[str, Any]:
    return {"id": record.id, "position": record.position + 1, "title": record.title}


def missing_or_usage(args: argparse.Namespace, error: Exception) -> int:
    from narrator_app.cli.common import EXIT_BY_REASON

    message = str(error)
    if message.startswith("There is no chapter"):
        emit(
            args,
            {"status": "ERROR", "reason": "not_found", "message": message},
            f"error: {message}",
            err=True,
        )
        return EXIT_BY_REASON["not_found"]
    raise UsageError(message)
