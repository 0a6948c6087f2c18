"""A development server: serves output/ on the loopback address, rebuilds when a source changes,
and while the content has errors shows them in the browser instead of the (previous) site.

Each build runs in a process forked from the server, which has imported civichub, Pelican and
their libraries and read the build's caches (caches.read_ahead) while it waited for an edit: a
rebuild starts where a `civichub build` would be a second later. A build forked that way is
also isolated: whatever it does to what it was handed dies with it, and the server reads the
caches again (as that build wrote them) for the next one. A change to the code (plugins/)
restarts the server, which would otherwise fork builds from the code it started with.

Every page it serves reloads itself once the site is rebuilt: the server adds a small script to
the HTML it sends (never to the files), which listens to an event stream (RELOAD_URL) that
says when a rebuild ended. Without JavaScript a page is reloaded by hand, as before.

A rebuilt site is served at once; its search index follows: Pagefind reads the whole site again
(seconds at a few thousand pages), in the background (SearchRefresh), and meanwhile the search
page answers from the previous index. An edit during that run stops it; the next one starts
after the rebuild."""
from __future__ import annotations

import functools
import gc
import html
import http.server
import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from . import search
from .caches import cache_path
from .build import BuildLocked, Built, build_lock, build_site, read_settings
from .pipeline import BuildFailed
from .problems import Problem

WATCHED = ("content", "theme", "plugins")
CODE = ("plugins",)  # a change here restarts the server
T = TypeVar("T")


RELOAD_URL = "/__civichub/reload"  # the server's event stream, not a file of the site
RELOAD_WORKER_URL = "/__civichub/reload.js"
# Reloads the page when the stream names a site other than the one the page came from (a build
# ended since, or the server started again: EventSource reconnects by itself after a restart).
# The tabs share one stream through a SharedWorker: a browser opens at most six connections to a
# host, and a stream per tab would leave a seventh tab waiting.
RELOAD_SCRIPT = (
    '<script>/* civichub serve */ (() => { const site = "%s"; '
    'const seen = (name) => { if (name !== site) location.reload(); }; '
    'if (window.SharedWorker) { const worker = new SharedWorker("' + RELOAD_WORKER_URL + '"); '
    'worker.port.onmessage = (event) => seen(event.data); worker.port.start(); } '
    'else { new EventSource("' + RELOAD_URL + '").onmessage = (event) => seen(event.data); } })();</script>')
# The worker tells each tab the last site named, and every tab each new one
RELOAD_WORKER = (
    '/* civichub serve */ const ports = []; let last; '
    'new EventSource("' + RELOAD_URL + '").onmessage = (event) => { last = event.data; '
    'for (const port of ports) port.postMessage(last); }; '
    'onconnect = (event) => { const port = event.ports[0]; ports.push(port); '
    'if (last !== undefined) port.postMessage(last); };').encode()
IDLE_SECONDS = 15  # a comment on the event stream that often: a closed tab ends its thread


class State:
    """What the last build said; read by request threads, written by the watch loop. site names
    the site served: it changes after every build that ended (page reloads wait for it)."""

    def __init__(self):
        self.lock = threading.Condition()  # notified when a build ended
        self.failure: str = ""
        self.problems: list[Problem] = []
        self.started, self.builds = time.time_ns(), 0

    def set(self, failure: str = "", problems: list[Problem] | None = None) -> None:
        with self.lock:
            self.failure, self.problems = failure, problems or []
            self.builds += 1
            self.lock.notify_all()

    @property
    def site(self) -> str:
        return f"{self.started}-{self.builds}"

    def next_site(self, after: str | None, timeout: float) -> str:
        """The site served once it is another than after, or after timeout seconds."""
        with self.lock:
            self.lock.wait_for(lambda: self.site != after, timeout)
            return self.site


@dataclass
class Attempt:
    """What one build said: the line to print, and, for a failed build, why and its errors."""
    report: str
    failed: bool = False
    failure: str = ""
    problems: list[Problem] = field(default_factory=list)
    unchanged: bool = False  # no new site (another build holds output/): what is served stays
    search_pending: bool = False  # the site's search index is to be made again


def attempt(settings_file: Path, output: Path,
            send: Callable[[Attempt], None] = lambda outcome: None) -> Attempt:
    """A build of the site, as the server reports it; sent as soon as the new site is live (the
    build then saves its record: the readers need not wait for that)."""
    started = time.perf_counter()

    def rebuilt(built: Built) -> Attempt:
        return Attempt(f"rebuilt in {time.perf_counter() - started:.2f} s", search_pending=built.search_pending)
    try:
        built = build_site(settings_file, output, search_later=True,
                           went_live=lambda built: send(rebuilt(built)))
    except BuildFailed as exc:
        return Attempt(f"build failed ({exc}); serving an error page until it is fixed", True, str(exc),
                       [p for p in exc.problems if p.is_error])
    except BuildLocked as exc:
        return Attempt(str(exc), unchanged=True)
    except Exception as exc:  # a bug in a template or plugin: keep serving, say what happened
        failure = f"{type(exc).__name__}: {exc}"
        return Attempt(f"build crashed: {failure}", True, failure)
    return rebuilt(built)


