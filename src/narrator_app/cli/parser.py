"""The argument parser of every command."""

from __future__ import annotations

import argparse

from narrator_app import APP_ID, __version__
from narrator_app.cli import takes
from narrator_app.cli.chapters import add_chapter_commands
from narrator_app.cli.common import Parser
from narrator_app.cli.export_options import EXPORT_FORMATS, add_audiobook_options
from narrator_app.cli.lexicon import add_lexicon_commands
from narrator_app.cli.models import add_model_commands

EXIT_CODES_HELP = (
    "exit codes: 0 done, 1 generation failed, 2 usage or invalid value, 3 empty text,\n"
    "  4 no such segment, 5 segment locked, 6 model missing,\n"
    "  7 another Narrator uses this data folder, 130 interrupted (Ctrl+C)\n"
    "commands that only read (segments list, chapters list, models status, export, ...)\n"
    "  also run while the window is open; those that change things get exit code 7"
)


def build_parser() -> argparse.ArgumentParser:
    # Shared options are accepted before or after the subcommand.
    common = Parser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help="where the database and audio live")
    common.add_argument(
        "--model-dir", default=argparse.SUPPRESS, help="the only folder searched for model files"
    )
    common.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON object"
    )
    common.add_argument(
        "--project", default=argparse.SUPPRESS, help="the project to work on (default: the default project)"
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="verbose log, tracebacks"
    )

    parser = Parser(
        prog=APP_ID,
        description="Narrator: a desktop narration studio.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{APP_ID} {__version__}")
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Narrator to the application menu (for the current user) and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    projects = sub.add_parser("projects", help="list, create, rename and delete projects", parents=[common])
    project_sub = projects.add_subparsers(dest="action", metavar="ACTION", required=True)
    project_sub.add_parser("list", help="every project with its number of segments", parents=[common])
    create = project_sub.add_parser("create", help="a new, empty project", parents=[common])
    create.add_argument("name")
    rename = project_sub.add_parser("rename", help="give a project another name", parents=[common])
    rename.add_argument("old")
    rename.add_argument("new")
    remove = project_sub.add_parser(
        "delete", help="delete a project, its segments and audio", parents=[common]
    )
    remove.add_argument("name")
    remove.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    segments = sub.add_parser("segments", help="add, list, edit and delete segments", parents=[common])
    seg_sub = segments.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = seg_sub.add_parser("add", help="add a segment at the end", parents=[common])
    add.add_argument("text")
    add.add_argument("--locked", action="store_true")
    add.add_argument("--chapter", type=int, help="add it at the end of this chapter (default: the last)")
    seg_sub.add_parser("list", help="list the segments in order", parents=[common])
    set_ = seg_sub.add_parser(
        "set", help="change a segment's text, lock, voice, speed or pause after it", parents=[common]
    )
    set_.add_argument("id", type=int)
    set_.add_argument("--text")
    set_.add_argument("--voice", help='this segment\'s voice or blend; "" for the global voice')
    set_.add_argument("--speed", help='this segment\'s speed, 0.5-2.0; "" for the global speed')
    set_.add_argument(
        "--pause-after", help='seconds of silence after it in an export, 0-30; "" for the export\'s gap'
    )
    lock = set_.add_mutually_exclusive_group()
    lock.add_argument("--lock", dest="locked", action="store_const", const=True)
    lock.add_argument("--unlock", dest="locked", action="store_const", const=False)
    delete = seg_sub.add_parser("delete", help="delete a segment and its audio", parents=[common])
    delete.add_argument("id", type=int)
    takes.add_parsers(seg_sub, common)

    generate = sub.add_parser("generate", help="generate one segment's audio and wait", parents=[common])
    generate.add_argument("id", type=int)

    generate_all = sub.add_parser(
        "generate-all",
        help="generate every segment whose audio is missing or outdated, and wait",
        parents=[common],
    )
    generate_all.add_argument(
        "--all", dest="regenerate", action="store_true", help="also segments whose audio is up to date"
    )
    generate_all.add_argument("--chapter", type=int, help="only the segments of this chapter")

    export = sub.add_parser(
        "export", help="join every segment's audio into one file, with subtitles", parents=[common]
    )
    export.add_argument("--out", required=True, help="the audio file to write (with --split: the folder)")
    export.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, help="default: from --out, else wav")
    export.add_argument("--pause", type=float, default=0.5, help="seconds between segments (default 0.5)")
    export.add_argument("--subtitles", choices=("srt", "vtt"), help="also write subtitles beside the audio")
    export.add_argument("--segments-dir", help="also write each segment's audio into this folder")
    export.add_argument(
        "--skip-missing",
        action="store_true",
        help="leave out segments without current audio instead of refusing",
    )
    add_audiobook_options(export)

    settings = sub.add_parser(
        "settings",
        help="show or change voice, speed and language, and the project's takes and auto-trim",
        parents=[common],
    )
    settings.add_argument("--voice")
    settings.add_argument("--speed", type=float)
    settings.add_argument("--language")
    settings.add_argument(
        "--take-limit", type=int, metavar="N", help="takes kept per segment in this project (default 5)"
    )
    settings.add_argument(
        "--auto-trim",
        metavar="SECONDS|off",
        help="on render, trim silence beyond this margin at both ends, in this project (default off)",
    )

    sub.add_parser("voices", help="list the voices in the installed voices file", parents=[common])
    add_chapter_commands(sub, common)
    add_model_commands(sub, common)
    add_lexicon_commands(sub, common)
    return parser
