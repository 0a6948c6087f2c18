"""Each class of bad input gives one exact message: file, line, column, field, hint."""
from __future__ import annotations

import pytest


def test_minimal_hub_is_clean(hub):
    assert hub.problems() == []


def test_yaml_syntax_error_names_the_line(hub):
    hub.write("people/x.yaml", "name: X\naffiliations: [cap-collectif\n")
    assert hub.problems() == [
        "content/people/x.yaml:3:1: error: YAML syntax error: did not find expected ',' or ']' "
        "(check indentation and quoting on this line or the one before)"]


def test_unknown_key_suggests_the_known_one(hub):
    hub.write("events/journee/sessions/pitch.yaml", """
        title: Pitch
        format: pitch
        speakrs: [paula-forteza]
        """)
    assert hub.problems() == [
        "content/events/journee/sessions/pitch.yaml:3:1: error: speakrs: unknown field 'speakrs' "
        "(did you mean 'speakers'?)"]


def test_missing_required_field(hub):
    hub.write("actors/voxe.yaml", "name: Voxe\n")
    assert hub.problems() == [
        "content/actors/voxe.yaml:1:1: error: kind: missing required field 'kind' "
        "(association, entreprise, institution...)"]


def test_wrong_type(hub):
    hub.write("people/x.yaml", "name: X\ntitles: Citoyenne tirée au sort\n")
    assert hub.problems() == [
        "content/people/x.yaml:2:9: error: titles: expected a list, got 'Citoyenne tirée au sort' "
        "(write [a, b] or one '- item' per line)"]


def test_invalid_date(hub):
    hub.write("events/other/event.yaml", "title: X\nstart: 2019-02-30\ntimezone: Europe/Paris\n")
    assert hub.problems() == [
        "content/events/other/event.yaml:2:8: error: start: invalid date '2019-02-30': "
        "day is out of range for month (write dates as YYYY-MM-DD)"]


def test_invalid_time(hub):
    hub.write("events/journee/sessions/late.yaml", 'title: X\nformat: pitch\nstart: "25:00"\n')
    assert hub.problems() == [
        "content/events/journee/sessions/late.yaml:3:8: error: start: invalid time '25:00' "
        '(write times as "HH:MM", in quotes)']


def test_unquoted_time_is_read_as_written(hub):
    hub.write("events/journee/sessions/early.yaml", "title: X\nformat: pitch\nstart: 08:00\nend: 08:05\n")
    assert hub.problems() == []


def test_invalid_timezone(hub):
    hub.write("events/other/event.yaml", "title: X\ntimezone: Europe/Pari\n")
    assert hub.problems() == [
        "content/events/other/event.yaml:2:11: error: timezone: unknown time zone 'Europe/Pari' "
        "(did you mean 'Europe/Paris'?)"]


def test_session_ending_before_it_starts(hub):
    hub.write("events/journee/sessions/backwards.yaml", """
        title: X
        format: pitch
        start: "11:00"
        end: "10:00"
        """)
    assert hub.problems() == [
        "content/events/journee/sessions/backwards.yaml:4:6: error: end: session ends (10:00) "
        "before it starts (11:00) (check the times; a session cannot cross midnight)"]


def test_sessions_overlapping_in_one_room(hub):
    hub.write("events/journee/sessions/clash.yaml", """
        title: X
        format: pitch
        room: hemicycle
        start: "10:00"
        end: "11:00"
        """)
    assert hub.problems() == [
        "content/events/journee/sessions/clash.yaml:4:8: error: start: session 'clash' overlaps "
        "'ouverture' in room 'hemicycle' (09:00-10:30, at content/events/journee/sessions.yaml:5:10) "
        "(change a time or a room)"]


def test_same_person_in_two_rooms_is_a_warning(hub):
    hub.write("events/journee/sessions/double.yaml", """
        title: X
        format: pitch
        room: salle-225
        start: "09:30"
        end: "10:00"
        speakers: [loic-blondiaux]
        """)
    assert hub.problems() == [
        "content/events/journee/sessions/double.yaml:6:12: warning: speakers[0]: 'loic-blondiaux' is "
        "also in 'ouverture' at the same time (09:00-10:30) "
        "(check the programme: one person, one room at a time)"]


