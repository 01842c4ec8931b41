"""The Python tab: the code the program compiles to, read-only, refreshed as the program changes.

Colours come from a small tokenizer writing HTML (a QSyntaxHighlighter subclass crashes PySide6
6.12 with a refcount error in highlightBlock on long texts).
"""

import html
import re

from PySide6.QtWidgets import QTextEdit

from robolab.ui import theme as th

_TOKEN = re.compile(
    r"(?P<comment>#[^\n]*)|(?P<string>'[^'\n]*'|\"[^\"\n]*\")|"
    r"(?P<keyword>\b(?:and|as|assert|break|class|continue|def|del|elif|else|except|finally|for|from|global|if|"
    r"import|in|is|lambda|nonlocal|not|or|pass|raise|return|try|while|with|yield|True|False|None)\b)|"
    r"(?P<number>\b\d+(?:\.\d+)?\b)")
_STYLE = {"comment": "color:#7c8794", "string": "color:#0f7b3f", "keyword": "color:#8a3ffc;font-weight:600",
          "number": "color:#b45309"}


def to_html(source: str) -> str:
    parts, position = [], 0
    for match in _TOKEN.finditer(source):
        parts.append(html.escape(source[position:match.start()]))
        parts.append(f'<span style="{_STYLE[match.lastgroup]}">{html.escape(match.group())}</span>')
        position = match.end()
    parts.append(html.escape(source[position:]))
    return "<pre style='margin:0'>" + "".join(parts) + "</pre>"


LAZY_FROM = 500  # lines of Python from which the text is laid out only when the tab is shown


class PythonView(QTextEdit):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("python")
        self.setReadOnly(True)
        self.setLineWrapMode(QTextEdit.LineWrapMode.NoWrap)
        self.setAcceptRichText(False)
        self._source = None
        self._shown = True
        self.set_zoom(1.0)

    def show_source(self, source: str) -> None:
        """Show new Python; a long one only once the tab is in view (laying it out takes a while)."""
        if source != self._source:
            self._source = source
            self._shown = False
            if self.isVisible() or source.count("\n") < LAZY_FROM:
                self._render()

    def _render(self) -> None:
        position = self.verticalScrollBar().value()
        self.setHtml(to_html(self._source or ""))
        self.verticalScrollBar().setValue(position)
        self._shown = True

    def showEvent(self, event) -> None:
        if not self._shown:
            self._render()
        super().showEvent(event)

    def source(self) -> str:
        return self._source or ""

    def set_zoom(self, zoom: float, theme=None) -> None:
        self.document().setDefaultFont(th.code_font(zoom))
        self.setFont(th.code_font(zoom))
