"""The one exception tree of propertytriage.

Every error a user can meet carries a stable ``code`` (documented in ``docs/errors.md``, checked by a
test) and a message in Chinese and English, because the person reading it is often a clerk::

    PropertyTriageError                 root; catch this to catch everything we raise
    ├── InputError (ValueError)         a case, scorecard or history is invalid
    │   └── MissingWageFigureError      no published wage figure for the province and date
    ├── RuleDataError                   a file in rules/ is malformed (names file, path and fix)
    ├── EngineError                     the rules engine misbehaved (never the user's fault)
    ├── RenderError                     a form could not be rendered
    │   └── MissingGlyphError           a character has no glyph in the form fonts
    └── OutputError (OSError)           a file could not be written (names the file)

Internal exceptions (pydantic's, durable-rules', WeasyPrint's) are translated at the boundary and
never reach the user bare. Values echoed in messages go through :func:`shown`: a clerk's typo may be
a megabyte long or hold characters a terminal would act on.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from typing import Any

# What a terminal would not show or would act on: C0/C1 controls (escape sequences), format
# characters (bidirectional overrides, zero-width), separators other than the space, fillers.
_UNSEEN_EXCEPT_NEWLINE = (
    r"\x00-\x09\x0b-\x1f\x7f-\x9f\xad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff"
)
_UNSEEN = re.compile(f"[\n{_UNSEEN_EXCEPT_NEWLINE}]")
_UNSEEN_IN_MESSAGE = re.compile(f"[{_UNSEEN_EXCEPT_NEWLINE}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


ECHO_LIMIT = 80
"""How much of a clerk's own text (a case id, a company's name, a file or parameter name) a refusal echoes: a
whole id as typed, and no pasted paragraph."""


def echoed(value: Any, *, quote: bool = True) -> str:
    """A clerk's text as a refusal quotes it (:func:`shown` at :data:`ECHO_LIMIT`): one line, escaped, bounded,
    whether the refusal is printed, sent as JSON or shown on a page."""
    return shown(value, ECHO_LIMIT, quote=quote)


def shown(value: Any, limit: int = 60, *, quote: bool = True) -> str:
    """A value as a message may echo it: quoted, invisible characters escaped, cut to ``limit``.

    Why: an unknown key or a wrong value is echoed so the clerk can find it, but it may be a pasted
    paragraph, or hold an escape sequence that would rewrite the terminal.
    """
    if isinstance(value, str):
        text, mark = value, "'" if quote else ""
    else:
        try:
            text, mark = repr(value), ""
        except (ValueError, RecursionError):  # an int past the int-string limit, a value nested too deep
            text, mark = f"<{type(value).__name__}>", ""
    if len(text) <= limit:
        return mark + _UNSEEN.sub(_escape, text) + mark
    return f"{mark}{_UNSEEN.sub(_escape, text[:limit])}…{mark}（共 {len(text)} 字符 / {len(text)} chars）"


def printable(message: str) -> str:
    """A whole message made safe for a terminal: line breaks kept, other invisible characters escaped."""
    return _UNSEEN_IN_MESSAGE.sub(_escape, message)


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


# Why the system refused, in Chinese; the English comes from the system's own message.
_OS_ZH: dict[int, str] = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过允许的大小",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "不允许此操作",
    errno.EROFS: "文件系统为只读",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "已有同名的文件",
    errno.EISDIR: "该路径是一个文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EIO: "磁盘读写错误",
    errno.EMFILE: "打开的文件过多",
    errno.ENOENT: "路径不存在",
}


def os_reason_zh(error_number: int | None, fallback: str = "系统拒绝此操作") -> str:
    """Why the system refused, in Chinese, for a message whose English half quotes the system."""
    return _OS_ZH.get(error_number or 0, fallback)


class OutputError(PropertyTriageError, OSError):
    """A file could not be written (full disk, size limit, no permission); names the file.

    Also an OSError, so a caller that caught the system's error before keeps catching it. Nothing
    is left under the file's name when this is raised (see :mod:`propertytriage.outputs`).
    """

    code = "output"

    def __init__(self, path: str, error_number: int | None, reason: str) -> None:
        self.remember(path, error_number, reason)
        self.path = path
        self.errno_name = errno.errorcode.get(error_number or 0, "")
        zh = os_reason_zh(error_number, "系统拒绝写入")
        tag = f" [{self.errno_name}]" if self.errno_name else ""
        PropertyTriageError.__init__(self, f"无法写入 {path}：{zh}", f"cannot write {path}: {reason}{tag}")
        self.errno = error_number
        self.filename = path

    def __str__(self) -> str:
        return BaseException.__str__(self)  # OSError's own would say "[Errno 28] None"

    @classmethod
    def of(cls, path: object, error: OSError) -> OutputError:
        """The system's error about ``path``, as one a clerk can read."""
        return cls(str(path), error.errno, error.strerror or type(error).__name__)
