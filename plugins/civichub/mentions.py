"""Which actors and people a roundup link or a post mentions. To be written: detection of names
and aliases in titles and excerpts, on top of the explicit mentions indexed by hub.py."""
from __future__ import annotations


def detect(hub) -> None:
    """Add detected mentions to hub.actor_mentions / hub.person_mentions."""
