"""civichub linktools: to be written."""
from __future__ import annotations


def configure(parser) -> None:
    pass


def run(args) -> int:
    print("civichub linktools: not implemented yet")
    return 2
