"""Home, 404 and robots.txt."""
from __future__ import annotations

from typing import Iterator

from . import Page


def pages(hub, urls, settings) -> Iterator[Page]:
    if settings.get("CIVICHUB_HOME", True):
        yield Page(urls("home"), "home")
    yield Page(urls("notfound"), "404")
    if settings.get("CIVICHUB_ROBOTS", True):
        yield Page("robots.txt", "robots")
