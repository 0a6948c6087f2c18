"""The build is all or nothing: interrupted, killed, out of disk or run twice at once, it leaves
the previous site intact; two builds of the same content are byte-identical."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from civichub import output
from civichub.build import BuildLocked, build_lock
from civichub.pipeline import BuildFailed

ROOT = Path(__file__).resolve().parent.parent


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, but Pagefind's index: Pagefind 1.5 orders its filter and meta files
    differently on each run (its search results are the same)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"}


def test_two_builds_are_byte_identical(tmp_path):
    outputs = []
    for name in ("first", "second"):
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "civichub.cli", "build", "--output", str(out)], cwd=ROOT,
                       check=True, capture_output=True, env={k: v for k, v in os.environ.items()
                                                             if k != "SOURCE_DATE_EPOCH"})
        outputs.append(snapshot(out))
    assert outputs[0].keys() == outputs[1].keys()
    different = [name for name in outputs[0] if outputs[0][name] != outputs[1][name]]
    assert different == []


def slow_build(hub, extra_env=None):
    """A build of the minimal hub that pauses inside Pelican, so it can be interrupted."""
    code = ("import time, civichub.generator as g\n"
            "original = g.HubGenerator.generate_output\n"
            "def slow(self, writer):\n"
            "    original(self, writer)\n"
            "    open('started', 'w').close()\n"
            "    time.sleep(30)\n"
            "g.HubGenerator.generate_output = slow\n"
            "from civichub.cli import main\n"
            "raise SystemExit(main(['build']))\n")
    return subprocess.Popen([sys.executable, "-c", code], cwd=hub.root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(extra_env or {})})


def wait_started(hub, process):
    deadline = time.monotonic() + 60
    while not (hub.root / "started").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_interrupted_build_leaves_previous_site(hub, sig):
    output = hub.build()
    before = snapshot(output)
    hub.write("people/new.yaml", "name: Nouvelle Personne\n")
    process = slow_build(hub)
    wait_started(hub, process)
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert snapshot(output) == before
    assert "Traceback" not in err
    if sig == signal.SIGINT:
        assert "the previous site was left as it was" in err
    hub.build()  # the next build cleans up what the killed one left
    leftovers = [p.name for p in hub.root.iterdir() if p.name.startswith(".output.new-")]
    assert leftovers == []  # (the retired site, .output.old-*, is deleted in the background)
    assert (output / "personnes" / "nouvelle" / "index.html").exists() is False
    assert (output / "personnes" / "new" / "index.html").exists()


def test_disk_full_leaves_previous_site(hub, monkeypatch):
    output = hub.build()
    before = snapshot(output)
    import pelican.writers

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "output/personnes/x/index.html")

    monkeypatch.setattr(pelican.writers.Writer, "write_file", full)
    # a new post: Pelican's pages must be written again (unchanged, they would be kept as they are)
    hub.write("posts/nouveau.md", "Title: Nouveau\nDate: 2024-01-01\n\nUn billet.\n")
    with pytest.raises(BuildFailed, match="No space left on device"):
        hub.build()
    assert snapshot(output) == before


def test_concurrent_builds_are_refused(hub):
    output = hub.root / "output"
    with build_lock(output):
        with pytest.raises(BuildLocked, match="another build is writing"):
            hub.build()
    result = subprocess.run([sys.executable, "-m", "civichub.cli", "build"], cwd=hub.root,
                            capture_output=True, text=True)
    assert result.returncode == 0


def inodes(folder: Path, search: bool = False) -> dict[str, int]:
    """Each file's inode; Pagefind's index only if asked (it is rebuilt whole when a page changes)."""
    return {str(p.relative_to(folder)): p.stat().st_ino for p in folder.rglob("*")
            if p.is_file() and (search or p.relative_to(folder).parts[0] != "pagefind")}


def test_only_changed_files_are_rewritten_and_the_previous_site_is_never_touched(hub):
    output = hub.build()
    before, before_bytes = inodes(output), snapshot(output)
    with_search = inodes(output, search=True)
    hub.build()
    assert inodes(output, search=True) == with_search, "an unchanged build rewrites nothing"
    hub.write("people/paula-forteza.yaml", "name: Paula Forteza\ntitles: [Députée]\n")
    previous = output.parent / "previous"
    os.link(output / "personnes/paula-forteza/index.html", previous)  # a reader holding the old file
    hub.build()
    changed = sorted(name for name, inode in inodes(output).items() if before.get(name) != inode)
    assert "personnes/paula-forteza/index.html" in changed
    assert len(changed) <= 6, changed
    assert previous.read_bytes() == before_bytes["personnes/paula-forteza/index.html"]


def test_a_removed_record_loses_its_page(hub):
    output = hub.build()
    assert (output / "personnes/paula-forteza/index.html").exists()
    hub.write("events/journee/sessions.yaml", "[]\n")
    (hub.content / "people/paula-forteza.yaml").unlink()
    hub.build()
    assert not (output / "personnes/paula-forteza").exists()
    assert not (output / "evenements/journee/atelier").exists()


def test_the_live_sites_files_are_listed_by_find_as_by_python(tmp_path, monkeypatch):
    """The live site's files are listed by `find` in another process while the build loads; the
    listing is the one os.walk gives: every file, the folders tools write whole aside (at the top
    only), names that are not UTF-8 included. Without find, Python lists them."""
    site = tmp_path / "site"
    for relative in ("index.html", "personnes/loïc/index.html", "theme/css/site.css", "pagefind/x.pf",
                     "liens/theme/index.html", "data/people.csv", ".hidden"):
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text("x")
    (site / os.fsdecode(b"odd-\xff.html")).write_text("x")
    fresh = ("theme", "pagefind")
    expected = output.previous_files(site, fresh)
    assert "liens/theme/index.html" in expected and "theme/css/site.css" not in expected
    assert output.previous_files_listed(site, fresh)() == expected
    assert output.previous_files_listed(site, ())() == output.previous_files(site, ())
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert output.previous_files_listed(site, fresh)() == expected
