"""`civichub bench` and the synthetic hub it measures. Timings are never asserted: only that the
synthetic hub is valid and deterministic, and that the bench prints a table of the right shape."""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys

import pytest

from civichub import bench, synthetic
from civichub.build import read_settings
from civichub.pipeline import load_and_check


def test_sizes_follow_the_issue():
    assert synthetic.sizes(10) == {"events": 20, "sessions_per_event": 60, "people": 5000, "actors": 2000,
                                   "roundups": 500, "links_per_roundup": 15, "posts": 200}
    one = synthetic.sizes(1)
    assert (one["events"], one["people"], one["actors"], one["roundups"], one["posts"]) == (3, 95, 157, 4, 6)
    assert one["events"] * one["sessions_per_event"] in range(24, 30)
    five = synthetic.sizes(5.5)  # halfway: linear
    assert five["people"] == round((95 + 5000) / 2) and five["events"] == round((3 + 20) / 2)
    with pytest.raises(ValueError):
        synthetic.sizes(0)


def test_synthetic_hub_passes_the_checker(tmp_path):
    stats = synthetic.generate(tmp_path / "hub", 0.2)
    settings = read_settings(tmp_path / "hub" / "pelicanconf.py")
    checked = load_and_check(tmp_path / "hub" / "content", settings)
    errors = [str(problem) for problem in checked.problems if problem.is_error]
    assert errors == []
    content = checked.content
    assert len(content.actors) == stats.actors and len(content.people) == stats.people
    assert len(content.events) == stats.events and len(content.sessions) == stats.sessions
    assert len(content.roundups) == stats.roundups and len(content.posts) == stats.posts
    assert any(session.rooms for session in content.sessions)
    assert all(link.url for roundup in content.roundups for link in roundup.links)
    assert (tmp_path / "hub" / stats.person_to_edit).is_file()
    assert (tmp_path / "hub" / stats.roundup_to_edit).is_file()
    assert (tmp_path / "hub" / stats.post_to_edit).is_file()
    assert (tmp_path / "hub" / "theme" / "templates").is_dir()


def test_synthetic_hub_is_deterministic(tmp_path):
    def files(root):
        return {path.relative_to(root).as_posix(): path.read_bytes()
                for path in sorted((root / "content").rglob("*")) if path.is_file()}
    synthetic.generate(tmp_path / "a", 0.3, seed=7)
    synthetic.generate(tmp_path / "b", 0.3, seed=7)
    synthetic.generate(tmp_path / "c", 0.3, seed=8)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


def test_plain_corpora_have_the_requested_articles(tmp_path):
    assert synthetic.generate_pelican_corpus(tmp_path / "pelican", 12) == 12
    assert len(list((tmp_path / "pelican" / "content").glob("*.md"))) == 12
    assert "CACHE_CONTENT = True" in (tmp_path / "pelican" / "pelicanconf.py").read_text()
    synthetic.generate_hugo_site(tmp_path / "hugo", 12)
    assert len(list((tmp_path / "hugo" / "content" / "posts").glob("*.md"))) == 12
    assert (tmp_path / "hugo" / "layouts" / "_default" / "single.html").is_file()


def test_compare_counts_written_and_changed_files():
    before = {"a.html": (1, 10, "x"), "b.html": (2, 10, "y"), "gone.html": (3, 10, "z")}
    after = {"a.html": (1, 10, "x"), "b.html": (4, 20, "y"), "new.html": (5, 20, "w")}
    assert bench.compare(before, after) == (3, 2)  # b rewritten unchanged; gone and new count in both


def test_clean_sets_aside_rather_than_deletes(tmp_path):
    """Deleting a site just before timing the next build would time the file system's cost of the
    deletion too: what a run leaves is moved out of the way, and deleted after the last step."""
    work, hub = tmp_path / "work", tmp_path / "hub"
    work.mkdir()
    (hub / "content").mkdir(parents=True)
    (hub / "output" / "people").mkdir(parents=True)
    (hub / "output" / "people" / "index.html").write_text("<p>old</p>")
    (hub / ".output.lock").write_text("")
    measuring = bench.Bench(work, runs=1)
    bench.clean(measuring, hub, {"content"})
    assert sorted(entry.name for entry in hub.iterdir()) == ["content"]
    set_aside = sorted(path.relative_to(measuring.trash).parts[1:] for path in measuring.trash.rglob("*.html"))
    assert set_aside == [("people", "index.html")]
    measuring.empty_trash()
    assert not measuring.trash.exists()


def test_a_server_that_does_not_stop_is_killed_and_the_bench_says_so(tmp_path, monkeypatch):
    """The figures measured so far are printed all the same, with where the server was stuck."""
    monkeypatch.setattr(bench.Server, "STOP_SECONDS", 1)
    stuck = [sys.executable, "-c", "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
             "print('civichub serve: http://127.0.0.1:1/', flush=True); time.sleep(300)"]
    measuring = bench.Bench(tmp_path, runs=1)
    server = bench.Server(measuring, tmp_path, stuck)
    assert server.stop() is None
    assert server.process.poll() is not None
    [note] = measuring.notes
    assert note.startswith("civichub serve did not stop within 1 s of an interrupt: killed")
    assert "time.sleep" in note or "most recent call first" in note  # faulthandler's traceback


