"""Templates compiled by codegen.CodeGenerator render what Jinja's own generator renders."""
from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment
from markupsafe import Markup

from civichub import codegen

TEMPLATES = {
    "values": "{{ text }}|{{ html }}|{{ number }}|{{ none }}|{{ missing }}|{{ obj }}|{{ text ~ html }}",
    "macros": ("{% macro card(x) %}<b>{{ x }}</b>{% endmacro %}"
               "{% set shown = card(text) %}{{ shown }}|{{ card(html) }}|{{ shown is string }}"),
    "blocks": ("{% set block %}<i>{{ text }}</i>{% endset %}{{ block }}|{{ block|upper }}"
               "|{% filter upper %}{{ text }}{% endfilter %}|{{ text|e }}|{{ html|safe }}"),
    "caller": ("{% macro wrap() %}<p>{{ caller() }}</p>{% endmacro %}"
               "{% call wrap() %}{{ text }}{% endcall %}"),
    "trans": "{% trans name=text %}Hello {{ name }} & co{% endtrans %}|{{ _('a < b') }}",
    "child": "{% extends 'base' %}{% block body %}{{ text }}{{ super() }}{% endblock %}",
    "base": "<main>{% block body %}{{ html }}{% endblock %}</main>{{ self.body() }}",
    "raw": "{% autoescape false %}{{ text }}{% endautoescape %}{{ text }}",
}


class Shown:
    def __html__(self):
        return "<em>shown</em>"

    def __str__(self):
        return "<not this>"


VALUES = {"text": "Tom & <Jerry> \"q\" 'a'", "html": Markup("<a href='x'>&amp;</a>"), "number": 3.5,
          "none": None, "obj": Shown()}


def environment(install: bool) -> Environment:
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    if install:
        codegen.install(env)
    env.install_null_translations(newstyle=True)
    return env


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_same_page_as_jinja_own_generator(name):
    stock, ours = environment(False), environment(True)
    assert ours.get_template(name).render(VALUES) == stock.get_template(name).render(VALUES)


def test_outputs_are_escaped_without_markup():
    source = environment(True).compile(TEMPLATES["values"], raw=True)
    assert "environment.escape_text(" in source and "escape(" not in source.replace("escape_text(", "")


@pytest.mark.parametrize("value", ["a < b", Markup("<b>"), Shown(), 12, None, ""])
def test_escape_text_is_markupsafe_escape(value):
    from markupsafe import escape
    assert codegen.escape_text(value) == str(escape(value))
    if not hasattr(value, "__html__"):
        assert type(codegen.escape_text(value)) is str  # no Markup made
