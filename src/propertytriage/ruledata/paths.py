"""Where the rule data and form templates are.

They live at the top of the repository (``rules/``, ``forms/``) so that clerks can read and edit them
without opening the package. A wheel carries copies at ``propertytriage/_data/``; a source checkout
or an editable install reads the originals. ``PROPERTYTRIAGE_RULES`` points at another rules folder,
for a court that keeps its own.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from propertytriage.errors import RuleDataError

_PACKAGE = Path(__file__).resolve().parent.parent


def _first_existing(name: str) -> Path:
    bundled = _PACKAGE / "_data" / name
    if bundled.is_dir():
        return bundled
    source = _PACKAGE.parent.parent / name
    if source.is_dir():
        return source
    raise RuleDataError(
        f"{name}/", "",
        f"找不到 {name}/ 文件夹（{bundled} 或 {source}），请重新安装 propertytriage",
        f"cannot find the {name}/ folder beside the package ({bundled}) or in the source tree ({source}); "
        "reinstall propertytriage",
    )


def rules_dir() -> Path:
    """The rules folder in force."""
    override = os.environ.get("PROPERTYTRIAGE_RULES")
    if override:
        return Path(override).resolve()
    return _first_existing("rules")


def forms_dir() -> Path:
    """The folder of form templates, their stylesheet and fonts."""
    return _first_existing("forms")


def examples_dir() -> Path:
    """The bundled sample data used by ``propertytriage run``."""
    return _first_existing("examples")


_UNSAFE = re.compile(r"[^\w.-]+")


def safe_stem(case_id: str) -> str:
    """A case id as one file or folder name on every OS: odd characters as ``_``, never ``..``.

    Forms are written under names made from case ids, which a clerk types freely ("../x" and
    "a/b" included); both the forms' folders and their file names go through here. At most 60
    characters, so a Chinese id (3 bytes a character) and a form's suffix fit the usual 255-byte limit.
    """
    return (_UNSAFE.sub("_", case_id).strip("._") or "case")[:60]
