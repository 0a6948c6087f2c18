"""Markdown fields -> safe HTML, rendered once per distinct text."""
from __future__ import annotations

from functools import lru_cache

import markdown
from markupsafe import Markup

from .filters import typo_html
from .sanitize import clean


@lru_cache(maxsize=1)
def converter() -> markdown.Markdown:
    """Made on first use: loading the extensions costs start-up 30 ms, and a rebuild whose texts
    are all cached renders none."""
    return markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")


@lru_cache(maxsize=None)  # one entry per text of the hub (beyond a bound, pages would evict each other's)
def render(text: str, lang: str = "fr") -> Markup:
    """Sanitized HTML with French typography in its text nodes (none when lang is not French)."""
    if not text:
        return Markup("")
    md = converter()
    md.reset()
    return typo_html(clean(md.convert(text)), lang or "fr")
