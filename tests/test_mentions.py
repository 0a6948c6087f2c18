"""Mentions: explicit tags and detected names in roundup links and posts (mentions.py)."""
from __future__ import annotations

import time

import pytest
from bs4 import BeautifulSoup

from civichub import mentions
from civichub.mentions import Found, Matcher, form_of
from civichub.pipeline import build_hub, load_and_check

SETTINGS = {"CIVICHUB_FORMATS": {}}

ACTORS = {
    "voxe": "name: Voxe\nkind: association\naliases: [Voxe.org]\n",
    "decider-ensemble": "name: Décider ensemble\nkind: think-tank\n",
    "make-org": "name: Make.org\nkind: entreprise\n",
    "ligue-de-l-enseignement": "name: Ligue de l'enseignement\nkind: association\n",
    "federation-paris": "name: Fédération de Paris de la Ligue de l'enseignement\nkind: association\n",
    "pgo": "name: Partenariat pour un Gouvernement Ouvert\nkind: institution\naliases: [OGP, PGO]\n",
    "public": "name: Public\nkind: autre\n",
    "engage": "name: Engage\nkind: association\ndetect: false\n",
    "ici": "name: Ici\nkind: media\n",
    "rueil": "name: Rueil-Malmaison\nkind: collectivite\n",
}


def roundup(*links: str) -> str:
    return "---\nnumber: 1\ndate: 2016-07-18\nlinks:\n" + "".join(links) + "---\nIntro.\n"


def link(title: str, excerpt: str = "", extra: str = "") -> str:
    text = f'  - title: "{title}"\n    source: Le Monde\n'
    if excerpt:
        text += f'    excerpt: "{excerpt}"\n'
    return text + "".join(f"    {line}\n" for line in extra.splitlines() if line)


def built(hub, roundup_text: str = "", posts: dict[str, str] | None = None):
    for slug, text in ACTORS.items():
        hub.write(f"actors/{slug}.yaml", text)
    hub.write("people/leonore-de-roquefeuil.yaml", "name: Léonore de Roquefeuil\naffiliations: [voxe]\n")
    if roundup_text:
        hub.write("roundups/2016-07-18-1.md", roundup_text)
    for slug, text in (posts or {}).items():
        hub.write(f"posts/{slug}.md", text)
    checked = load_and_check(hub.content, SETTINGS)
    assert checked.ok, [str(p) for p in checked.problems if p.is_error]
    return build_hub(checked, SETTINGS)


def mentioned(hub_, slug: str) -> list[str]:
    return [m.link.title for m in hub_.actor_mentions.get(slug, [])]


def detected_in(hub, title: str, excerpt: str = "") -> set[str]:
    result = built(hub, roundup(link(title, excerpt)))
    return {slug for slug, mentions in result.actor_mentions.items() if mentions}


# -- detection ----------------------------------------------------------------------------------

def test_whole_words_only_voxe_but_not_voxel(hub):
    assert detected_in(hub, "Voxe lance un comparateur") == {"voxe"}


def test_voxel_is_not_voxe(hub):
    assert detected_in(hub, "Les jeux en Voxel et la démocratie", "voxels, Voxeland, AVoxe") == set()


def test_accents_and_case_are_ignored_for_names_of_several_words(hub):
    assert detected_in(hub, "Une tribune", "Selon decider ensemble, la concertation progresse") \
        == {"decider-ensemble"}


def test_alias_and_dotted_name(hub):
    found = detected_in(hub, "Voxe.org et Make.org lancent #hello2017")
    assert found == {"voxe", "make-org"}


def test_dotted_name_needs_its_dot(hub):
    assert detected_in(hub, "Make it work", "make org chart") == set()


def test_apostrophes_and_longest_name(hub):
    assert detected_in(hub, "La Fédération de Paris de la Ligue de l’enseignement recrute") \
        == {"federation-paris"}
    assert detected_in(hub, "Un rapport de la ligue de l'Enseignement") == {"ligue-de-l-enseignement"}


def test_hyphen_equals_space(hub):
    assert detected_in(hub, "Budget participatif à Rueil Malmaison") == {"rueil"}


def test_acronym_only_in_capitals(hub):
    assert detected_in(hub, "Le sommet de l'OGP à Paris") == {"pgo"}


def test_acronym_in_lowercase_is_not_detected(hub):
    assert detected_in(hub, "Un pgo ou ogp quelconque") == set()


def test_generic_names(hub):
    # a one-word name needs its capital; 'detect: false' and names under 4 letters are never detected
    assert detected_in(hub, "L'espace public", "on s'engage ici, Engage et Ici n'y sont pas") == set()
    assert detected_in(hub, "Public lance une application") == {"public"}


def test_person_full_name_is_detected(hub):
    result = built(hub, roundup(link("Entretien", "avec Leonore de Roquefeuil, présidente")))
    assert [m.link.title for m in result.person_mentions["leonore-de-roquefeuil"]] == ["Entretien"]
    assert result.person_mentions["leonore-de-roquefeuil"][0].detected


# -- explicit and declined -------------------------------------------------------------------

def test_declined_mention_is_dropped(hub):
    result = built(hub, roundup(link("Public Sénat débat de Voxe", extra="not_actors: [public]")))
    assert mentioned(result, "public") == []
    assert mentioned(result, "voxe") == ["Public Sénat débat de Voxe"]


def test_declined_unknown_actor_is_an_error(hub):
    for slug, text in ACTORS.items():
        hub.write(f"actors/{slug}.yaml", text)
    hub.write("roundups/2016-07-18-1.md", roundup(link("Voxe", extra="not_actors: [voxee]")))
    assert any("unknown actor 'voxee'" in p for p in hub.problems())