def test_the_wrapper_passes_an_interrupt_on_even_when_started_with_interrupts_ignored(tmp_path):
    """As a bench run in the background of a script is: the server must still stop."""
    measuring = bench.Bench(tmp_path, runs=1)
    waits = [sys.executable, "-c", "import time\ntry:\n    print('ready', flush=True); time.sleep(60)\n"
             "except KeyboardInterrupt:\n    print('interrupted', flush=True)"]
    wrapper = subprocess.Popen([sys.executable, str(measuring.wrapper), str(measuring.report), *waits],
                               stdout=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert wrapper.stdout.readline().strip() == "ready"
        wrapper.send_signal(signal.SIGINT)
        assert wrapper.stdout.readline().strip() == "interrupted"
        wrapper.wait(timeout=10)
    finally:
        wrapper.kill()
    assert "peak_kb" in json.loads(measuring.report.read_text())


ROW = re.compile(r"^(?P<step>\S+(?: \S+)*)\s{2,}(?P<pages>\d+)\s+(?P<seconds>\d+\.\d+)\s+(?P<rate>\d+\.\d+)\s+"
                 r"(?P<rewritten>\d+) \((?P<rewritten_pc>\d+\.\d+)%\)\s+(?P<changed>\d+) \((?P<changed_pc>\d+\.\d+)%\)"
                 r"\s+(?P<rss>\d+)$")


def test_bench_prints_one_table(tmp_path, capsys):
    figures = tmp_path / "bench.json"
    assert bench.main(["--scale", "0.05", "--runs", "1", "--no-hugo", "--no-search", "--json", str(figures),
                       "--keep", str(tmp_path / "work")]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("step "))
    assert re.split(r"\s{2,}", lines[header]) == list(bench.COLUMNS)
    assert set(lines[header + 1]) <= {"-", " "}
    rows = []
    for line in lines[header + 2:]:
        if not line.strip():
            break
        match = ROW.match(line)
        assert match, line
        rows.append(match)
    assert [row["step"] for row in rows] == ["civichub cold", "civichub warm", "civichub edit person",
                                             "civichub edit roundup", "civichub edit post", "serve edit person",
                                             "serve edit roundup", "serve edit post", "pelican cold", "pelican warm"]
    for row in rows:
        assert int(row["pages"]) > 0 and float(row["seconds"]) > 0 and float(row["rate"]) > 0
        assert int(row["rss"]) > 0
    cold, warm, person, roundup, post = rows[:5]
    assert cold["rewritten_pc"] == "100.0"  # nothing was there before
    assert int(warm["changed"]) == 0  # the same content builds the same site
    assert int(person["changed"]) > 0 and int(roundup["changed"]) > 0 and int(post["changed"]) > 0
    for served, built in zip(rows[5:8], (person, roundup, post)):  # the server makes the same pages
        assert 0 < int(served["changed"]) == int(built["changed"]) and served["pages"] == built["pages"]
    assert re.search(r"^civichub/Pelican cold: \d+\.\d+x \(pages/s\)$", out, re.MULTILINE)
    assert re.search(r"^civichub/Hugo cold: skipped", out, re.MULTILINE)
    assert re.search(r"^search indexing \(pagefind\): skipped", out, re.MULTILINE)
    assert len(re.findall(r"^  (PASS|FAIL|SKIP)  ", out, re.MULTILINE)) == 14
    data = json.loads(figures.read_text())
    assert [step["step"] for step in data["steps"]] == [row["step"] for row in rows]
    assert data["hub"]["events"] >= 1 and "civichub/Pelican cold" in data["ratios"]
    assert (tmp_path / "work" / "hub" / "output" / "index.html").is_file()  # --keep kept it
    assert not (tmp_path / "work" / "trash").exists()  # what runs set aside is gone


def test_bench_with_search_times_the_index_and_the_server_s_index_after_each_edit(tmp_path, capsys):
    pytest.importorskip("pagefind", reason='pip install "pagefind[extended]"')
    assert bench.main(["--scale", "0.05", "--runs", "1", "--no-hugo", "--no-pelican"]) == 0
    out = capsys.readouterr().out
    rows = {match["step"]: match for match in map(ROW.match, out.splitlines()) if match}
    for edit in ("person", "roundup", "post"):
        served, indexed = rows[f"serve edit {edit}"], rows[f"serve index {edit}"]
        assert float(indexed["seconds"]) > float(served["seconds"])  # the index follows the pages
        assert int(indexed["changed"]) > 0 and indexed["pages"] == served["pages"]
    assert int(rows["serve edit person"]["pages"]) == int(rows["civichub cold"]["pages"]) + 1  # /recherche/
    assert re.search(r"^search indexing \(pagefind\): \d+\.\d+ s for \d+ pages, peak RSS \d+ MB \(a first index",
                     out, re.MULTILINE)
    again = re.search(r"^search indexing again \(pagefind\), one page changed: \d+\.\d+ s, (\d+) of (\d+) index files "
                      r"rewritten", out, re.MULTILINE)
    assert 0 < int(again[1]) < int(again[2])  # the changed page's fragment, the words' indexes, the entry
    assert re.search(r"^  (PASS|FAIL)  search indexing \(s\) < 5 s: \d+\.\d+ s$", out, re.MULTILINE)
    assert re.search(r"^  (PASS|FAIL)  search indexing again, one page changed \(s\) < 5 s: \d+\.\d+ s$", out,
                     re.MULTILINE)


def test_bench_refuses_a_folder_in_use(tmp_path, capsys):
    (tmp_path / "something").write_text("x")
    assert bench.main(["--scale", "0.05", "--keep", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
