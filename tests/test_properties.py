"""Property-based tests: whatever a file holds, the loader and checker answer with problems,
never with an exception."""
from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from civichub import schema
from civichub.pipeline import load_and_check
from civichub.problems import Problem

KINDS = {
    "actors/x.yaml": schema.ACTOR, "people/x.yaml": schema.PERSON,
    "events/e/event.yaml": schema.EVENT, "events/e/sessions/s.yaml": schema.SESSION,
}
FIELD_NAMES = sorted({name for spec in KINDS.values() for name in spec.fields} | set(schema.LINK.fields))

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40),
                    st.dates().map(str), st.sampled_from(["09:00", "25:99", "Europe/Paris", "https://x.org",
                                                         "javascript:x", "cap-collectif", ""]))
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=5),
    st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), children, max_size=6)),
    max_leaves=30)
field_documents = st.fixed_dictionaries({}, optional={name: documents for name in FIELD_NAMES})

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_file(relative: str, data: bytes) -> list[Problem]:
    with tempfile.TemporaryDirectory() as root:
        path = Path(root) / "content" / relative
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        if relative.startswith("events/e/sessions"):
            (path.parent.parent / "event.yaml").write_text("title: E\ntimezone: Europe/Paris\n")
        problems = load_and_check(Path(root) / "content", {}, display_root=Path(root)).problems
    assert all(isinstance(p, Problem) and p.pos.file.startswith("content/") for p in problems)
    return problems


@SETTINGS
@given(st.sampled_from(sorted(KINDS)), documents)
def test_any_yaml_document(relative, document):
    check_file(relative, yaml.safe_dump(document, allow_unicode=True).encode())


@SETTINGS
@given(st.sampled_from(sorted(KINDS)), field_documents)
def test_arbitrary_values_in_every_field(relative, document):
    check_file(relative, yaml.safe_dump(document, allow_unicode=True).encode())


@SETTINGS
@given(st.sampled_from(sorted(KINDS) + ["roundups/2016-11-20-27.md", "posts/p.md", "data/timeline.yaml"]),
       st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_arbitrary_bytes(relative, data):
    check_file(relative, data)


@SETTINGS
@given(st.fixed_dictionaries({"number": documents, "date": documents},
                             optional={"links": st.lists(field_documents, max_size=3), "sections": documents}),
       st.text(max_size=100))
def test_arbitrary_roundups(front, body):
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    check_file("roundups/2016-11-20-27.md", text.encode())