def test_unknown_references_suggest_the_closest(hub):
    hub.write("people/x.yaml", "name: X\naffiliations: [cap-colectif]\n")
    hub.write("events/journee/sessions/refs.yaml", """
        title: X
        format: table-rond
        room: hemicicle
        themes: [grand-debats]
        moderators: [loic-blondio]
        """)
    assert hub.problems() == [
        "content/events/journee/sessions/refs.yaml:2:9: error: format: unknown format 'table-rond' "
        "(did you mean 'table-ronde'?)",
        "content/events/journee/sessions/refs.yaml:3:7: error: room: unknown room 'hemicicle' "
        "(did you mean 'hemicycle'?)",
        "content/events/journee/sessions/refs.yaml:4:10: error: themes[0]: unknown theme 'grand-debats' "
        "(did you mean 'grand-debat'?)",
        "content/events/journee/sessions/refs.yaml:5:14: error: moderators[0]: unknown person "
        "'loic-blondio' (did you mean 'loic-blondiaux'?)",
        "content/people/x.yaml:2:16: error: affiliations[0]: unknown actor 'cap-colectif' "
        "(did you mean 'cap-collectif'?)",
    ]


def test_unknown_reference_without_a_close_match_says_what_to_create(hub):
    hub.write("people/x.yaml", "name: X\naffiliations: [qwant]\n")
    assert hub.problems() == [
        "content/people/x.yaml:2:16: error: affiliations[0]: unknown actor 'qwant' "
        "(create content/actors/qwant.yaml)"]


def test_duplicate_session_ids(hub):
    hub.write("events/journee/sessions/atelier.yaml", "title: X\nformat: atelier\n")
    assert hub.problems() == [
        "content/events/journee/sessions/atelier.yaml:1:1: error: id: duplicate session id 'atelier' "
        "(also at content/events/journee/sessions.yaml:8:7) (give each session its own id)"]


def test_duplicate_roundup_numbers(hub):
    for day in ("2016-11-20", "2016-11-27"):
        hub.write(f"roundups/{day}-27.md", f"---\nnumber: 27\ndate: {day}\nlinks: []\nstatus: draft\n---\nIntro\n")
    assert hub.problems() == [
        "content/roundups/2016-11-27-27.md:2:9: error: number: roundup number 27 is already used by "
        "content/roundups/2016-11-20-27.md (use the next free number)"]


def test_duplicate_yaml_key(hub):
    hub.write("actors/voxe.yaml", "name: Voxe\nkind: association\nname: Voxe.org\n")
    assert hub.problems() == [
        "content/actors/voxe.yaml:3:1: error: name: duplicate key (keep only one of them)"]


def test_invalid_file_name(hub):
    hub.write("people/Loïc B.yaml", "name: Loïc B\n")
    assert hub.problems() == [
        "content/people/Loïc B.yaml:1:1: error: file name 'Loïc B.yaml' is not a valid identifier "
        "(rename it to 'loic-b.yaml')"]


def test_file_not_utf8(hub):
    hub.write("people/latin.yaml", "name: Lo\xefc\n".encode("latin-1"))
    assert hub.problems() == [
        "content/people/latin.yaml:1:9: error: file is not UTF-8 (byte 0xef) "
        "(save it with the UTF-8 encoding)"]


def test_bom_and_crlf_are_read_normally(hub):
    hub.write("people/bom.yaml", "\ufeffname: Anaïs\r\ntitles:\r\n  - Citoyenne tirée au sort\r\n".encode())
    assert hub.problems() == []


def test_yaml_aliases_are_refused(hub):
    hub.write("people/alias.yaml", "name: &n X\nsort_name: *n\n")
    assert hub.problems() == [
        "content/people/alias.yaml:2:1: error: sort_name: YAML anchors and aliases are not supported "
        "(write the value out in full)"]


def test_url_fields_accept_only_http_and_mailto(hub):
    hub.write("actors/bad.yaml", "name: Bad\nkind: autre\nwebsite: javascript:alert(1)\n")
    assert hub.problems() == [
        "content/actors/bad.yaml:3:10: error: website: 'javascript:alert(1)' is not an http(s) or "
        "mailto URL (write the full address, starting with https://)"]


def test_link_without_url_is_a_warning(hub):
    hub.write("roundups/2016-11-20-27.md", """
        ---
        number: 27
        date: 2016-11-20
        links:
          - title: Primaire à droite
            source: France Inter
        ---
        Intro.
        """)
    assert hub.problems() == [
        "content/roundups/2016-11-20-27.md:5:5: warning: links[0].url: link 'Primaire à droite' has "
        "no URL (add 'url:' when you know the article's address; it is shown as text)"]


