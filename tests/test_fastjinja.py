"""Templates compiled by fastjinja.CodeGenerator render what Jinja's own generator renders."""
from __future__ import annotations

import functools

import pytest
from jinja2 import DictLoader, Environment
from markupsafe import Markup

from civichub import fastjinja

TEMPLATES = {
    "values": "{{ text }}|{{ html }}|{{ number }}|{{ none }}|{{ missing }}|{{ obj }}|{{ text ~ html }}",
    "macros": ("{% macro card(x) %}<b>{{ x }}</b>{% endmacro %}"
               "{% set shown = card(text) %}{{ shown }}|{{ card(html) }}|{{ shown is string }}"),
    "blocks": ("{% set block %}<i>{{ text }}</i>{% endset %}{{ block }}|{{ block|upper }}"
               "|{% filter upper %}{{ text }}{% endfilter %}|{{ text|e }}|{{ html|safe }}"),
    "caller": ("{% macro wrap() %}<p>{{ caller() }}</p>{% endmacro %}"
               "{% call wrap() %}{{ text }}{% endcall %}"),
    "arguments": ("{% macro card(x, level=2, tag='h' ~ 3) %}<{{ tag }}>{{ x }} {{ level }}</{{ tag }}>{% endmacro %}"
                  "{% macro rest() %}{{ varargs|join(',') }}|{{ kwargs|dictsort|join(',') }}{% endmacro %}"
                  "{% macro told(x, caller=none) %}[{{ x }}{{ caller() }}]{% endmacro %}"
                  "{% for i in [1] %}{{ card(text) }}{{ card(html, 4) }}{{ card(text, tag='b') }}"
                  "{{ card(x=i, level=5) }}{{ card() }}{{ card(text, 1, 'i') }}{% endfor %}"
                  "{{ rest(1, 2, k=text) }}{{ rest() }}{% call told(1) %}{{ html }}{% endcall %}"
                  "{% set shown = card(text) %}{{ shown is string }}{{ shown|upper }}"),
    "trans": "{% trans name=text %}Hello {{ name }} & co{% endtrans %}|{{ _('a < b') }}",
    "child": "{% extends 'base' %}{% block body %}{{ text }}{{ super() }}{% endblock %}",
    "base": "<main>{% block body %}{{ html }}{% endblock %}</main>{{ self.body() }}",
    "raw": "{% autoescape false %}{{ text }}{% endautoescape %}{{ text }}",
    "calls": ("{% for i in [1, 2] %}{{ with_context() }}{{ with_env() }}{{ counter(i) }}{{ shown.method(i) }}"
              "{{ Made(i) }}{{ stop() }}{{ plain(i, k=text) }}{{ shown.with_context(i) }}{{ with_eval() }}"
              "{{ urls(i) }}{{ own(i) }}{{ dynamic(i) }}{{ text.upper() }}{{ cached() }}{{ partly(k=i) }}{% endfor %}"
              "{% macro m(x) %}{{ with_context() }}{{ x }}{% endmacro %}{% for i in [3] %}{{ m(i) }}{% endfor %}"
              "{% set loop_var = 'outer' %}{{ with_context() }}"),
}


class Shown:
    def __html__(self):
        return "<em>shown</em>"

    def __str__(self):
        return "<not this>"


from jinja2 import pass_context, pass_environment, pass_eval_context  # noqa: E402


@pass_context
def with_context(context):
    return f"[{context.get('loop_var', 'none')} {context.get('i', '-')}]"


@pass_environment
def with_env(environment):
    return f"[env {environment.autoescape}]"


class Counter:
    @pass_context
    def __call__(self, context, i):
        return f"[counter {i} {context.get('text')[:3]}]"


class Made:
    def __init__(self, i):
        self.i = i

    def __str__(self):
        return f"[made {self.i}]"


class WithMethod:
    def method(self, i):
        return f"<m{i}>"

    @pass_context
    def with_context(self, context, i):
        return f"[method {i} {context.get('i', '-')}]"


class Urls:
    """A callable object that takes nothing (url_for)."""

    def __call__(self, i):
        return f"[url {i}]"


