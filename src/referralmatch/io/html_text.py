"""Turning the HTML fragments some feeds put in text fields into plain text, safely.

Uses the standard library's :class:`html.parser.HTMLParser`: nothing is fetched or run. The
contents of ``script``, ``style``, ``template``, ``iframe``, ``object`` and ``noscript`` are
dropped; block elements and ``<br>`` become line breaks, list items start with "- ", entities are
decoded (``&nbsp;`` becomes a space), runs of spaces collapse and blank lines are dropped.

Example:
    >>> html_to_text("<p>Drop-in&nbsp;centre</p><ul><li>Food</li><li>Advice</li></ul>")
    'Drop-in centre\\n- Food\\n- Advice'
    >>> html_to_text("<p>Hi<script>alert(1)</script></p>")
    'Hi'
    >>> looks_like_html("Plain text, 5 < 6"), looks_like_html("<p>Hello</p>")
    (False, True)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["html_to_text", "looks_like_html"]

_DROP = frozenset({"script", "style", "template", "iframe", "object", "noscript", "head", "svg"})
_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "dl",
        "header",
        "footer",
    }
)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds an HTML tag or entity."""
    return bool(_TAG.search(text))


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self.dropping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """The plain text of an HTML fragment (see the module docstring)."""
    parser = _TextParser()
    parser.feed(value)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line and line != "-")
