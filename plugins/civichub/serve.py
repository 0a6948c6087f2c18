"""A development server: serves output/ on the loopback address, rebuilds when a source changes,
and while the content has errors shows them in the browser instead of the (previous) site."""
from __future__ import annotations

import functools
import html
import http.server
import threading
import time
from pathlib import Path

from .build import BuildLocked, build, read_settings
from .pipeline import BuildFailed
from .problems import Problem

WATCHED = ("content", "theme", "plugins")


def snapshot(root: Path, settings_file: Path) -> dict[Path, float]:
    files = [settings_file]
    for name in WATCHED:
        folder = root / name
        if folder.is_dir():
            files += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return {p: p.stat().st_mtime_ns for p in files if p.exists()}


class State:
    """What the last build said; read by request threads, written by the watch loop."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failure: str = ""
        self.problems: list[Problem] = []

    def set(self, failure: str = "", problems: list[Problem] | None = None) -> None:
        with self.lock:
            self.failure, self.problems = failure, problems or []


def rebuild(settings_file: Path, output: Path, state: State) -> None:
    started = time.perf_counter()
    try:
        build(settings_file, output)
    except BuildFailed as exc:
        print(f"civichub serve: build failed ({exc}); serving an error page until it is fixed")
        state.set(str(exc), [p for p in exc.problems if p.is_error])
        return
    except BuildLocked as exc:
        print(f"civichub serve: {exc}")
        return
    except Exception as exc:  # a bug in a template or plugin: keep serving, say what happened
        print(f"civichub serve: build crashed: {type(exc).__name__}: {exc}")
        state.set(f"{type(exc).__name__}: {exc}")
        return
    state.set()
    print(f"civichub serve: rebuilt in {time.perf_counter() - started:.2f} s")


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

    def send_head(self):
        if self.state.failure and (self.path.endswith("/") or self.path.split("?")[0].endswith(".html")):
            body = error_page(self.state)
            self.send_response(500)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return _Body(body)
        return super().send_head()

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


def serve(settings_file: Path, output: Path | None, bind: str, port: int, interval: float = 0.5) -> int:
    root = settings_file.resolve().parent
    output = Path(output or read_settings(settings_file)["OUTPUT_PATH"]).resolve()
    state = State()
    rebuild(settings_file, output, state)
    output.mkdir(parents=True, exist_ok=True)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = http.server.ThreadingHTTPServer((bind, port), functools.partial(handler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"civichub serve: http://{bind}:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    seen = snapshot(root, settings_file)
    try:
        while True:
            time.sleep(interval)
            current = snapshot(root, settings_file)
            if current != seen:
                seen = current
                print("civichub serve: change seen, rebuilding", flush=True)
                rebuild(settings_file, output, state)
    finally:
        server.shutdown()
