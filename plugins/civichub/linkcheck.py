"""civichub linkcheck: to be written."""
from __future__ import annotations


def configure(parser) -> None:
    pass


def run(args) -> int:
    print("civichub linkcheck: not implemented yet")
    return 2
