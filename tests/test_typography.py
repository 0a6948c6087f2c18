"""French typography: U+202F before ; ! ?, U+00A0 before : and inside « », in plain texts (the
`typo` filter), in rendered Markdown (markup.render) and in built pages; never in tags,
attributes, code, URLs, times or text in another language; idempotent."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, strategies as st
from markupsafe import Markup

from civichub import filters
from civichub.filters import typo, typo_html
from civichub.markup import render

NB, NNB = "\u00a0", "\u202f"


@pytest.mark.parametrize("text, expected", [
    ("Quoi ?", f"Quoi{NNB}?"),
    ("Quoi?", f"Quoi{NNB}?"),
    ("Enfin !", f"Enfin{NNB}!"),
    ("Vraiment ?!", f"Vraiment{NNB}?!"),
    ("un ; deux", f"un{NNB}; deux"),
    ("Partenaires : Etalab", f"Partenaires{NB}: Etalab"),
    ("Note: bien", f"Note{NB}: bien"),
    ("« Framaligue »", f"«{NB}Framaligue{NB}»"),
    ("«Framaligue»", f"«{NB}Framaligue{NB}»"),
    ("de 10:30 à 12:00", "de 10:30 à 12:00"),
    ("voir https://example.org/?a=1;b=2 : merci", f"voir https://example.org/?a=1;b=2{NB}: merci"),
    ("écrire à contact@example.org !", f"écrire à contact@example.org{NNB}!"),
    ("AT&T ; Orange", f"AT&T{NNB}; Orange"),
    ("rien à faire", "rien à faire"),
])
def test_plain_text(text, expected):
    assert typo(text) == expected


def test_existing_no_break_spaces_are_kept():
    assert typo(f"Quoi{NB}?") == f"Quoi{NB}?"
    assert typo(f"Titre{NNB}: sous-titre") == f"Titre{NNB}: sous-titre"


def test_other_languages_are_left_alone():
    assert typo("What?", "en") == "What?"
    assert typo("Civic tech: ecosystems", "en") == "Civic tech: ecosystems"


def test_plain_text_stays_plain_and_is_escaped_by_jinja():
    result = typo("<b>Quoi ?</b>")
    assert not isinstance(result, Markup) and "<b>" in result


@given(st.text(alphabet=st.sampled_from(list("ab1 :;!?«»/.h@\u00a0\u202f\n")), max_size=40))
def test_idempotent(text):
    once = typo(text)
    assert typo(once) == once


@given(st.text(alphabet=st.sampled_from(list("ab1 :;!?«»/.<>&\"'=\u00a0")), max_size=40))
def test_html_is_idempotent(text):
    once = typo_html(Markup(render(text)))
    assert typo_html(once) == once


def test_html_text_nodes_only():
    html = Markup('<p title="Quoi ?">Bonjour : <a href="https://x.org/?q=1">lien</a> ! <code>a ? b : c</code> '
                  '<kbd>Ctrl ;</kbd> <span lang="en">Hello: world!</span> <time datetime="10:30">10:30</time> fin ?</p>'
                  '<pre>x : y</pre>')
    out = typo_html(html)
    assert 'title="Quoi ?"' in out and 'href="https://x.org/?q=1"' in out
    assert f"Bonjour{NB}: " in out and f"</a>{NNB}!" in out
    assert "<code>a ? b : c</code>" in out and "<kbd>Ctrl ;</kbd>" in out and "<pre>x : y</pre>" in out
    assert "Hello: world!" in out and ">10:30<" in out and f"fin{NNB}?" in out


def test_entities_are_not_broken():
    out = typo_html(Markup("<p>Tom &amp; Jerry ; l&#39;été &lt;b&gt; !</p>"))
    assert "&amp; Jerry" in out and "&lt;b&gt;" in out and f"Jerry{NNB};" in out
    assert typo_html(Markup("<p>Tom &amp; Jerry</p>")) == "<p>Tom &amp; Jerry</p>"  # untouched byte for byte


def test_markdown_is_rendered_with_french_typography():
    html = render("Un **atelier** : « Framaligue » ! Voir `a:b ?` et <https://example.org/?x=1>.")
    assert f"<strong>atelier</strong>{NB}: «{NB}Framaligue{NB}»{NNB}!" in html
    assert "<code>a:b ?</code>" in html and 'href="https://example.org/?x=1"' in html
    assert render("What? Yes: this.", "en") == "<p>What? Yes: this.</p>"


def test_built_pages(sample_site):
    page = sample_site / "evenements/journee-civic-tech-2019/ouvrir-les-institutions-grand-debat/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    assert soup.h1.get_text() == f"Ouvrir les institutions{NB}: retour sur le Grand débat national"
    assert soup.title.get_text().startswith("Ouvrir les institutions : ")  # <title> as typed (outside <main>)
    grid = BeautifulSoup((sample_site / "evenements/journee-civic-tech-2019/programme/index.html")
                         .read_text(encoding="utf-8"), "lxml")
    english = grid.select_one("td.cell .title[lang=en]")
    assert english is not None and english.get_text() == "Civic tech ecosystems in Europe and worldwide"
    assert NB in english.find_parent("td").select_one(".slot").get_text()  # '16 h 30', French
    times = [t.get("datetime") for t in grid.select("main time[datetime]")]
    assert "09:00" in times  # attributes untouched
    for script in grid.select("script"):
        assert NB not in script.get_text() and NNB not in script.get_text()


# -- typo_html against the plain regular-expression version it replaced ---------------------------
# The whole-page pass looks only at the text nodes holding one of ; : ! ? « », and at the skipped
# elements only when such a node is left; it must give what this simpler, slower version gives.

REFERENCE_TEXT = re.compile(r"(?:^|(?<=>))[^<;:!?«»]*[;:!?«»][^<]*")
REFERENCE_SKIPPED = re.compile(
    r"<(code|pre|kbd|samp|script|style|textarea|var|math|svg)\b[^>]*>"
    r"""|<([a-zA-Z][\w:-]*)\b[^>]*?\blang\s*=\s*["']?(?!fr\b|fr-)[\w-]+[^>]*>""", re.I)


