"""The theme's templates compiled ahead, in a process of their own, into the bytecode cache.

A first build finds the cache (CIVICHUB_CACHE_PATH/jinja) empty and compiles about forty
templates, one after the other, in the process that lists the pages and in the middle of
Pelican's writing of the posts: 0.4 to 0.65 s at scale 10 while the second core waits
(docs/performance.md). So as soon as the generators exist, when some template has no file in
the cache, a forked process compiles every template of the theme into it, on the core that
Pelican's reading of the posts leaves idle; the build then finds each one there. The process
writes nothing but the cache's files, each one whole (Jinja renames a finished temporary file
into place): a build that needs a template first compiles it as before, and one that fails first
leaves a cache that is only more complete. It shares nothing else with the build: it lets go of
every file and pipe it was forked with, so no reader of the build's output waits for it."""
from __future__ import annotations

import os
import signal

from jinja2 import FileSystemBytecodeCache, TemplateError

_running: list[int] = []  # the processes started and not yet waited for (at most one a build)


def start(environment, processes: int) -> None:
    """Compile in a forked process the templates of environment's theme that its bytecode cache
    lacks, if any and if the build has more than one core (processes) to run on."""
    reap()
    names = missing(environment) if processes > 1 and hasattr(os, "fork") else []
    if not names:
        return
    pid = os.fork()
    if pid == 0:
        compile_and_exit(environment, names)
    _running.append(pid)


def missing(environment) -> list[str]:
    """The theme's templates (not Pelican's '!simple/' ones) without a file in the cache."""
    cache = environment.bytecode_cache
    if not isinstance(cache, FileSystemBytecodeCache) or environment.loader is None:
        return []
    try:
        listed = environment.list_templates()
    except TypeError:  # a loader that cannot list its templates: the build compiles them
        return []
    names = []
    for name in listed:
        if name.startswith("!"):
            continue
        try:
            _, filename, _ = environment.loader.get_source(environment, name)
        except TemplateError:
            continue
        key = cache.get_cache_key(name, filename)
        if not os.path.exists(os.path.join(cache.directory, cache.pattern % key)):
            names.append(name)
    return names


def compile_and_exit(environment, names: list[str]) -> None:
    """In the forked process: never returns."""
    try:
        # stopped (stop(), or Ctrl-C with the build) between two templates or in Jinja's writing
        # of one, which then removes its temporary file
        signal.signal(signal.SIGTERM, _stopped)
        signal.signal(signal.SIGINT, _stopped)
        devnull = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(devnull, stream)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # (start() forks only where os.fork exists: POSIX)
        for name in sorted(names):
            try:
                environment.get_template(name)
            except Exception:  # noqa: BLE001 - the build compiles it again and reports the error
                continue
    finally:
        os._exit(0)


def _stopped(signum, frame) -> None:
    raise SystemExit(0)


def wait() -> None:
    """Wait for the templates being compiled, if any: the build is about to need them all."""
    while _running:
        pid = _running.pop()
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def stop() -> None:
    """End the compiling process now (the build failed)."""
    for pid in _running:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    wait()


def reap() -> None:
    """Collect a process a failed build of this same process left (it stopped on its own)."""
    for pid in list(_running):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _running.remove(pid)
