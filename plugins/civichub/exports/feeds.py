"""Atom and JSON Feed for roundups and posts. To be written."""
from __future__ import annotations

from typing import Iterator


def files(hub, site, posts) -> Iterator[tuple[str, bytes]]:
    return iter(())
