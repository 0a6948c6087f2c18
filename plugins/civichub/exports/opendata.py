"""The whole hub as open data: JSON and CSV tables with a Frictionless datapackage.json. To be written."""
from __future__ import annotations

from typing import Iterator


def files(hub, site, posts) -> Iterator[tuple[str, bytes]]:
    return iter(())