class Dynamic:
    """Answers any attribute, jinja_pass_arg included: Jinja passes what it answers."""

    def __getattr__(self, name):
        return None

    def __call__(self, i):
        return f"[dynamic {i}]"


def own_answer() -> Urls:
    """An instance that takes the context though its class does not."""
    def called(context, i):
        return f"[own {i} {context.get('text')[:3]}]"
    made = type("Own", (), {"__call__": lambda self, *a: called(*a)})()
    made.jinja_pass_arg = pass_context(lambda: None).jinja_pass_arg
    return made


@functools.lru_cache(maxsize=None)
@pass_context
def cached(context):
    return f"[cached {context.get('text')[:3]}]"


@pass_eval_context
def with_eval(eval_context):
    return f"[eval {eval_context.autoescape}]"


def stop():
    raise StopIteration


def plain(i, k=""):
    return f"<{i}{k}>"


VALUES = {"text": "Tom & <Jerry> \"q\" 'a'", "html": Markup("<a href='x'>&amp;</a>"), "number": 3.5,
          "none": None, "obj": Shown(), "with_context": with_context, "with_env": with_env,
          "counter": Counter(), "Made": Made, "with_eval": with_eval, "urls": Urls(), "own": own_answer(),
          "dynamic": Dynamic(), "cached": cached, "partly": functools.partial(plain, 0), "stop": stop, "plain": plain, "shown": WithMethod()}


def environment(install: bool) -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    if install:
        fastjinja.install(env)
    env.install_null_translations(newstyle=True)
    return env


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_same_page_as_jinja_own_generator(name):
    stock, ours = environment(False), environment(True)
    assert ours.get_template(name).render(VALUES) == stock.get_template(name).render(VALUES)


def test_calls_render_what_they_render_with_jinja_own_context():
    page = environment(True).get_template("calls").render(VALUES)
    assert page == environment(False).get_template("calls").render(VALUES)
    assert "[env True][counter 1 Tom]" in page and "[outer -]" in page and "[made 2]" in page and "&lt;1Tom" in page
    assert "[method 2 -][eval True][url 2][own 2 Tom][dynamic 2]TOM &amp; &lt;JERRY&gt;" in page
    assert "[cached Tom]&lt;01&gt;" in page
    assert isinstance(environment(True).get_template("calls").new_context(VALUES), fastjinja.CallingContext)


@pytest.mark.parametrize("call", ["card(1, 2, 3, 4)", "card(1, nope=2)", "card(1, x=2)", "card(level=1, level2=3)"])
def test_a_wrong_macro_call_says_what_jinja_says(call):
    source = "{% macro card(x, level=2, tag='h') %}{{ x }}{% endmacro %}{{ " + call + " }}"
    said = []
    for install in (False, True):
        with pytest.raises(TypeError) as raised:
            environment(install).from_string(source).render(VALUES)
        said.append(str(raised.value))
    assert said[0] == said[1] and "macro 'card'" in said[0]


def test_outputs_are_escaped_without_markup():
    source = environment(True).compile(TEMPLATES["values"], raw=True)
    assert "environment.escape_text(" in source and "escape(" not in source.replace("escape_text(", "")


@pytest.mark.parametrize("value", ["a < b", Markup("<b>"), Shown(), 12, None, ""])
def test_escape_text_is_markupsafe_escape(value):
    from markupsafe import escape
    assert fastjinja.escape_text(value) == str(escape(value))
    if not hasattr(value, "__html__"):
        assert type(fastjinja.escape_text(value)) is str  # no Markup made


# -- macro files imported with context -----------------------------------------------------------

MACRO_FILES = {
    "links.html": '{% macro home() %}<a href="{{ SITEURL }}/">{{ site }}</a>{% endmacro %}',
    "cards.html": ('{% import "links.html" as links with context %}'
                   '{% macro card(x) %}[{{ x }} {{ links.home() }}]{% endmacro %}'),
    "titled.html": "{% macro title() %}{{ page_title }}{% endmacro %}",
    "page.html": ('{% import "cards.html" as cards with context %}{% from "titled.html" import title with context %}'
                  "{{ cards.card(1) }} {{ title() }}"),
    "local.html": '{% set site = "local" %}{% import "links.html" as links with context %}{{ links.home() }}',
}