def in_child(function: Callable[..., T], *args, sent: Callable[[T | None], None] | None = None) -> T | None:
    """function(*args) run in a forked process; its result comes back pickled through a pipe
    (None if the process ended without one). The process ends with the function, so it runs
    without the cyclic garbage collector, as `civichub build` does (cli.run). (civichub runs where
    fork and fcntl do.) With sent, function takes one more argument, send, to send its result
    before it returns: sent is called with it at once, the process going on to its end."""
    sys.stdout.flush()  # else what is buffered would be printed twice
    sys.stderr.flush()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the server's code
        status = 0
        try:
            gc.disable()
            os.close(reader)
            with os.fdopen(writer, "wb") as pipe:
                done = False

                def send(result) -> None:  # the first result only
                    nonlocal done
                    if not done:
                        pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
                        pipe.flush()
                        done = True
                send(function(*args, send) if sent else function(*args))
        except BaseException:  # noqa: BLE001 - interrupted: the server gets no result
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        try:
            result = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError):  # ended without a result
            result = None
        if sent:
            sent(result)
        pipe.read()  # until the process ends (a build holds the site's lock until then)
    os.waitpid(pid, 0)
    return result


def rebuild(settings_file: Path, output: Path, state: State) -> Attempt:
    """A build in a forked process, reported (and the readers' pages reloaded) as soon as its site
    is live; returns once the process has ended."""
    def report(outcome: Attempt | None) -> None:
        outcome = outcome or stopped()
        print(f"civichub serve: {outcome.report}", flush=True)
        if outcome.failed:
            state.set(outcome.failure, outcome.problems)
        elif not outcome.unchanged:
            state.set()
    return in_child(attempt, settings_file, output, sent=report) or stopped()


def stopped() -> Attempt:
    """What a build killed before it sent its outcome did: the site was left as it was."""
    return Attempt("the build stopped before it finished", unchanged=True)


class SearchRefresh:
    """search.refresh_index in a thread: the live site's index made again after a rebuild that
    left it stale. stop() ends a run early (its Pagefind process terminated, nothing moved in)."""

    def __init__(self, output: Path, settings_file: Path):
        self.output, self.settings_file = output, settings_file
        self.thread: threading.Thread | None = None
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()

    def start(self) -> None:
        self.stop()
        self.stopping.clear()
        self.thread = threading.Thread(target=self.run, name="search-refresh", daemon=True)
        self.thread.start()

    def run(self) -> None:
        started = time.perf_counter()
        try:
            settings = read_settings(self.settings_file)  # as the build had them
            pages = search.refresh_index(self.output, settings.get("DEFAULT_LANG", "fr"),
                                         functools.partial(build_lock, self.output), self.started,
                                         cache_path(settings, "pagefind"))
        except (search.SearchUnavailable, BuildLocked, OSError) as exc:
            if not self.stopping.is_set():
                print(f"civichub serve: the search index was not updated: {exc}", flush=True)
            return
        print(f"civichub serve: search index updated in {time.perf_counter() - started:.2f} s "
              f"({pages} pages)", flush=True)

    def started(self, process: subprocess.Popen) -> None:
        self.process = process
        if self.stopping.is_set():  # stopped before Pagefind started
            search.stop_indexing(process)

    def stop(self) -> None:
        if self.thread is None:
            return
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            search.stop_indexing(self.process)
        self.thread.join()
        self.thread = self.process = None


def warm_up(settings_file: Path) -> None:
    """What a build would otherwise do first: import the build's modules and read its caches.
    What is read is frozen (gc.freeze): the builds forked later do not copy the memory it is in
    by collecting it."""
    import icalendar  # noqa: F401 - imported by the builds that make calendars
    import lxml.html  # noqa: F401
    from pelican import Pelican  # noqa: F401
    from . import generator  # noqa: F401
    from . import hubcache, incremental, loadcache, markup, mentions, postcache
    from .caches import load_pickle, read_ahead, read_journal
    gc.unfreeze()
    markup.converter()
    mentions.combining_marks()
    settings = read_settings(settings_file)
    for name, read in ((loadcache.FILE_NAME, loadcache.LoadCache.open), (mentions.FILE_NAME, load_pickle),
                       (mentions.MATCHER_FILE, load_pickle), (postcache.FILE_NAME, load_pickle),
                       (hubcache.FILE_NAME, load_pickle), (incremental.RECORD_NAME, read_journal)):
        path = cache_path(settings, name)
        if path is not None:
            read_ahead(path, read)
    gc.collect()
    gc.freeze()


