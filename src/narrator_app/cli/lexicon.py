"""`lexicon …` and `speak-text`: the pronunciation lexicon, and what a segment will speak.

`--project` here is both the scope and the project: `--project` alone means the open (default)
project's own entries, `--project NAME` those of project NAME; without it the global entries.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from narrator_app.app.lexicon_commands import LexiconError, PlsError
from narrator_app.cli.common import EXIT_OK, EXIT_USAGE, Parser, emit, refused
from narrator_app.cli.guard import user_path
from narrator_app.core.rules import Refusal


def _scope_options() -> argparse.ArgumentParser:
    """The shared options, with --project taking its project name optionally (see the module)."""
    common = Parser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help="where the database and audio live")
    common.add_argument(
        "--model-dir", default=argparse.SUPPRESS, help="the only folder searched for model files"
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON object"
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="verbose log, tracebacks"
    )
    common.add_argument(
        "--project",
        nargs="?",
        const="",
        default=argparse.SUPPRESS,
        help="the project's own entries (of project NAME if given) instead of the global ones",
    )
    return common


def add_lexicon_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    scoped = _scope_options()
    lexicon = sub.add_parser(
        "lexicon", help="how words are pronounced: add, list, remove, PLS", parents=[scoped]
    )
    actions = lexicon.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="say a word or phrase as a respelling or as IPA", parents=[scoped])
    add.add_argument("word")
    how = add.add_mutually_exclusive_group(required=True)
    how.add_argument("--say", help='a respelling read instead, e.g. "Her-MY-oh-nee"')
    how.add_argument("--ipa", help="phonemes (IPA, the model's symbols) spoken as they are")
    add.add_argument("--case-sensitive", action="store_true", help="only where written exactly so")
    actions.add_parser("list", help="every entry, with how many segments use it", parents=[scoped])
    remove = actions.add_parser("remove", help="remove a word's entry", parents=[scoped])
    remove.add_argument("word")
    export = actions.add_parser("export", help="write the entries in force as W3C PLS", parents=[scoped])
    export.add_argument("--out", required=True, help="the .pls file to write")
    import_ = actions.add_parser(
        "import", help="add the entries of a PLS file (all or none)", parents=[scoped]
    )
    import_.add_argument("file")

    speak = sub.add_parser(
        "speak-text", help="what a segment will speak (lexicon, written forms)", parents=[common]
    )
    speak.add_argument("id", type=int)


def _project_scope(args: argparse.Namespace) -> bool:
    return getattr(args, "project", None) is not None


def _fail(args: argparse.Namespace, error: Exception) -> int:
    emit(args, {"status": "ERROR", "reason": "invalid", "message": str(error)}, f"error: {error}", err=True)
    return EXIT_USAGE


def entry_json(entry: Any) -> dict[str, Any]:
    how = {"ipa": entry.ipa} if entry.ipa is not None else {"say": entry.say}
    return {"word": entry.word, **how, "scope": entry.scope, "case_sensitive": entry.case_sensitive}


def cmd_lexicon_add(args: argparse.Namespace, controller: Any) -> int:
    try:
        entry = controller.lexicon.add(
            args.word,
            say=args.say,
            ipa=args.ipa,
            project=_project_scope(args),
            case_sensitive=args.case_sensitive,
        )
    except LexiconError as error:
        return _fail(args, error)
    emit(args, {"status": "OK", "entry": entry_json(entry)}, f"added {entry.word!r} ({entry.scope})")
    return EXIT_OK


def cmd_lexicon_list(args: argparse.Namespace, controller: Any) -> int:
    uses = controller.lexicon.entries()
    rows = [{**entry_json(use.entry), "segments": use.segments} for use in uses]
    lines = [
        f"{use.entry.scope:<8} {use.entry.word:<24} "
        + (f"/{use.entry.ipa}/" if use.entry.ipa is not None else f'"{use.entry.say}"')
        + f"  ({use.segments} segments)"
        for use in uses
    ]
    emit(args, {"entries": rows}, "\n".join(lines) or "no entries")
    return EXIT_OK


def cmd_lexicon_remove(args: argparse.Namespace, controller: Any) -> int:
    try:
        gone = controller.lexicon.remove(args.word, project=_project_scope(args))
    except LexiconError as error:
        return _fail(args, error)
    emit(args, {"status": "OK", "removed": [entry_json(e) for e in gone]}, f"removed {args.word!r}")
    return EXIT_OK


def cmd_lexicon_export(args: argparse.Namespace, controller: Any) -> int:
    out = user_path(args.out, "--out")
    try:
        count = controller.lexicon.export_pls(out)
    except LexiconError as error:
        return _fail(args, error)
    except OSError as error:
        return _fail(args, OSError(f"Cannot write {out}: {error.strerror or error}."))
    emit(args, {"status": "OK", "path": str(out), "entries": count}, f"wrote {count} entries to {out}")
    return EXIT_OK


def cmd_lexicon_import(args: argparse.Namespace, controller: Any) -> int:
    try:
        count = controller.lexicon.import_pls(Path(args.file), project=_project_scope(args))
    except (PlsError, LexiconError) as error:
        return _fail(args, error)
    emit(args, {"status": "OK", "entries": count}, f"imported {count} entries from {args.file}")
    return EXIT_OK


def cmd_speak_text(args: argparse.Namespace, controller: Any) -> int:
    pieces = controller.lexicon.spoken(args.id)
    if isinstance(pieces, Refusal):
        return refused(args, pieces)
    text = "".join(f"/{p.text}/" if p.phonemes else p.text for p in pieces)
    payload = {
        "id": args.id,
        "text": controller.segments.get(args.id).text,
        "spoken": text,
        "pieces": [{"phonemes" if p.phonemes else "text": p.text} for p in pieces],
    }
    emit(args, payload, text)
    return EXIT_OK
