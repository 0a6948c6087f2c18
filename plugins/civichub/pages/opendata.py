"""The page that explains the open data and links every file. To be written."""
from __future__ import annotations

from typing import Iterator

from . import Page


def pages(hub, urls, settings) -> Iterator[Page]:
    return iter(())
