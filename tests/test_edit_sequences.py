"""Random sequences of a contributor's edits on the sample hub. After each one, an incremental
build (load cache, kept hub, build record, kept rows and pages) must leave the site a full build
of the same content makes, byte for byte, and report the same problems; an edit that breaks the
content must fail both builds alike and leave the live site as it was. Each sequence runs twice:
through `civichub build`, and as `civichub serve` builds (its caches read ahead, each build
forked from it).

The edits are made on the files' text, as a contributor makes them: a value changed, a line
removed, two values of one field swapped between files, a file copied under a new name or
removed, a paragraph added, a name written into a text, the lines moved down. Most change free
text; the others change the structure (a time, an affiliation, a new person) or break the
content (an unknown slug, a missing field), which the next build then sees undone. The seed of a
failing sequence is in the test's name: `CIVICHUB_EDIT_SEEDS=first:last` runs other sequences
(the default is a few, for time)."""
from __future__ import annotations

import gc
import logging
import os
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from civichub import caches, serve
from civichub.build import build
from civichub.pipeline import BuildFailed

from conftest import copy_of_sample
from test_incremental import differences, tree

STEPS = 8  # edits in a sequence
# "key: value" on a line of its own (YAML mappings and Markdown front matter), a list's item included
VALUE_LINE = re.compile(r"^(?P<head>\s*(?:-\s+)?(?P<key>[a-z_]+):\s+)(?P<value>[^\s|>&*\[{#].*?)\s*$")
SCALAR_LINE = re.compile(r"^\s*-\s+(?P<value>[a-z0-9][a-z0-9-]*)\s*$")  # a list of slugs
INLINE_LIST = re.compile(r"^(?P<head>\s*(?:-\s+)?(?P<key>[a-z_]+):\s+)\[(?P<items>[^\]]*)\]\s*$")
PROSE_LINE = re.compile(r"^\s{4,}(?![-#]|[a-z_]+:)\S.*$")  # inside a folded or literal block


def seeds() -> list[int]:
    first, _, last = os.environ.get("CIVICHUB_EDIT_SEEDS", "1:4").partition(":")
    return list(range(int(first), int(last or first) + 1))


@dataclass
class Edit:
    """One edit: what it did, and the files as they were before it (None: the file did not exist)."""
    said: str
    before: dict[Path, str | None]

    def undo(self) -> Edit:
        """Puts the files back as they were; returns the undoing, as an edit done."""
        now = {path: path.read_text(encoding="utf-8") if path.exists() else None for path in self.before}
        for path, text in self.before.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")
        return Edit(f"undo of ({self.said})", now)


