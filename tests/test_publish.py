"""Publishing: precompressed files, valid CI workflows and pre-commit configuration."""
from __future__ import annotations

import brotli
import gzip
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_precompressed_copies_match_and_are_reproducible(hub):
    with open(hub.root / "pelicanconf.py", "a") as conf:
        conf.write("\nCIVICHUB_PRECOMPRESS = True\n")
    output = hub.build()
    pages = sorted(output.rglob("*.html"))
    assert pages
    for page in pages:
        data = page.read_bytes()
        assert gzip.decompress((page.parent / (page.name + ".gz")).read_bytes()) == data
        assert brotli.decompress((page.parent / (page.name + ".br")).read_bytes()) == data
    first = {p: p.read_bytes() for p in output.rglob("*.gz")}
    output = hub.build()
    assert {p: p.read_bytes() for p in output.rglob("*.gz")} == first


def test_github_workflows_are_valid():
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 2
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                             "vendor.github-workflows", *workflows], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_request_workflow_checks_links_and_annotates():
    steps = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text())["jobs"]["check"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "civichub check --format github" in commands
    assert "civichub links --since" in commands
    assert "publishconf.py build" in commands


def test_pre_commit_hooks_run_the_checker():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert ".venv/bin/civichub check" in entries
    for entry in entries:
        assert (ROOT / entry.split()[0]).parent.name == "bin"


def test_unchanged_pages_keep_their_compressed_copies(hub):
    with open(hub.root / "pelicanconf.py", "a") as conf:
        conf.write("\nCIVICHUB_PRECOMPRESS = True\n")
    output = hub.build()
    page = output / "personnes" / "loic-blondiaux" / "index.html.br"
    inode = page.stat().st_ino
    hub.write("people/paula-forteza.yaml", "name: Paula Forteza\ntitles: [Députée]\n")
    output = hub.build()
    assert page.stat().st_ino == inode
    changed = output / "personnes" / "paula-forteza" / "index.html"
    assert gzip.decompress((changed.parent / "index.html.gz").read_bytes()) == changed.read_bytes()


def test_compression_turned_on_compresses_the_pages_a_build_keeps(hub):
    """The pages of a rebuild are mostly kept from the live site: they get their copies too."""
    hub.build()
    with open(hub.root / "pelicanconf.py", "a") as conf:
        conf.write("\nCIVICHUB_PRECOMPRESS = True\n")
    output = hub.build()
    for page in sorted(output.rglob("*.html")):
        if page.stat().st_size >= 256:
            assert gzip.decompress((page.parent / (page.name + ".gz")).read_bytes()) == page.read_bytes()