def error_page(state: State) -> bytes:
    with state.lock:
        items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in state.problems)
        failure = html.escape(state.failure)
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta http-equiv="refresh" '
            f'content="2"><title>Erreur de construction</title></head><body><main><h1>La construction a '
            f'échoué</h1><p>{failure}</p><ul>{items}</ul><p>Corrigez le contenu : la page se recharge '
            f'toute seule.</p></main></body></html>').encode("utf-8")


class Handler(http.server.SimpleHTTPRequestHandler):
    state: State

    def do_GET(self):
        if self.path.split("?")[0] == RELOAD_URL:
            self.send_reloads()
        else:
            super().do_GET()

    def send_head(self):
        path = self.path.split("?")[0].split("#")[0]
        if path == RELOAD_WORKER_URL:
            return self.send_bytes(200, "text/javascript; charset=utf-8", RELOAD_WORKER)
        if not (path.endswith("/") or path.endswith(".html")):
            return super().send_head()  # a folder without its slash is redirected there
        site = self.state.site  # before the page: a build that ends meanwhile reloads it
        if self.state.failure:
            return self.send_page(500, error_page(self.state), site)
        file = Path(self.translate_path(path))
        if path.endswith("/"):
            file = file / "index.html"
        try:
            html = file.read_bytes()
        except (OSError, ValueError):  # missing, a folder, unreadable: as the standard handler says
            return super().send_head()
        return self.send_page(200, html, site)

    def send_page(self, status: int, html: bytes, site: str) -> _Body:
        """The page, with the script that reloads it after the next build before </body>."""
        script = (RELOAD_SCRIPT % site).encode()
        end = html.rfind(b"</body>")
        return self.send_bytes(status, "text/html", html[:end] + script + html[end:] if end >= 0 else html + script)

    def send_bytes(self, status: int, kind: str, body: bytes) -> _Body:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return _Body(body)

    def send_reloads(self) -> None:
        """The event stream: the site served, then the next one each time a build ends."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent = None
        try:
            while True:
                site = self.state.next_site(sent, IDLE_SECONDS)
                self.wfile.write(f"data: {site}\n\n".encode() if site != sent else b": idle\n\n")
                self.wfile.flush()
                sent = site
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format, *args):
        pass


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def watched(root: Path, settings_file: Path) -> list[Path]:
    return [settings_file.resolve()] + [root / name for name in WATCHED if (root / name).is_dir()]


def code_changed(root: Path, changes: set) -> bool:
    code = [root / name for name in CODE]
    return any(Path(path).suffix == ".py" and any(Path(path).is_relative_to(c) for c in code)
               for _, path in changes)


def restart() -> None:
    """The same command again in this process: the new code is imported, the port bound again."""
    print("civichub serve: the code changed, restarting", flush=True)
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def changes(root: Path, settings_file: Path) -> Iterator[set]:
    """The sets of changed files, as watchfiles sees them (inotify) once they have been quiet for
    30 ms (an editor saves in steps). The settings file is watched anew after each change of it:
    an editor that saves by renaming a new file over it leaves the old watch on the old file."""
    from watchfiles import watch
    settings = str(settings_file.resolve())
    while True:
        for found in watch(*watched(root, settings_file), step=30, debounce=1000):
            yield found
            if any(path == settings for _, path in found):
                break


def serve(settings_file: Path, output: Path | None, bind: str, port: int) -> int:
    root = settings_file.resolve().parent
    output = Path(output or read_settings(settings_file)["OUTPUT_PATH"]).resolve()
    state = State()
    refresh = SearchRefresh(output, settings_file)
    warm_up(settings_file)
    pending = rebuild(settings_file, output, state).search_pending
    warm_up(settings_file)
    output.mkdir(parents=True, exist_ok=True)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = http.server.ThreadingHTTPServer((bind, port), functools.partial(handler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"civichub serve: http://{bind}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    try:
        if pending:
            refresh.start()
        for changed in changes(root, settings_file):
            refresh.stop()
            if code_changed(root, changed):
                server.server_close()
                restart()
            print("civichub serve: change seen, rebuilding", flush=True)
            if rebuild(settings_file, output, state).search_pending:
                refresh.start()
            warm_up(settings_file)
    finally:
        refresh.stop()
        server.shutdown()
    return 0