def macro_environment(install: bool) -> Environment:
    env = Environment(loader=DictLoader(MACRO_FILES), autoescape=True)
    if install:
        fastjinja.install(env)
    return env


PAGES = [{"SITEURL": "..", "site": "Hub", "page_title": "a"}, {"SITEURL": "..", "site": "Hub", "page_title": "b"},
         {"SITEURL": "../..", "site": "Hub", "page_title": "c"}, {"SITEURL": "..", "site": "Autre", "page_title": "d"},
         {"SITEURL": "..", "site": "Hub", "page_title": "e"}]


@pytest.mark.parametrize("name", ["page.html", "local.html"])
def test_a_macro_file_imported_with_context_sees_each_page_values(name):
    stock, ours = macro_environment(False), macro_environment(True)
    pages = [ours.get_template(name).render(values) for values in PAGES]
    assert pages == [stock.get_template(name).render(values) for values in PAGES]
    if name == "page.html":
        assert pages[2] == '[1 <a href="../../">Hub</a>] c' and pages[3] == '[1 <a href="../">Autre</a>] d'


def test_a_macro_file_is_run_again_only_for_new_values_of_what_it_reads(monkeypatch):
    env = macro_environment(True)
    made = []
    template = env.get_template("cards.html")
    real = type(template).make_module

    def counted(self, *args, **kwargs):
        made.append(self.name)
        return real(self, *args, **kwargs)
    monkeypatch.setattr(type(template), "make_module", counted)
    for values in PAGES:
        env.get_template("page.html").render(values)
    # cards.html (and links.html within it) for ('..', Hub), ('../..', Hub), ('..', Autre);
    # titled.html reads page_title, which is new on every page
    assert made.count("cards.html") == 3 and made.count("links.html") == 3 and made.count("titled.html") == 5


def parsed_again(*args, **kwargs):
    raise AssertionError("a template was parsed again")


def test_what_a_macro_file_reads_is_noted_when_it_is_compiled_and_cached(tmp_path):
    """Modules reads it from the compiled code, which the bytecode cache keeps between builds:
    a rebuild parses no template."""
    from jinja2 import FileSystemBytecodeCache
    made = []
    for cached in (False, True):  # the second environment loads the compiled code from the cache
        env = Environment(loader=DictLoader(MACRO_FILES), autoescape=True,
                          bytecode_cache=FileSystemBytecodeCache(str(tmp_path), fastjinja.BYTECODE_NAMES))
        fastjinja.install(env)
        if cached:
            env.parse = parsed_again
        pages = [env.get_template("page.html").render(values) for values in PAGES]
        made.append((pages, env.module_with_context.names_read("cards.html")))
    assert made[0] == made[1]
    assert set(made[0][1]) >= {"SITEURL", "site"} and "page_title" not in made[0][1]
    assert len(list(tmp_path.iterdir())) == len(MACRO_FILES) - 1  # local.html was not compiled


def test_an_error_in_a_call_is_reported_as_jinja_reports_it():
    """The template's lines in the traceback, and no frame of CallingContext or call_macro (as
    Jinja's own call, they are internal code)."""
    import traceback

    def boom(x):
        raise ValueError(f"boom {x}")

    def frames(install: bool) -> list[str]:
        env = Environment(loader=DictLoader({"t": "{% macro m(x) %}{{ boom(x) }}{% endmacro %}\n\n{{ m(1) }}"}),
                          autoescape=True)
        if install:
            fastjinja.install(env)
        with pytest.raises(ValueError, match="boom 1") as raised:
            env.get_template("t").render(boom=boom)
        return [f"{frame.name}:{frame.lineno}" for frame in traceback.extract_tb(raised.value.__traceback__)]

    ours = frames(True)
    # Jinja's Macro._invoke is the one frame of Jinja's left in: call_macro calls the macro itself
    assert ours == [frame for frame in frames(False) if not frame.startswith("_invoke:")]
    assert "call" not in " ".join(ours) and "top-level template code:3" in ours
