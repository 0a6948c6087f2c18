"""Problems found in content: data, not exceptions, so every one can be reported at once."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable

from .caches import pickled_by_fields

ERROR = "error"
WARNING = "warning"


@pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Pos:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Problem:
    pos: Pos
    severity: str
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.pos}: {self.severity}: {where}{self.message}{hint}"

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def error(pos: Pos, field: str, message: str, hint: str = "") -> Problem:
    return Problem(pos, ERROR, field, message, hint)


def warning(pos: Pos, field: str, message: str, hint: str = "") -> Problem:
    return Problem(pos, WARNING, field, message, hint)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known word, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.pos, p.severity, p.field, p.message))


def summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions workflow command, shown on the changed line of a pull request."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    if problem.hint:
        message += f" ({problem.hint})"
    title = f"civichub check: {problem.field or 'file'}"
    return (f"::{problem.severity} file={prop(problem.pos.file)},line={problem.pos.line},"
            f"col={problem.pos.col},title={prop(title)}::{data(message)}")
