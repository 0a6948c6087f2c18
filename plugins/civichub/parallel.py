"""Sharing work out to every core: the files a first build loads (load.load_ahead), then the
build's rendering. The jobs (chunks of files, of pages, export modules) run in forked processes
that inherit what this one holds (the loader; the built hub and the compiled templates), so no
input is pickled; each process takes the next job as it frees up and reports back only a summary
(what it loaded, pickled; the files it wrote) and its log records, which this process replays so
they are printed once and counted."""
from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import traceback
from multiprocessing import get_context
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")


class WorkerFailed(RuntimeError):
    """A worker process died or raised something that cannot be sent back as it is."""


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def share_out(jobs: Sequence[Callable[[], None]], processes: int, summary: Callable[[], T]) -> list[T]:
    """Run every job once, in this process and in processes-1 forked ones; returns summary() of
    each forked process (this process's own effects are already here). The first error raised
    by any job is raised here, after every process has stopped."""
    processes = min(processes, len(jobs))
    if processes <= 1 or not hasattr(os, "fork"):
        for job in jobs:
            job()
        return []
    counter = get_context("fork").Value("i", 0)  # shared: the index of the next job to take
    sys.stdout.flush()
    sys.stderr.flush()
    children = [fork_worker(jobs, counter, summary) for _ in range(processes - 1)]
    try:
        run_jobs(jobs, counter)
    except BaseException:
        stop(children)
        raise
    return [collect(pid, reader) for pid, reader in children]


def run_jobs(jobs: Sequence[Callable[[], None]], counter) -> None:
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        if index >= len(jobs):
            return
        jobs[index]()


def fork_worker(jobs, counter, summary) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid:
        os.close(writer)
        return pid, reader
    os.close(reader)
    records = capture_log_records()
    try:
        run_jobs(jobs, counter)
        payload = ("ok", summary(), records)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        payload = ("error", sendable(exc), records)
    try:
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(payload, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)  # no atexit handlers, no second flush of the parent's buffers


def collect(pid: int, reader: int) -> T:
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()  # read before waiting: a full pipe would block the child forever
    _, status = os.waitpid(pid, 0)
    if not data:
        cause = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"status {os.waitstatus_to_exitcode(status)}"
        raise WorkerFailed(f"a build process stopped without finishing ({cause})")
    outcome, value, records = pickle.loads(data)
    for record in records:
        logging.getLogger(record.name).handle(record)
    if outcome == "error":
        raise value
    return value


def stop(children: list[tuple[int, int]]) -> None:
    for pid, reader in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.close(reader)
        os.waitpid(pid, 0)


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # as logging.handlers.QueueHandler.prepare: the message is formatted here, where its
        # arguments are, and the record travels as plain strings
        record.msg = record.getMessage()
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def capture_log_records() -> list[logging.LogRecord]:
    """In a worker: log records are kept for the parent instead of being printed here."""
    collector = _Collector()
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(collector)
    return collector.records


def sendable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - an exception type that does not pickle
        text = "".join(traceback.format_exception(exc)).rstrip()
        return WorkerFailed(f"a build process failed:\n{text}")
