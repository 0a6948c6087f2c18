"""Page sets: each module lists the pages of one area of the site as Page records; the
generator renders them. A module reads the hub and never changes it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    url: str  # relative to the site root, 'personnes/x/' or 'liens/feed.xml'
    template: str  # theme template name, without '.html'
    values: dict[str, Any] = field(default_factory=dict)


class SettingError(ValueError):
    """A setting that a page set reads is wrong; the message names it and says what to do."""