def reference_typo_html(source: str) -> str:
    def region(text):
        return REFERENCE_TEXT.sub(lambda node: filters._typo_node(node.group()), text)
    out, position = [], 0
    for opening in REFERENCE_SKIPPED.finditer(source):
        if opening.start() < position or opening.group().endswith("/>"):
            continue
        end = filters._closing(source, (opening.group(1) or opening.group(2)).lower(), opening.end())
        out += (region(source[position:opening.start()]), source[opening.start():end])
        position = end
    out.append(region(source[position:]))
    return "".join(out)


HTML_TOKENS = ["<p>", "</p>", "<code>", "</code>", '<span lang="en">', '<span lang="fr">', "</span>",
               '<i data-lang="de" lang="fr">', "</i>", '<a href="https://x.org/?a=1;b">', "</a>", "<br>",
               '<img lang="en" alt="a : b">', "<pre/>", "<!-- a > b : c -->", "<PRE>", "</PRE>",
               '<b LANG="EN">', "</b>", "<pre-x>", "</pre-x>", "İ", '<q hreflang="en">', "</q>",
               " ", "mot", " : ", "?", "!", ";", "«", "»", ">", "10:30", "\u00a0", "&amp;", "x@y.fr"]


@given(st.lists(st.sampled_from(HTML_TOKENS), max_size=30))
def test_typo_html_gives_what_the_regular_expressions_give(tokens):
    source = "".join(tokens)
    assert typo_html(Markup(source)) == reference_typo_html(source)


def test_typo_html_on_built_pages_gives_what_the_regular_expressions_give(sample_site):
    for path in sorted(sample_site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert typo_html(Markup(html)) == reference_typo_html(html), path
