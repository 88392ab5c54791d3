"""One QAction per command, shared by the menus, the toolbar, the context menu and shortcuts."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget


@dataclass(frozen=True)
class Actions:
    undo: QAction
    redo: QAction
    add: QAction
    delete: QAction
    move_up: QAction
    move_down: QAction
    duplicate: QAction
    split: QAction
    merge: QAction
    lock: QAction
    set_voice: QAction
    generate: QAction
    generate_all: QAction
    regenerate_all: QAction
    cancel: QAction
    cancel_all: QAction
    play: QAction
    play_all: QAction
    stop: QAction
    settings: QAction
    models: QAction
    export: QAction
    import_: QAction
    about: QAction
    open_logs: QAction
    quit: QAction


def _action(
    parent: QWidget,
    text: str,
    name: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    icon: QStyle.StandardPixmap | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, parent)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon is not None:
        action.setIcon(parent.style().standardIcon(icon))
    tip = tip or text
    if shortcut is not None:
        tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    return action


def create_actions(parent: QWidget) -> Actions:
    sp = QStyle.StandardPixmap
    actions = Actions(
        undo=_action(parent, "&Undo", "undoAction", "Ctrl+Z", None, "Undo the last edit"),
        redo=_action(parent, "&Redo", "redoAction", "Ctrl+Shift+Z", None, "Redo what was undone"),
        add=_action(
            parent,
            "&Add segment",
            "addSegmentAction",
            "Ctrl+N",
            sp.SP_FileIcon,
            "Add an empty segment at the end",
        ),
        delete=_action(
            parent,
            "&Delete segment",
            "deleteSegmentAction",
            QKeySequence.StandardKey.Delete,
            sp.SP_TrashIcon,
            "Delete the selected segments and their audio",
        ),
        move_up=_action(parent, "Move &up", "moveUpAction", "Alt+Up", sp.SP_ArrowUp, "Move the segment up"),
        move_down=_action(
            parent, "Move do&wn", "moveDownAction", "Alt+Down", sp.SP_ArrowDown, "Move the segment down"
        ),
        duplicate=_action(
            parent, "D&uplicate", "duplicateAction", "Ctrl+D", None, "A copy of the segment right after it"
        ),
        split=_action(
            parent,
            "S&plit at cursor",
            "splitAction",
            "Ctrl+Return",
            None,
            "Cut the segment at the text cursor; the rest becomes the next segment",
        ),
        merge=_action(
            parent,
            "&Merge with next",
            "mergeAction",
            "Ctrl+Shift+M",
            None,
            "Join the next segment's text to this one",
        ),
        lock=_action(
            parent,
            "&Lock",
            "lockAction",
            "Ctrl+L",
            None,
            "Lock the selected segments to protect their text and audio",
        ),
        set_voice=_action(
            parent,
            "Set &voice…",
            "setVoiceAction",
            None,
            None,
            "Give the selected segments a voice (or blend) of their own, or the global voice again",
        ),
        generate=_action(
            parent,
            "Generate audio",
            "generateAudioAction",
            "Ctrl+G",
            sp.SP_MediaSeekForward,
            "Generate audio for the selected segments",
        ),
        generate_all=_action(
            parent,
            "Generate a&ll",
            "generateAllAction",
            "Ctrl+Shift+G",
            sp.SP_MediaSkipForward,
            "Generate every segment whose audio is missing or outdated (locked ones are skipped)",
        ),
        regenerate_all=_action(
            parent,
            "&Regenerate all",
            "regenerateAllAction",
            None,
            None,
            "Generate every unlocked segment again, even if its audio is up to date",
        ),
        cancel=_action(
            parent,
            "&Cancel generation",
            "cancelAction",
            None,
            None,
            "Cancel generating the selected segments (earlier audio is kept)",
        ),
        cancel_all=_action(
            parent,
            "Cancel a&ll",
            "cancelAllAction",
            "Esc",
            sp.SP_BrowserStop,
            "Cancel all queued and running generation (finished audio is kept)",
        ),
        play=_action(
            parent, "&Play", "playAction", "Space", sp.SP_MediaPlay, "Play the selected segment's audio"
        ),
        play_all=_action(
            parent,
            "Play &all",
            "playAllAction",
            "Ctrl+Shift+Space",
            sp.SP_MediaSeekForward,
            "Play every segment's audio in order, with pauses",
        ),
        stop=_action(parent, "&Stop", "stopAction", "Shift+Space", sp.SP_MediaStop, "Stop playback"),
        settings=_action(parent, "S&ettings…", "settingsAction", "Ctrl+,", None, "Voice, speed and language"),
        models=_action(
            parent,
            "&Model && voices…",
            "modelsAction",
            None,
            None,
            "Find, install, download and check the Kokoro model; choose and preview voices",
        ),
        export=_action(
            parent,
            "&Export narration…",
            "exportAction",
            "Ctrl+E",
            None,
            "All segments in one audio file, with subtitles",
        ),
        import_=_action(
            parent,
            "&Import…",
            "importAction",
            "Ctrl+I",
            None,
            "Add a book (EPUB, PDF, HTML, Markdown) as chapters, or a .txt file's paragraphs as segments",
        ),
        about=_action(parent, "&About Narrator", "aboutAction"),
        open_logs=_action(parent, "Open &log folder", "openLogsAction"),
        quit=_action(parent, "&Quit", "quitAction", QKeySequence.StandardKey.Quit),
    )
    # Ctrl+Shift+Z everywhere, and the platform's own Redo key too (Ctrl+Y on Windows).
    redo_keys = [QKeySequence("Ctrl+Shift+Z")]
    redo_keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) if k not in redo_keys]
    actions.redo.setShortcuts(redo_keys)
    actions.undo.setIcon(QIcon.fromTheme("edit-undo"))
    actions.redo.setIcon(QIcon.fromTheme("edit-redo"))
    actions.lock.setCheckable(True)
    actions.lock.setIcon(QIcon.fromTheme("object-locked"))
    actions.settings.setMenuRole(QAction.MenuRole.PreferencesRole)
    actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
    actions.about.setMenuRole(QAction.MenuRole.AboutRole)
    # Delete only acts on the table (added to it by the window), never on text being typed.
    actions.delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    return actions
