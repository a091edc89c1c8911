"""The one exception tree of propertytriage.

Every error a user can meet carries a stable ``code`` (documented in ``docs/errors.md``, checked by a
test) and a message in Chinese and English, because the person reading it is often a clerk::

    PropertyTriageError                 root; catch this to catch everything we raise
    ├── InputError (ValueError)         a case, scorecard or history is invalid
    │   └── MissingWageFigureError      no published wage figure for the province and date
    ├── RuleDataError                   a file in rules/ is malformed (names file, path and fix)
    ├── EngineError                     the rules engine misbehaved (never the user's fault)
    └── RenderError                     a form could not be rendered
        └── MissingGlyphError           a character has no glyph in the form fonts

Internal exceptions (pydantic's, durable-rules', WeasyPrint's) are translated at the boundary and
never reach the user bare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong, in both languages."""

    location: str
    code: str
    zh: str
    en: str

    def within(self, subject: str) -> Problem:
        """The same problem, said of a named case (its index or id) in a batch."""
        return Problem(f"{subject}: {self.location}", self.code, self.zh, self.en)

    def under(self, field: str) -> Problem:
        """The same problem inside ``field`` (a scorecard inside a case: ``scorecard.evaluations[0]``)."""
        location = f"{field}.{self.location}" if self.location else field
        return Problem(location, self.code, self.zh, self.en)

    def render(self) -> str:
        """A single line a clerk can act on: place, Chinese, English."""
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.zh} / {self.en} [{self.code}]"


def _rebuild(cls: type[PropertyTriageError], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return cls(*args, **kwargs)


class PropertyTriageError(Exception):
    """Root of every error this package raises on purpose.

    Errors cross process boundaries (forms are rendered in worker processes), so each one pickles
    by its constructor's arguments, whatever its signature.
    """

    code = "error"

    def __init__(self, zh: str, en: str, *, code: str | None = None) -> None:
        self.zh = zh
        self.en = en
        if code is not None:
            self.code = code
        self.remember(zh, en, code=code)
        super().__init__(f"{zh} / {en} [{self.code}]")

    def remember(self, *args: Any, **kwargs: Any) -> None:
        """Record the constructor's arguments (the most derived constructor's call wins)."""
        if not hasattr(self, "_init_args"):
            self._init_args, self._init_kwargs = args, kwargs

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self._init_args, self._init_kwargs))


class InputError(PropertyTriageError, ValueError):
    """Invalid input. ``problems`` lists every field at fault, so one run shows them all."""

    code = "invalid_input"

    def __init__(self, problems: list[Problem], *, subject: str = "") -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.remember(problems, subject=subject)
        self.problems = problems
        self.subject = subject
        prefix = f"{subject}: " if subject else ""
        lines = [prefix + p.render() for p in problems]
        first = problems[0]
        super().__init__(first.zh, first.en)
        self.args = ("\n".join(lines),)

    def __str__(self) -> str:
        return str(self.args[0])

    def within(self, subject: str) -> InputError:
        """The same problems, said of a named case (its index or id) in a batch."""
        return type(self)(self.problems, subject=subject)

    def under(self, field: str) -> InputError:
        """The same problems, located inside ``field`` of a larger input (unchanged if empty)."""
        if not field:
            return self
        return type(self)([p.under(field) for p in self.problems], subject=self.subject)


class MissingWageFigureError(InputError):
    """A case needs a court track but its province has no wage figure published by its filing date."""

    code = "missing_wage_figure"


class RuleDataError(PropertyTriageError):
    """A file in ``rules/`` is malformed; the message names the file, the path inside it and the fix."""

    code = "rule_data"

    def __init__(self, file: str, path: str, problem_zh: str, problem_en: str) -> None:
        self.remember(file, path, problem_zh, problem_en)
        self.file = file
        self.path = path
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {problem_zh}", f"{where}: {problem_en}")


class EngineError(PropertyTriageError):
    """The rules engine did something it must not (an action failed, no rule matched)."""

    code = "engine"


class RenderError(PropertyTriageError):
    """A form could not be rendered."""

    code = "render"
