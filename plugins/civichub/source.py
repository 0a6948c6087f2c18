"""Reading content files: bytes -> text -> YAML node trees that remember where each value was."""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from .problems import Pos, Problem, error

MAX_FILE_BYTES = 2 * 1024 * 1024
NULLS = frozenset(("", "~", "null", "Null", "NULL"))  # YAML's plain nulls
NULL_TAG = "tag:yaml.org,2002:null"


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Composes YAML with only the tags the fields read: null for a plain null, the resolver's
    default tags for anything else. Fields parse each scalar's text themselves (fields.py), so the
    other implicit tags (bool, int, timestamp...) went unread, and finding them was a quarter of
    composing."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            return NULL_TAG if implicit[0] and value in NULLS else self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG

    def descend_resolver(self, current_node, current_index):
        pass  # (no path resolvers)

    def ascend_resolver(self):
        pass


class SourceError(Exception):
    """A file that cannot be read at all; carries the problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML document: its root node and how to turn node marks into positions."""

    file: str
    root: yaml.Node | None
    line_offset: int = 0

    def pos(self, node: yaml.Node) -> Pos:
        mark = node.start_mark
        return Pos(self.file, mark.line + 1 + self.line_offset, mark.column + 1)


def read_text(path: Path, display: str) -> str:
    """The file's text, BOM stripped and line ends normalised; SourceError when unreadable."""
    data = read_bytes(path, display)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(error(Pos(display, line, col), "",
                                f"file is not UTF-8 (byte 0x{data[exc.start]:02x})",
                                "save it with the UTF-8 encoding")) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError(error(Pos(display, line), "", "file contains a NUL character",
                                "remove it; content files are plain text"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


# A link is refused by the open itself where the system can (the check and the read are then one
# step), and the file is read with five system calls instead of pathlib's eleven (its lstat and
# stat, and open()'s file object): a build reads thousands of small files.
NO_LINK = getattr(os, "O_NOFOLLOW", 0)
READ = os.O_RDONLY | NO_LINK | getattr(os, "O_BINARY", 0)


def read_bytes(path: Path, display: str) -> bytes:
    """The file's bytes; SourceError for a symbolic link or a file over MAX_FILE_BYTES."""
    if not NO_LINK and path.is_symlink():
        raise link_refused(display)
    try:
        handle = os.open(path, READ)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise link_refused(display) from None
        raise
    try:
        size = os.fstat(handle).st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(error(Pos(display), "", f"file is {size // 1024} KiB, over the "
                                    f"{MAX_FILE_BYTES // 1024} KiB limit", "split it into smaller files"))
        chunks = []
        while chunk := os.read(handle, max(size, 4096)):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def link_refused(display: str) -> SourceError:
    return SourceError(error(Pos(display), "", "symbolic links are not read",
                             "replace the link with the file itself"))


def parse_yaml(text: str, display: str, line_offset: int = 0) -> YamlDoc:
    """Compose (not construct) the YAML, so every node keeps its mark; SourceError on bad syntax."""
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        found = char_at(text, mark.line, mark.column) if mark else ""
        if found and "cannot start any token" in what:
            what = f"found {found!r}, which cannot start a value"
        raise SourceError(error(Pos(display, line, col), "", f"YAML syntax error: {what}",
                                yaml_hint(what, found))) from None
    except yaml.YAMLError as exc:
        raise SourceError(error(Pos(display, 1 + line_offset), "", f"YAML error: {exc}")) from None
    return YamlDoc(display, root, line_offset)


def char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def yaml_hint(problem: str, found: str = "") -> str:
    if found == "\t" or "tab" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "quote text that contains ': '"
    if found in ("@", "`", "%"):
        return f"quote values that start with {found}"
    return "check indentation and quoting on this line or the one before"


def split_front_matter(text: str, display: str) -> tuple[str, str, int]:
    """(front matter YAML, Markdown body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(error(Pos(display), "", "missing front matter",
                                "start the file with a '---' line, the YAML fields, then '---'"))
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise SourceError(error(Pos(display), "", "front matter is not closed",
                            "end the YAML fields with a '---' line"))
