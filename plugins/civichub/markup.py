"""Markdown fields -> safe HTML, rendered once per distinct text."""
from __future__ import annotations

from functools import lru_cache

import markdown
from markupsafe import Markup

from .filters import typo_html
from .sanitize import clean

_md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")


@lru_cache(maxsize=8192)
def render(text: str, lang: str = "fr") -> Markup:
    """Sanitized HTML with French typography in its text nodes (none when lang is not French)."""
    if not text:
        return Markup("")
    _md.reset()
    return typo_html(clean(_md.convert(text)), lang or "fr")
