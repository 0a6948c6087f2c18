"""Markdown fields -> safe HTML, rendered once per distinct text."""
from __future__ import annotations

import re
from functools import lru_cache

import markdown
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markupsafe import Markup

from .filters import typo_html
from .sanitize import clean


@lru_cache(maxsize=1)
def converter() -> markdown.Markdown:
    """Made on first use (a rebuild whose texts are all plain renders none). "extra" and
    "sane_lists", given as extensions rather than by name: Markdown looks a name up among the
    entry points of every installed package first, 25 ms of a rebuild after an edit. (extra is
    these seven, in its order.)"""
    extra = [AbbrExtension(), AttrListExtension(), DefListExtension(), FencedCodeExtension(), FootnoteExtension(),
             MarkdownInHtmlExtension(), TableExtension()]
    return markdown.Markdown(extensions=[*extra, SaneListExtension()], output_format="html")


# A one-line text that Markdown can only make a paragraph of, unchanged: no character that starts
# an inline construct (emphasis, code, links, HTML, entities, escapes, attributes, footnotes,
# abbreviations) or needs a second line (tables, definitions, headings underlined), no
# whitespace Markdown rewrites at either end, and no start of a block (list, quote, heading,
# definition). Nine texts out of ten at scale 10 (bios, titles, excerpts), which Python-Markdown
# takes 60 µs each to convert.
SPECIAL = r"\x00-\x1f\x7f*_`\[\]<>&\\#|{}~=+^"
PLAIN_LINE = re.compile(rf"[^{SPECIAL}\s:-](?:[^{SPECIAL}]*[^{SPECIAL}\s])?")
LIST_START = re.compile(r"\d+[.)]\s")


def converted(text: str) -> str:
    """What Python-Markdown gives for text, without running it on plain one-line texts."""
    if PLAIN_LINE.fullmatch(text) and not LIST_START.match(text):
        return f"<p>{text}</p>"
    md = converter()
    md.reset()
    return md.convert(text)


@lru_cache(maxsize=None)  # one entry per text of the hub (beyond a bound, pages would evict each other's)
def render(text: str, lang: str = "fr") -> Markup:
    """Sanitized HTML with French typography in its text nodes (none when lang is not French)."""
    if not text:
        return Markup("")
    return typo_html(clean(converted(text)), lang or "fr")
