"""The upstream stages in order: files -> load -> check -> hub."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import caches, check, hub, hubcache, load, loadcache, mentions, parallel
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
    found_by_check: list[Problem] = field(default_factory=list)  # (among problems) those of check.py

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def formats_from(settings: dict) -> dict[str, str]:
    return {**check.DEFAULT_FORMATS, **settings.get("CIVICHUB_FORMATS", {})}


def load_and_check(content_dir: Path, settings: dict, display_root: Path | None = None,
                   cached: bool = False, walk: load.Walk | None = None) -> Checked:
    """cached: keep what loading each file gave in CIVICHUB_CACHE_PATH, with each file's
    fingerprint (builds, which hold the output's lock, use it; a check parses everything, as CI
    does on a clean clone). walk: filled with what the load saw (load.Walk)."""
    path = caches.cache_path(settings, loadcache.FILE_NAME) if cached else None
    cache = caches.read_cache(path, loadcache.LoadCache.open) if path else None
    content, problems = load.load(Path(content_dir), display_root, cache, fingerprints=cached,
                                  processes=processes_of(settings), walk=walk)
    found_by_check = check.check(content, formats_from(settings))
    return Checked(content, sorted_problems(problems + found_by_check), found_by_check)


def build_hub(checked: Checked, settings: dict, cached: bool = False) -> hub.Hub:
    """cached: keep the names found in each text in CIVICHUB_CACHE_PATH for the next build."""
    if not checked.ok:
        raise BuildFailed(checked.problems)
    found = caches.cache_path(settings, mentions.FILE_NAME) if cached else None
    return hub.build(checked.content, formats_from(settings), found)


def hub_for_build(content_dir: Path, settings: dict, report: Callable[[list[Problem]], None],
                  incremental: bool = True) -> hub.Hub:
    """A build's hub: for an incremental build, the one the previous build kept, with the free
    text changed since put into it (hubcache.py); else loaded through the load cache, checked,
    built and kept for the next build (a first or a full build makes it afresh). report is told
    the content's problems; errors raise BuildFailed."""
    content_dir = Path(content_dir)
    path = caches.cache_path(settings, hubcache.FILE_NAME)
    valid = hubcache.validity(content_dir, Path.cwd(), formats_from(settings))
    kept = hubcache.read(path, valid) if incremental else None
    found = hubcache.updated(kept, load.Loader(content_dir, fingerprints=True),
                             caches.cache_path(settings, mentions.FILE_NAME)) if kept else None
    if found is not None:
        problems, built = found
        report(problems)
        if any(p.is_error for p in problems):
            raise BuildFailed(problems)
        return built
    walk = load.Walk()
    checked = load_and_check(content_dir, settings, cached=True, walk=walk)
    report(checked.problems)
    built = build_hub(checked, settings, cached=True)
    hubcache.keep(path, valid, walk, checked.found_by_check, built)
    return built


def processes_of(settings: dict) -> int:
    """How many processes a build's work is shared out between (CIVICHUB_JOBS, default all CPUs)."""
    return settings.get("CIVICHUB_JOBS") or parallel.usable_cpus()
