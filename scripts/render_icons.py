"""Render assets/icons/narrator-app-<size>.png from assets/narrator-app.svg (Qt's SVG renderer).

QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 32, 48, 64, 128, 256)
ASSETS = Path(__file__).resolve().parents[1] / "assets"


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (Qt needs it for fonts and painting)
    renderer = QSvgRenderer(str(ASSETS / "narrator-app.svg"))
    if not renderer.isValid():
        print("cannot read assets/narrator-app.svg", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = ASSETS / "icons" / f"narrator-app-{size}.png"
        image.save(str(target))
        print(f"wrote {target.relative_to(ASSETS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