def test_explicit_mention_is_kept_even_when_declined_or_not_named(hub):
    result = built(hub, roundup(link("Sans nom", extra="actors: [voxe]\nnot_actors: [voxe]"),
                                link("Voxe encore", extra="actors: [voxe]")))
    mentions = result.actor_mentions["voxe"]
    assert [m.link.title for m in mentions] == ["Sans nom", "Voxe encore"]  # once each, in link order
    assert not any(m.detected for m in mentions)


def test_draft_roundups_are_not_indexed(hub):
    result = built(hub, roundup(link("Voxe")).replace("number: 1\n", "number: 1\nstatus: draft\n"))
    assert mentioned(result, "voxe") == []


# -- posts -----------------------------------------------------------------------------------

POST = """\
Title: Les impasses de la civic tech
Date: 2016-12-22
Slug: impasses
{extra}
Selon **Léonore de Roquefeuil (Voxe.org)**, [décider ensemble](https://public.example/make.org)
reste difficile ; le Public aussi.
"""


def test_post_mentions_detected_explicit_and_declined(hub):
    result = built(hub, posts={"impasses": POST.format(extra="Actors: make-org\nNo_mentions: public")})
    posts = {slug: [p.slug for p in items] for slug, items in result.actor_posts.items() if items}
    assert posts == {"voxe": ["impasses"], "decider-ensemble": ["impasses"], "make-org": ["impasses"]}
    assert [p.slug for p in result.person_posts["leonore-de-roquefeuil"]] == ["impasses"]


def test_unknown_slug_in_a_post_is_an_error(hub):
    hub.write("posts/impasses.md", POST.format(extra="Actors: nobody, make-org"))
    assert [p for p in hub.problems() if "nobody" in p] == [
        "content/posts/impasses.md:4:1: error: Actors: unknown actor 'nobody' "
        "(use the slug of a file in content/actors or content/people)"]


def test_post_people_line_and_body_kept(hub):
    result = built(hub, posts={"impasses": POST.format(extra="People: leonore-de-roquefeuil")})
    post = result.content.posts[0]
    assert post.people == ["leonore-de-roquefeuil"]
    assert post.text.lstrip().startswith("Selon **Léonore")
    assert "Title:" not in post.text


def test_post_mention_is_shown_on_the_actor_page(hub):
    built(hub, roundup(link("Décider Ensemble publie un guide")),
          posts={"impasses": POST.format(extra="Lang: fr")})
    output = hub.build()
    soup = BeautifulSoup((output / "acteurs/voxe/index.html").read_text(encoding="utf-8"), "html.parser")
    blog = soup.find("h2", string="Dans le blog").find_next("ul")
    assert [a["href"] for a in blog.select("a")] == ["../../blog/impasses/"]
    soup = BeautifulSoup((output / "acteurs/decider-ensemble/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    links = soup.find("h2", string="Dans les revues de liens").find_next("ul")
    assert "../../liens/1/" in {a["href"] for a in links.select("a")}
    roundup_page = BeautifulSoup((output / "liens/1/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "../../acteurs/decider-ensemble/" in {a["href"] for a in roundup_page.select("main a[href]")}


# -- the matcher itself ----------------------------------------------------------------------

@pytest.mark.parametrize("name, case", [("Voxe", "initial"), ("Décider ensemble", "any"), ("OGP", "exact"),
                                        ("D21", "exact"), ("make.org", "any"), ("mySociety", "any"),
                                        ("Ici", None), ("UE", None), ("La Poste", "any")])
def test_forms(name, case):
    form = form_of(name)
    assert (form.case if form else None) == case


def test_a_form_shared_by_two_actors_is_not_detected():
    matcher = Matcher([("actor", "a", "Cap Collectif"), ("actor", "b", "cap collectif"),
                       ("actor", "c", "Voxe")])
    assert matcher.find("Cap Collectif et Voxe") == {("actor", "c")}


def test_matching_is_fast_on_a_large_hub():
    names = [("actor", f"a{i}", f"Organisation Numéro {i}") for i in range(2000)]
    names += [("actor", f"b{i}", f"Startup{i}") for i in range(2000)]
    matcher = Matcher(names)
    text = ("La civic tech selon Organisation numero 1999 et Startup42, avec d'autres acteurs "
            "de la participation citoyenne en France et ailleurs. ") * 3
    start = time.perf_counter()
    for _ in range(7500):
        found = matcher.find(text)
    assert found == {("actor", "a1999"), ("actor", "b42")}
    assert time.perf_counter() - start < 5


def test_the_matcher_is_kept_for_the_same_names(tmp_path, monkeypatch):
    """A new text needs the Matcher; the next build with the same names reads it from its file
    instead of making it again, and one with other names makes its own."""
    names = [("actor", "cap-collectif", "Cap Collectif"), ("person", "loic-blondiaux", "Loïc Blondiaux")]
    cache = tmp_path / "mentions.pickle"
    assert Found(names, cache).find("Cap Collectif et Loïc Blondiaux") == {
        ("actor", "cap-collectif"), ("person", "loic-blondiaux")}
    assert (tmp_path / mentions.MATCHER_FILE).is_file()
    made = []
    monkeypatch.setattr(Matcher, "__init__", lambda self, names: made.append(names) or setattr(self, "trie", {}))
    assert Found(names, cache).find("Un texte nouveau : Cap Collectif.") == {("actor", "cap-collectif")}
    assert made == []
    assert Found(names[:1], cache).find("Un autre : Cap Collectif.") == set()  # made here: empty trie
    assert made == [names[:1]]
