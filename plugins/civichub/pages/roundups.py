"""Weekly link reviews: the archive and one page per roundup."""
from __future__ import annotations

from typing import Iterator

from . import Page


def pages(hub, urls, settings) -> Iterator[Page]:
    yield Page(urls("roundups"), "roundups")
    published = hub.published_roundups()
    for index, roundup in enumerate(published):
        newer = published[index - 1] if index > 0 else None
        older = published[index + 1] if index + 1 < len(published) else None
        yield Page(urls(roundup), "roundup", {"roundup": roundup, "newer": newer, "older": older})
