"""Markdown fields (civichub.markup): a plain one-line text skips Python-Markdown, and must come
out exactly as Python-Markdown would have made it."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from civichub import markup
from civichub.source import split_front_matter

ROOT = Path(__file__).resolve().parent.parent


def by_markdown(text: str) -> str:
    md = markup.converter()
    md.reset()
    return md.convert(text)


# Letters, digits, French punctuation and spaces (most such texts take the plain path), then every
# character Markdown gives a meaning to and the whitespace it rewrites (texts at its edge).
PLAIN = list("aéZ9 0.,;:!?'\"()«»–—-/%@$") + ["\u00a0", "\u202f", "\u2028", "\u0085", "1. ", "2) ", "http://x.org"]
MARKDOWN = list("*_`[]<>&\\#|{}~=+^") + ["\n", "\r", "\t", "\x02", "\x03", "  ", "- ", "> ", "# ", ": ", "![",
                                          "](", "&amp;"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PLAIN), max_size=12).map("".join))
def test_the_plain_path_gives_what_markdown_gives(text):
    assert markup.converted(text) == by_markdown(text)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PLAIN + MARKDOWN), max_size=12).map("".join))
def test_texts_near_the_plain_path_give_what_markdown_gives(text):
    assert markup.converted(text) == by_markdown(text)


@pytest.mark.parametrize("text", [
    "Chercheur en science politique, spécialiste de la participation.",
    "« Civic Tech » : des applis pour doper la démocratie en ville !",
    "Élue (2014-2020), 40 % d'abstention; vraiment ?",
    "Vooter, lancée en 2015, est expérimentée à Bougival.",
])
def test_plain_texts_take_the_plain_path(text):
    assert markup.PLAIN_LINE.fullmatch(text) and markup.converted(text) == by_markdown(text) == f"<p>{text}</p>"


@pytest.mark.parametrize("text", [
    "2019. Une année", "- un point", "Un *mot*", "Un [lien](https://x.org)", "A & B", "  retrait",
    "fin  ", "deux\nlignes", "# Titre", "> citation", ": définition", "a\tb", "Un <b>gras</b>",
])
def test_texts_with_markdown_in_them_go_through_markdown(text):
    plain = markup.PLAIN_LINE.fullmatch(text) and not markup.LIST_START.match(text)
    assert not plain and markup.converted(text) == by_markdown(text)


def test_every_text_of_the_sample_hub_comes_out_as_markdown_makes_it():
    texts = []

    def collect(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for path in sorted((ROOT / "content").rglob("*")):
        if path.suffix in (".yaml", ".yml"):
            collect(yaml.safe_load(path.read_text(encoding="utf-8")))
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            if text.startswith("---"):  # a roundup (the posts are Pelican's, their body only)
                front, text, _ = split_front_matter(text, str(path))
                collect(yaml.safe_load(front))
            texts.append(text)
    plain = [text for text in texts if markup.PLAIN_LINE.fullmatch(text)]
    assert len(plain) > 100  # names, bios, titles, excerpts
    assert [markup.converted(text) for text in texts] == [by_markdown(text) for text in texts]
