"""Light or dark, following the system: Fusion style with a palette for the colour scheme.

Qt reports the system's scheme (QStyleHints.colorScheme) and tells us when it changes; Fusion
draws every widget from the palette, so one palette switch restyles the whole window. The role
colours in the grid come from cxmatrix.palette and stay the same in both schemes.

Fusion outlines check boxes and radio buttons with a darker shade of the window colour, which
vanishes on a dark window; ``ClearStyle`` adds an outline that shows there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

_DARK = {
    QPalette.ColorRole.Window: "#232428",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#2e3035",
    QPalette.ColorRole.AlternateBase: "#34363c",
    QPalette.ColorRole.ToolTipBase: "#3a3d42",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#9a9ca3",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#383a40",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Light: "#45484e",
    QPalette.ColorRole.Midlight: "#3a3d42",
    QPalette.ColorRole.Mid: "#4a4d54",
    QPalette.ColorRole.Dark: "#18191b",
    QPalette.ColorRole.Shadow: "#000000",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7fb0ff",
}


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, colour in _DARK.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7c82"))
    return pal


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


_INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
               QStyle.PrimitiveElement.PE_IndicatorRadioButton)


class ClearStyle(QProxyStyle):
    """Fusion, with check box and radio button outlines that show on a dark window."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))
        self.setObjectName("cxmatrix-fusion")

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _INDICATORS or not is_dark(option.palette):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = option.rect.adjusted(1, 1, -1, -1)
        if element is QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(box.adjusted(0, 0, -1, -1))
        else:
            painter.drawRoundedRect(box.toRectF().adjusted(-0.5, -0.5, -0.5, -0.5), 1.5, 1.5)
        painter.restore()


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_palette(app: QApplication, dark: bool | None = None) -> None:
    """Use the dark palette when the system (or ``dark``) says so, the standard one if not."""
    if dark is None:
        dark = system_is_dark()
    app.setPalette(dark_palette() if dark else app.style().standardPalette())


def follow_system(app: QApplication) -> None:
    app.setStyle(ClearStyle())
    if system_is_dark():  # a light scheme is the style's own palette already
        apply_palette(app, True)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_palette(app))
