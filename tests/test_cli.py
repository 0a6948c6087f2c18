"""The civichub command as a contributor runs it: exit codes and what it prints."""
from __future__ import annotations

import subprocess
import sys


def civichub(hub, *args):
    return subprocess.run([sys.executable, "-m", "civichub.cli", *args], cwd=hub.root,
                          capture_output=True, text=True, timeout=120)


def test_check_clean_hub_exits_0(hub):
    result = civichub(hub, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "0 errors, 0 warnings" in result.stderr


def test_a_command_imports_only_its_own_tool(hub):
    """Every command pays for the modules it imports: a build does not load the link checker."""
    script = ("import sys\nfrom civichub import cli\ntry:\n    cli.main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "print(sorted(m for m, _ in cli.TOOLS.values() if m in sys.modules))")
    for args, loaded in ((["check"], "[]"), (["links", "--help"], "['civichub.linktools']")):
        result = subprocess.run([sys.executable, "-c", script, *args], cwd=hub.root, capture_output=True,
                                text=True, timeout=120)
        assert result.stdout.splitlines()[-1] == loaded, result.stdout + result.stderr


def test_check_reports_every_problem_once_and_exits_1(hub):
    hub.write("people/a.yaml", "name: A\naffiliations: [cap-colectif]\n")
    hub.write("people/b.yaml", "nme: B\n")
    result = civichub(hub, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "content/people/a.yaml:2:16: error: affiliations[0]: unknown actor 'cap-colectif' "
        "(did you mean 'cap-collectif'?)",
        "content/people/b.yaml:1:1: error: nme: unknown field 'nme' (did you mean 'name'?)",
    ]
    assert "Traceback" not in result.stderr


def test_strict_makes_warnings_fail(hub):
    hub.write("roundups/2016-11-20-27.md", "---\nnumber: 27\ndate: 2016-11-20\nlinks:\n"
                                           "  - {title: T, source: S}\n---\n")
    assert civichub(hub, "check").returncode == 0
    assert civichub(hub, "check", "--strict").returncode == 1


def test_build_with_errors_prints_them_and_no_traceback(hub):
    hub.write("people/a.yaml", "name: A\naffiliations: [nobody]\n")
    result = civichub(hub, "build")
    assert result.returncode == 1
    assert "content/people/a.yaml:2:16: error: affiliations[0]: unknown actor 'nobody'" in result.stderr
    assert "the previous site was left as it was" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (hub.root / "output").exists()


def test_build_writes_output(hub):
    result = civichub(hub, "build")
    assert result.returncode == 0, result.stderr
    assert (hub.root / "output" / "index.html").is_file()


def test_github_annotations_format(hub):
    hub.write("people/a.yaml", "name: A\naffiliations: [cap-colectif]\n")
    hub.write("roundups/2016-11-20-27.md", "---\nnumber: 27\ndate: 2016-11-20\nlinks:\n"
                                           "  - {title: 'T, 100%', source: S}\n---\n")
    result = civichub(hub, "check", "--format", "github")
    assert result.stdout.splitlines() == [
        "::error file=content/people/a.yaml,line=2,col=16,title=civichub check%3A affiliations[0]::"
        "affiliations[0]: unknown actor 'cap-colectif' (did you mean 'cap-collectif'?)",
        "::warning file=content/roundups/2016-11-20-27.md,line=5,col=5,title=civichub check%3A links[0].url::"
        "links[0].url: link 'T, 100%25' has no URL (add 'url:' when you know the article's address; "
        "it is shown as text)",
    ]
