"""Markdown fields -> safe HTML, rendered once per distinct text."""
from __future__ import annotations

from functools import lru_cache

import markdown
from markupsafe import Markup

from .sanitize import clean

_md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")


@lru_cache(maxsize=8192)
def render(text: str) -> Markup:
    if not text:
        return Markup("")
    _md.reset()
    return Markup(clean(_md.convert(text)))
