"""The upstream stages in order: files -> load -> check -> hub."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import caches, check, hub, load, loadcache, mentions, parallel
from .model import Content
from .problems import Problem, sorted_problems



class BuildFailed(Exception):
    """Content has errors; they have been reported, nothing must be written."""

    def __init__(self, problems: list[Problem], reason: str = ""):
        self.problems = problems
        errors = sum(p.is_error for p in problems)
        super().__init__(reason or f"{errors} error{'s' * (errors != 1)} in content")


@dataclass
class Checked:
    content: Content
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def formats_from(settings: dict) -> dict[str, str]:
    return {**check.DEFAULT_FORMATS, **settings.get("CIVICHUB_FORMATS", {})}


def load_and_check(content_dir: Path, settings: dict, display_root: Path | None = None,
                   cached: bool = False) -> Checked:
    """cached: keep what loading each file gave in CIVICHUB_CACHE_PATH, with each file's
    fingerprint (builds, which hold the output's lock, use it; a check parses everything, as CI
    does on a clean clone)."""
    path = caches.cache_path(settings, loadcache.FILE_NAME) if cached else None
    cache = caches.read_cache(path, loadcache.LoadCache.open) if path else None
    content, problems = load.load(Path(content_dir), display_root, cache, fingerprints=cached,
                                  processes=processes_of(settings))
    problems += check.check(content, formats_from(settings))
    return Checked(content, sorted_problems(problems))


def build_hub(checked: Checked, settings: dict, cached: bool = False) -> hub.Hub:
    """cached: keep the names found in each text in CIVICHUB_CACHE_PATH for the next build."""
    if not checked.ok:
        raise BuildFailed(checked.problems)
    found = caches.cache_path(settings, mentions.FILE_NAME) if cached else None
    return hub.build(checked.content, formats_from(settings), found)


def processes_of(settings: dict) -> int:
    """How many processes a build's work is shared out between (CIVICHUB_JOBS, default all CPUs)."""
    return settings.get("CIVICHUB_JOBS") or parallel.usable_cpus()
