"""File menu commands for projects: new, open, rename, delete."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from narrator_app.app.controller import Controller
from narrator_app.core.rules import ProjectError
from narrator_app.ui.dialogs import ask_to_delete_project


def ask_name(parent: QWidget, title: str, label: str, text: str = "") -> str | None:
    name, ok = QInputDialog.getText(parent, title, label, text=text)
    return name if ok else None


class ProjectMenu(QMenu):
    """Open project ▸ (rebuilt each time it opens: the projects opened recently first, then the others
    by name), plus New / Rename / Delete actions."""

    def __init__(
        self,
        controller: Controller,
        parent: QWidget,
        report: Callable[[str], None],
        recent: Callable[[], list[int]] = list,
        before_switch: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__("&Open project", parent)
        self._recent = recent  # ids of the projects opened last, the latest first
        self._before_switch = before_switch  # e.g. save the text being typed, while its project is open
        self.setObjectName("openProjectMenu")
        self._controller = controller
        self._report = report  # shows a problem to the user
        # Asked for names and confirmations; tests replace them.
        self.ask_name: Callable[[str, str, str], str | None] = lambda title, label, text: ask_name(
            parent, title, label, text
        )
        self.confirm_delete: Callable[[str, int], bool] = lambda name, n: ask_to_delete_project(
            parent, name, n
        )
        self.new_action = QAction("&New project…", parent)
        self.new_action.setObjectName("newProjectAction")
        self.new_action.triggered.connect(self.new_project)
        self.rename_action = QAction("&Rename project…", parent)
        self.rename_action.setObjectName("renameProjectAction")
        self.rename_action.triggered.connect(self.rename_project)
        self.delete_action = QAction("&Delete project…", parent)
        self.delete_action.setObjectName("deleteProjectAction")
        self.delete_action.triggered.connect(self.delete_project)
        self.aboutToShow.connect(self.rebuild)
        self._group = QActionGroup(self)

    def rebuild(self) -> None:
        self.clear()
        group = self._group
        for old in group.actions():
            group.removeAction(old)
        projects = self._controller.projects.all()  # by name
        current = self._controller.project.id
        rank = {pid: n for n, pid in enumerate(dict.fromkeys([current, *self._recent()]))}
        recent = sorted((p for p in projects if p[0].id in rank), key=lambda p: rank[p[0].id])
        others = [p for p in projects if p[0].id not in rank]
        for project, segments in [*recent, *others]:
            if others and project == others[0][0]:
                self.addSeparator()  # the recent ones first, then the rest by name
            action = self.addAction(f"{project.name}  ({segments})")
            action.setCheckable(True)
            action.setChecked(project.id == current)
            action.setActionGroup(group)
            action.triggered.connect(lambda _checked=False, name=project.name: self.open(name))

    def open(self, name: str) -> None:
        self._before_switch()
        try:
            self._controller.projects.open(name)
        except ProjectError as error:
            self._report(str(error))

    def new_project(self) -> None:
        self._before_switch()
        name = self.ask_name("New project", "Name of the new project:", "")
        if name is None:
            return
        try:
            project = self._controller.projects.create(name)
        except ProjectError as error:
            self._report(str(error))
            return
        self._controller.projects.open(project.name)

    def rename_project(self) -> None:
        current = self._controller.project.name
        name = self.ask_name("Rename project", "New name of the project:", current)
        if name is None:
            return
        try:
            self._controller.projects.rename(self._controller.project.id, name)
        except ProjectError as error:
            self._report(str(error))

    def delete_project(self) -> None:
        self._before_switch()
        current = self._controller.project
        segments = dict((p.id, n) for p, n in self._controller.projects.all()).get(current.id, 0)
        if self.confirm_delete(current.name, segments):
            try:  # by id: the name may have been changed meanwhile from the command line
                self._controller.projects.delete(current.id)
            except ProjectError as error:
                self._report(str(error))
