"""The civichub command: check, build, serve."""
from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import NoReturn

from .problems import github_annotation, summary

log = logging.getLogger("civichub")

# Contributor and maintainer tools, each a module with configure(parser) and run(args) -> exit code.
TOOLS: dict[str, tuple[str, str]] = {
    "links": ("civichub.linktools", "find links published twice and tracking parameters"),
    "linkcheck": ("civichub.linkcheck", "check that every link still answers"),
    "newsletter": ("civichub.newsletter", "write a roundup as an email (HTML and plain text)"),
    "new": ("civichub.scaffold", "create a content file: person, actor, event, session, roundup"),
    "bench": ("civichub.bench", "time builds of a synthetic hub against plain Pelican and Hugo"),
    "schemas": ("civichub.schemas", "write the JSON Schemas editors use to check content files"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civichub", description="Civic-tech hubs on Pelican.")
    parser.add_argument("-s", "--settings", default="pelicanconf.py", type=Path,
                        help="Pelican settings file (default: pelicanconf.py)")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate content/ without building")
    check.add_argument("--strict", action="store_true", help="warnings fail too")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="github: annotations on the changed lines of a pull request")
    check.add_argument("content", nargs="?", type=Path, help="content folder (default: PATH setting)")
    build = commands.add_parser("build", help="check, then build the site into output/")
    build.add_argument("-o", "--output", type=Path, help="output folder (default: OUTPUT_PATH)")
    build.add_argument("--full", action="store_true",
                       help="make every page and file again, even those whose inputs did not change")
    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1 and rebuild on change")
    serve.add_argument("-p", "--port", type=int, default=8000)
    serve.add_argument("-b", "--bind", default="127.0.0.1")
    serve.add_argument("-o", "--output", type=Path)
    importer = commands.add_parser("import", help="turn a c3voc/pretalx schedule.json into content files")
    importer.add_argument("schedule", type=Path, help="a schedule.json file")
    importer.add_argument("--event", help="event folder name (default: from the schedule's acronym)")
    wanted = requested_command(argv)
    for name, (module, help_text) in TOOLS.items():
        tool = commands.add_parser(name, help=help_text)
        tool.set_defaults(tool_module=module)
        if name == wanted:  # only the tool asked for is imported (all of them: 0.1 s of every command)
            import_module(module).configure(tool)
    args = parser.parse_args(argv)
    setup_logging()
    try:
        if hasattr(args, "tool_module"):
            return import_module(args.tool_module).run(args)
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("civichub: interrupted; the previous site was left as it was", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for users; one line that says what failed
        print(f"civichub: internal error: {type(exc).__name__}: {exc} (please report this bug; "
              "run with CIVICHUB_DEBUG=1 for details)", file=sys.stderr)
        if os.environ.get("CIVICHUB_DEBUG"):
            raise
        return 70


def setup_logging() -> None:
    root = logging.getLogger()
    if any(getattr(h, "civichub", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.civichub = True
    handler.setFormatter(PlainFormatter())
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


class PlainFormatter(logging.Formatter):
    """civichub problems are already 'file:line:col: error: ...'; Pelican's get a prefix."""

    def format(self, record):
        if record.name.startswith("civichub"):
            return record.getMessage()
        return f"pelican: {record.levelname.lower()}: {record.getMessage()}"


def settings_or_exit(path: Path, overrides: dict | None = None) -> dict:
    from .build import read_settings
    if not path.is_file():
        raise SystemExit(f"civichub: settings file {path} not found (run from the hub's root folder)")
    return read_settings(path, overrides)


def requested_command(argv: list[str] | None) -> str | None:
    """The command named on the command line, before the whole line is parsed."""
    before = argparse.ArgumentParser(add_help=False)
    before.add_argument("-s", "--settings")
    _, rest = before.parse_known_args(sys.argv[1:] if argv is None else argv)
    return rest[0] if rest and not rest[0].startswith("-") else None


def run_check(args) -> int:
    from .pipeline import load_and_check
    settings = settings_or_exit(args.settings)
    content = args.content or Path(settings["PATH"])
    checked = load_and_check(content, settings)
    for problem in checked.problems:
        print(github_annotation(problem) if args.format == "github" else problem)
    failed = not checked.ok or (args.strict and checked.problems)
    print(f"civichub check: {checked.content.files} files, {summary(checked.problems)}", file=sys.stderr)
    return 1 if failed else 0


def run_build(args) -> int:
    from .build import BuildLocked, build_site
    from .pipeline import BuildFailed
    settings_or_exit(args.settings)
    started = time.perf_counter()
    try:
        built = build_site(args.settings, args.output, full=args.full)
    except BuildFailed as exc:
        print(f"civichub build: failed ({exc}); the previous site was left as it was", file=sys.stderr)
        return 1
    except BuildLocked as exc:
        print(f"civichub build: {exc}", file=sys.stderr)
        return 1
    print(f"civichub build: {built.pages} pages in {built.output} ({time.perf_counter() - started:.2f} s)",
          file=sys.stderr)
    return 0


def run_serve(args) -> int:
    from .serve import serve
    settings_or_exit(args.settings)
    return serve(args.settings, args.output, args.bind, args.port)


def run_import(args) -> int:
    from .importer import run
    settings = settings_or_exit(args.settings)
    return run(args.schedule, Path(settings["PATH"]), args.event)


NO_COLLECTOR = ("build", "check")
COMMANDS = {"check": run_check, "build": run_build, "serve": run_serve, "import": run_import}

def run() -> NoReturn:
    """The `civichub` command: main(), then an exit that skips tearing the interpreter down.
    Freeing a built hub's objects one by one takes longer than an incremental rebuild's work
    (0.9 s of 4.5 s at scale 10); by then every file the command wrote is closed, and the logs
    and the standard streams are flushed here. Under a profiler or a tracer (cProfile,
    pyinstrument, coverage), which write their report at exit, the exit is the usual one.
    (Tests call main(), which returns.)

    A build or a check runs without the cyclic garbage collector (NO_COLLECTOR): what it makes
    lives to its end, or is freed by reference counting, and the process ends with it. The
    collector's passes cost a cold build at scale 10 about 0.3 s of 9 and a rebuild 0.04 s of 1,
    for 7 MB of memory freed. A server, and the commands that open connection after connection,
    keep it."""
    if requested_command(None) in NO_COLLECTOR:
        gc.disable()
    code = main()
    if sys.getprofile() or sys.gettrace():
        sys.exit(code)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