def test_an_internal_failure_names_the_file(hub, monkeypatch):
    from civichub import load

    def explode(self, path):
        raise KeyError("boom")

    monkeypatch.setattr(load.Loader, "load_actor", explode)
    assert hub.problems() == [
        "content/actors/cap-collectif.yaml:1:1: error: internal error while reading this file: "
        "KeyError: 'boom' (please report this bug)"]


def test_a_broken_file_is_not_reported_again_as_unknown(hub):
    hub.write("actors/cap-collectif.yaml", "name: Cap Collectif\nkind: startupp\n")
    assert hub.problems() == [
        "content/actors/cap-collectif.yaml:2:7: error: kind: 'startupp' is not allowed here "
        "(did you mean 'startup'?)"]


@pytest.mark.parametrize("text, message", [
    ("name: X\ntitles:\n\t- Y\n", "content/people/x.yaml:3:1: error: YAML syntax error: found '\\t', "
     "which cannot start a value (indent with spaces, not tabs)"),
    ("name: @X\n", "content/people/x.yaml:1:7: error: YAML syntax error: found '@', which cannot "
     "start a value (quote values that start with @)"),
    ("name: Anne: X\n", "content/people/x.yaml:1:11: error: YAML syntax error: mapping values are "
     "not allowed in this context (quote text that contains ': ')"),
])
def test_yaml_syntax_hints(hub, text, message):
    hub.write("people/x.yaml", text)
    assert hub.problems() == [message]


def test_errors_in_a_session_list_name_the_item(hub):
    hub.write("events/journee/sessions.yaml", """
        - id: a
          title: A
          format: atelier
          room: hemicycle
          start: "09:00"
          end: "10:00"
        - id: b
          title: B
          format: atelier
          room: hemicycle
          start: "09:30"
          end: "09:00"
        """)
    assert hub.problems() == [
        "content/events/journee/sessions.yaml:12:8: error: [1].end: session ends (09:00) before it "
        "starts (09:30) (check the times; a session cannot cross midnight)"]


def test_timeline_month_out_of_range(hub):
    hub.write("data/timeline.yaml", "- {year: 2016, month: 13, title: X}\n")
    assert hub.problems() == [
        "content/data/timeline.yaml:1:23: error: [0].month: 13 is out of range (use a number from 1 to 12)"]


def test_roundup_file_name_must_match_date_and_number(hub):
    hub.write("roundups/2016-11-20-26.md", "---\nnumber: 27\ndate: 2016-11-20\nstatus: draft\n---\n")
    assert hub.problems() == [
        "content/roundups/2016-11-20-26.md:2:9: warning: number: file name '2016-11-20-26.md' does not "
        "match the roundup's date and number (rename it to '2016-11-20-27.md')"]


def test_unknown_slug_in_a_post_mention_line(hub):
    hub.write("posts/x.md", "Title: X\nDate: 2016-12-17\nActors: cap-colectif\n\nTexte.\n")
    assert hub.problems() == [
        "content/posts/x.md:3:1: error: Actors: unknown actor 'cap-colectif' (did you mean 'cap-collectif'?)"]


def test_a_content_file_is_read_as_text_and_a_link_or_a_huge_file_refused(tmp_path):
    """source.read_text, under the content scan (which refuses links first): a link that appears
    between the scan and the read is refused by the read itself."""
    import os

    from civichub.source import MAX_FILE_BYTES, SourceError, read_text
    (tmp_path / "a.yaml").write_bytes("\ufeffname: Loïc\r\nbio: x\rb\n".encode("utf-8"))
    assert read_text(tmp_path / "a.yaml", "content/a.yaml") == "name: Loïc\nbio: x\nb\n"
    os.symlink(tmp_path / "a.yaml", tmp_path / "link.yaml")
    (tmp_path / "big.yaml").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    said = {}
    for name in ("link.yaml", "big.yaml"):
        with pytest.raises(SourceError) as raised:
            read_text(tmp_path / name, f"content/{name}")
        said[name] = str(raised.value)
    assert said["link.yaml"] == ("content/link.yaml:1:1: error: symbolic links are not read "
                                 "(replace the link with the file itself)")
    assert said["big.yaml"].startswith("content/big.yaml:1:1: error: file is 2048 KiB, over the 2048 KiB limit")
    with pytest.raises(FileNotFoundError):
        read_text(tmp_path / "gone.yaml", "content/gone.yaml")