class Editor:
    """Random edits of a hub's content/ folder."""

    def __init__(self, content: Path, rng: random.Random):
        self.content, self.rng = content, rng

    def files(self) -> list[Path]:
        return sorted(path for path in self.content.rglob("*") if path.suffix in (".yaml", ".md"))

    def value_lines(self, path: Path) -> list[tuple[int, re.Match]]:
        lines = path.read_text(encoding="utf-8").split("\n")
        return [(number, match) for number, line in enumerate(lines) if (match := VALUE_LINE.match(line))]

    def any_edit(self) -> Edit:
        kinds = [self.change_value, self.change_value, self.change_value, self.remove_line,
                 self.swap_values, self.swap_values, self.copy_file, self.remove_file,
                 self.add_paragraph, self.move_down, self.change_slug_in_list, self.change_prose,
                 self.change_prose, self.change_inline_item, self.mention_someone]
        while True:
            edit = self.rng.choice(kinds)()
            if edit is not None:
                return edit

    def rewrite(self, path: Path, said: str, change) -> Edit | None:
        text = path.read_text(encoding="utf-8")
        new = change(text)
        if new is None or new == text:
            return None
        path.write_text(new, encoding="utf-8")
        return Edit(f"{said} in {path.relative_to(self.content)}", {path: text})

    def rewrite_line(self, path: Path, number: int, said: str,
                     new_line: Callable[[str], str | None]) -> Edit | None:
        """The line at index number replaced by new_line(line), or removed when that is None."""
        def change(text: str) -> str:
            lines = text.split("\n")
            lines[number:number + 1] = [] if (line := new_line(lines[number])) is None else [line]
            return "\n".join(lines)
        return self.rewrite(path, said, change)

    def any_value_line(self) -> tuple[Path, int, re.Match] | None:
        """A "key: value" line of a file chosen at random (the folders of many files weigh more)."""
        path = self.rng.choice(self.files())
        found = self.value_lines(path)
        return (path, *self.rng.choice(found)) if found else None

    def change_value(self) -> Edit | None:
        if (chosen := self.any_value_line()) is None:
            return None
        path, number, match = chosen
        value = match["value"]
        word = self.rng.choice([" revu", " (bis)", " : encore", "-2", "0"])
        if value[:1] in "\"'" and value[-1:] == value[:1] and len(value) > 1:
            changed = value[:-1] + word + value[-1]
        else:
            changed = value + word
        return self.rewrite_line(path, number, f"{match['key']}: {value!r} -> {changed!r}",
                                 lambda line: match["head"] + changed)

    def lines_matching(self, pattern: re.Pattern) -> list[tuple[Path, int, re.Match]]:
        """Every line of the content that pattern matches: (file, index, match)."""
        return [(path, number, match) for path in self.files()
                for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"))
                if (match := pattern.match(line))]

    def change_prose(self) -> Edit | None:
        """A word added to a line of a block of text (a link's excerpt, a session's description)."""
        path, number, _ = self.rng.choice(self.lines_matching(PROSE_LINE))
        added = self.rng.choice([" encore", " ; voir aussi", " !"])
        return self.rewrite_line(path, number, f"line {number + 1}: text added", lambda line: line + added)

    def mention_someone(self) -> Edit | None:
        """A person's or an organisation's name written into a block of text: a new mention."""
        names = [match["value"].strip("\"'") for path, _, match in self.lines_matching(VALUE_LINE)
                 if match["key"] == "name" and path.parent.name in ("people", "actors")]
        path, number, _ = self.rng.choice(self.lines_matching(PROSE_LINE))
        name = self.rng.choice(names)
        return self.rewrite_line(path, number, f"line {number + 1}: {name} mentioned",
                                 lambda line: f"{line} avec {name}")

    def remove_line(self) -> Edit | None:
        if (chosen := self.any_value_line()) is None:
            return None
        path, number, match = chosen
        return self.rewrite_line(path, number, f"line {number + 1} ({match['key']}) removed", lambda line: None)

    def swap_values(self) -> Edit | None:
        """One field's values exchanged between two files of one kind (two people's affiliations,
        two sessions' start times)."""
        files = self.files()
        folder = self.rng.choice(sorted({path.parent for path in files}))
        paths = [path for path in files if path.parent == folder]
        if len(paths) < 2:
            return None
        one, other = self.rng.sample(paths, 2)
        ones, others = self.value_lines(one), self.value_lines(other)
        keys = sorted({m["key"] for _, m in ones} & {m["key"] for _, m in others})
        if not keys:
            return None
        key = self.rng.choice(keys)
        (n1, m1), (n2, m2) = (next((n, m) for n, m in found if m["key"] == key) for found in (ones, others))
        texts = {path: path.read_text(encoding="utf-8") for path in (one, other)}
        for path, number, head, value in ((one, n1, m1["head"], m2["value"]), (other, n2, m2["head"], m1["value"])):
            lines = texts[path].split("\n")
            lines[number] = head + value
            path.write_text("\n".join(lines), encoding="utf-8")
        return Edit(f"{key} swapped between {one.relative_to(self.content)} and {other.relative_to(self.content)}",
                    texts)

    def copy_file(self) -> Edit | None:
        source = self.rng.choice(self.files())
        target = source.with_name(f"{source.stem}-copie{source.suffix}")
        if target.exists():
            return None
        shutil.copyfile(source, target)
        return Edit(f"{source.relative_to(self.content)} copied to {target.name}", {target: None})

    def remove_file(self) -> Edit | None:
        path = self.rng.choice(self.files())
        text = path.read_text(encoding="utf-8")
        path.unlink()
        return Edit(f"{path.relative_to(self.content)} removed", {path: text})

    def add_paragraph(self) -> Edit | None:
        path = self.rng.choice([path for path in self.files() if path.suffix == ".md"])
        return self.rewrite(path, "a paragraph added", lambda text: text.rstrip("\n") + "\n\nUn paragraphe ajouté.\n")

    def move_down(self) -> Edit | None:
        """A comment on top (of a YAML file or of a Markdown file's front matter): every line
        moves, so must every line a message gives."""
        path = self.rng.choice(self.files())
        if path.suffix == ".yaml":
            return self.rewrite(path, "a comment added on top", lambda text: "# relu\n" + text)
        return self.rewrite(path, "a comment added on top", lambda text: text.replace("---\n", "---\n# relu\n", 1)
                            if text.startswith("---\n") else None)

    def change_slug_in_list(self) -> Edit | None:
        """A slug of a list (a session's speakers, a person's affiliations) replaced by another
        slug of the same list elsewhere: a new link between two records."""
        files = [path for path in self.files() if path.suffix == ".yaml"]
        path = self.rng.choice(files)
        lines = path.read_text(encoding="utf-8").split("\n")
        slugs = [number for number, line in enumerate(lines) if SCALAR_LINE.match(line)]
        if not slugs:
            return None
        number = self.rng.choice(slugs)
        elsewhere = [m["value"] for other in self.rng.sample(files, min(20, len(files)))
                     for line in other.read_text(encoding="utf-8").split("\n") if (m := SCALAR_LINE.match(line))]
        if not elsewhere:
            return None
        replacement = self.rng.choice(elsewhere)
        return self.rewrite_line(path, number, f"line {number + 1}: slug -> {replacement!r}",
                                 lambda line: line[:line.index("-") + 2] + replacement)

    def change_inline_item(self) -> Edit | None:
        """An item of a list written [a, b] (a link's actors, people or tags) replaced by an item
        of the same field elsewhere."""
        lists = [found for found in self.lines_matching(INLINE_LIST) if found[2]["items"].strip()]
        path, number, match = self.rng.choice(lists)
        items = [item.strip() for item in match["items"].split(",")]
        elsewhere = sorted({item.strip() for _, _, other in lists if other["key"] == match["key"]
                            for item in other["items"].split(",")} - set(items))
        if not elsewhere:
            return None
        items[self.rng.randrange(len(items))] = self.rng.choice(elsewhere)
        return self.rewrite_line(path, number, f"{match['key']}: [{match['items']}] -> {items}",
                                 lambda line: f"{match['head']}[{', '.join(items)}]")


