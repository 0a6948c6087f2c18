"""A development server: serves output/ on the loopback address and rebuilds when a source changes."""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from typing import Callable

WATCHED = ("content", "theme", "plugins")


def snapshot(root: Path, settings_file: Path) -> dict[Path, float]:
    files = [settings_file]
    for name in WATCHED:
        folder = root / name
        if folder.is_dir():
            files += [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return {p: p.stat().st_mtime_ns for p in files if p.exists()}


def serve(settings_file: Path, output: Path | None, bind: str, port: int,
          rebuild: Callable[[], int], interval: float = 0.5) -> int:
    from .build import read_settings
    root = settings_file.resolve().parent
    output = Path(output or read_settings(settings_file)["OUTPUT_PATH"]).resolve()
    rebuild()
    output.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer((bind, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"civichub serve: http://{bind}:{server.server_address[1]}/ (Ctrl-C to stop)")
    stop = threading.Event()
    seen = snapshot(root, settings_file)
    try:
        while not stop.wait(interval):
            current = snapshot(root, settings_file)
            if current != seen:
                seen = current
                print("civichub serve: change seen, rebuilding")
                rebuild()
    finally:
        server.shutdown()
    return 0


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass
