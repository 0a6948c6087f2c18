"""Templates compiled ahead into the bytecode cache by a forked process (precompile.py)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from jinja2 import (ChoiceLoader, DictLoader, Environment, FileSystemBytecodeCache, FileSystemLoader,
                    PrefixLoader, TemplateSyntaxError)

from civichub import fastjinja, precompile

TEMPLATES = {
    "base.html": "<title>{% block title %}{% endblock %}</title>{% block content %}{% endblock %}",
    "page.html": '{% extends "base.html" %}{% from "macros.html" import link %}'
                 "{% block title %}{{ title|upper }}{% endblock %}{% block content %}{{ link(url) }}{% endblock %}",
    "macros.html": '{% macro link(url) %}<a href="{{ url }}">{{ url }}</a>{% endmacro %}',
}
VALUES = {"title": "Journée <civic tech>", "url": "https://example.org/?a=1&b=2"}


def environment(cache: Path, templates: dict[str, str] | None = None, loader=None,
                cache_class=FileSystemBytecodeCache) -> Environment:
    """As Pelican's: the theme's templates, and Pelican's own behind a '!simple/' prefix."""
    theme = loader or DictLoader(templates or TEMPLATES)
    env = Environment(loader=ChoiceLoader([theme, PrefixLoader({"!simple": DictLoader({"base.html": "simple"})})]),
                      autoescape=True, bytecode_cache=cache_class(str(cache), fastjinja.BYTECODE_NAMES))
    fastjinja.install(env)
    return env


def parsed_again(*args, **kwargs):
    raise AssertionError("a template was compiled again")


@pytest.fixture(autouse=True)
def no_process_left():
    yield
    assert not precompile._running
    precompile.stop()


def test_the_build_finds_every_template_compiled_in_the_cache(tmp_path):
    env = environment(tmp_path)
    assert sorted(precompile.missing(env)) == sorted(TEMPLATES)  # not Pelican's '!simple/' ones
    precompile.start(env, processes=2)
    precompile.wait()
    assert precompile.missing(env) == []
    assert len(list(tmp_path.iterdir())) == len(TEMPLATES)
    fresh = environment(tmp_path)
    fresh.parse = parsed_again  # every template comes from the cache
    uncached = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
    fastjinja.install(uncached)
    assert fresh.get_template("page.html").render(VALUES) == uncached.get_template("page.html").render(VALUES)


def test_nothing_is_started_on_one_core_or_with_a_complete_cache(tmp_path, monkeypatch):
    env = environment(tmp_path)
    precompile.start(env, processes=1)
    assert not precompile._running and not list(tmp_path.iterdir())
    for name in TEMPLATES:
        env.get_template(name)  # compiled here, as a build on one core does
    forked = []
    monkeypatch.setattr(os, "fork", lambda: forked.append(1) or 0)
    precompile.start(environment(tmp_path), processes=2)
    assert not forked and not precompile._running


def test_a_template_with_an_error_is_left_to_the_build_to_report(tmp_path):
    templates = {**TEMPLATES, "broken.html": "{% if %}"}
    env = environment(tmp_path, templates)
    precompile.start(env, processes=2)
    precompile.wait()
    assert precompile.missing(env) == ["broken.html"]
    with pytest.raises(TemplateSyntaxError):
        environment(tmp_path, templates).get_template("broken.html")


class SlowLoader(DictLoader):
    """A theme whose templates take long to read: the process is still compiling."""

    def __init__(self):
        super().__init__(TEMPLATES)

    def get_source(self, environment, name):
        time.sleep(0.3)
        return super().get_source(environment, name)


def test_the_process_holds_none_of_the_build_files_and_pipes(tmp_path):
    """A reader of the build's output (the server's pipe, a test's) gets to its end when the
    build ends, not when the compiling does."""
    reader, writer = os.pipe()
    precompile.start(environment(tmp_path, loader=SlowLoader()), processes=2)
    os.close(writer)
    started = time.perf_counter()
    assert os.read(reader, 1) == b""  # every writer closed: the process closed its copy
    assert time.perf_counter() - started < 0.5
    os.close(reader)
    assert os.waitpid(precompile._running[0], os.WNOHANG) == (0, 0)  # still compiling
    precompile.stop()


def test_a_failed_build_stops_it(tmp_path):
    precompile.start(environment(tmp_path, loader=SlowLoader()), processes=2)
    pid = precompile._running[0]
    precompile.stop()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # ended and collected
    assert len(list(tmp_path.glob("*.cache"))) < len(TEMPLATES)


def test_a_build_leaves_every_theme_template_compiled(hub):
    hub.build()
    theme = FileSystemLoader(str(hub.root / "theme" / "templates"))
    assert precompile.missing(environment(hub.root / ".cache" / "jinja", loader=theme)) == []


def test_a_build_that_fails_on_its_content_stops_it_at_once(hub):
    from civichub.pipeline import BuildFailed
    hub.write("people/x.yaml", "name: X\naffiliations: [cap-colectif]\n")
    with pytest.raises(BuildFailed):
        hub.build()
    assert not precompile._running  # stopped, and collected


class SlowCache(FileSystemBytecodeCache):
    """A cache whose files take long to write: the process is stopped while one is written."""

    def dump_bytecode(self, bucket):
        write = bucket.write_bytecode

        def slowly(handle):
            time.sleep(0.3)
            write(handle)

        bucket.write_bytecode = slowly
        super().dump_bytecode(bucket)


def test_stopped_while_writing_a_template_it_leaves_no_temporary_file(tmp_path):
    """Jinja writes a compiled template into a temporary file, then renames it: the process ends
    through Jinja's clean-up, which removes the file, not in the middle of the writing."""
    precompile.start(environment(tmp_path, cache_class=SlowCache), processes=2)
    deadline = time.monotonic() + 10
    while not list(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)  # until the first temporary file is there
    precompile.stop()
    assert not [path.name for path in tmp_path.iterdir() if not path.name.endswith(".cache")]