def reported(caplog, level: int = logging.WARNING) -> list[str]:
    """The problems the last build reported (its errors, and its warnings at the default level),
    then forgets them."""
    found = sorted(record.getMessage() for record in caplog.records
                   if record.levelno >= level and record.name.startswith("civichub"))
    caplog.clear()
    return found


def outcome(caplog, level: int, *args, **kwargs) -> tuple[bool, list[str]]:
    """build(*args, **kwargs): whether it succeeded, and what it reported."""
    try:
        build(*args, **kwargs)
    except BuildFailed:
        return False, reported(caplog, level)
    return True, reported(caplog, level)


def built_by_build(root: Path, caplog) -> tuple[bool, list[str]]:
    """An incremental `civichub build`: whether it succeeded, and what it reported."""
    return outcome(caplog, logging.WARNING, root / "pelicanconf.py", root / "output")


def built_by_server(root: Path, caplog) -> tuple[bool, list[str]]:
    """A build as `civichub serve` makes it: the caches read ahead in the server's process, the
    build forked from it. Whether it succeeded, and its errors (a forked build sends back those
    only)."""
    try:
        serve.warm_up(root / "pelicanconf.py")
        attempt = serve.in_child(serve.attempt, root / "pelicanconf.py", root / "output")
    finally:
        caches._read_ahead.clear()
        gc.unfreeze()
    caplog.clear()
    assert attempt is not None and not attempt.unchanged, attempt
    return not attempt.failed, sorted(str(problem) for problem in attempt.problems)


def built_in_full(root: Path, caplog, level: int) -> tuple[bool, list[str]]:
    """A full build into full/, with a cache of its own: nothing it leaves there (a kept hub,
    loaded files) is taken by the incremental builds. Whether it succeeded, and what it reported."""
    return outcome(caplog, level, root / "pelicanconf.py", root / "full", {"CIVICHUB_CACHE_PATH": ".cache-full"},
                   full=True)


@pytest.mark.parametrize("seed", seeds())
@pytest.mark.parametrize("via", ["build", "serve"])
def test_any_sequence_of_edits_builds_the_site_a_full_build_does(tmp_path, caplog, via, seed):
    caplog.set_level(logging.WARNING)
    root = copy_of_sample(tmp_path / "hub")
    build(root / "pelicanconf.py", root / "output")
    incremental, level = (built_by_build, logging.WARNING) if via == "build" else (built_by_server, logging.ERROR)
    editor, done, undoing = Editor(root / "content", random.Random(seed)), [], None
    for _ in range(STEPS):
        edit, undoing = undoing or editor.any_edit(), None
        done.append(edit.said)
        before = tree(root / "output")
        caplog.clear()
        built, problems = incremental(root, caplog)
        built_full, problems_full = built_in_full(root, caplog, level)
        history = " / ".join(done)
        assert built == built_full, history
        if built and via == "serve":
            problems_full = []  # (a forked build that succeeds sends back no warning)
        assert problems == problems_full, history
        if built:
            assert differences(tree(root / "output"), tree(root / "full")) == [], history
        else:
            assert differences(tree(root / "output"), before) == [], history  # the live site untouched
            undoing = edit.undo()  # the next build is the one after the fix
