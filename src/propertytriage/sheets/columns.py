"""The columns of a 台账 sheet, read once from ``columns.yaml``.

Reader, template and export all take their headers, cell kinds and Chinese names from here, so a
label changed in the data changes all three together and an exported sheet always reads back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

KINDS = frozenset({"text", "prose", "code", "date", "amount", "score", "flag", "choice", "outcome"})
STAGES = ("owners_committee", "community", "mediation_center", "court")
"""The ladder in order; ``attempt.<stage>`` columns build ``attempts`` in this order."""


def normalize_header(text: str) -> str:
    """A header as compared: full-width forms folded, spaces dropped, case ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True)
class ColumnSpec:
    """One declared column; ``{n}`` in key and label marks a repeated one (owner 1, owner 2 …)."""

    key: str
    label: str
    kind: str
    example: str = ""
    note: str = ""
    required: bool = False
    width: int = 12
    slots: int = 1
    list_name: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    header_aliases: tuple[str, ...] = ()
    exported: bool = True
    """False for a column that is not a field of the case (更正原因): read and templated, never exported."""

    @property
    def repeated(self) -> bool:
        return "{n}" in self.key

    def at(self, n: int | None = None) -> Column:
        """The concrete column for slot ``n`` (1-based) of a repeated spec."""
        if not self.repeated:
            return Column(self, self.key, self.label, None)
        assert n is not None
        return Column(self, self.key.replace("{n}", str(n)), self.label.replace("{n}", str(n)), n)


@dataclass(frozen=True)
class Column:
    """A column as it appears in a sheet: its spec, concrete key and label, and slot number."""

    spec: ColumnSpec
    key: str
    label: str
    n: int | None

    @property
    def kind(self) -> str:
        return self.spec.kind


@dataclass(frozen=True)
class ExportColumn:
    """A column that export writes after the case's own (the ledger's view); import reads past it."""

    key: str
    label: str
    width: int
    names: dict[str, str]


@dataclass(frozen=True)
class Catalogue:
    """Every column, and the words clerks use for outcomes and yes/no."""

    specs: tuple[ColumnSpec, ...]
    outcomes: dict[str, str]
    flags: dict[str, bool]
    export_only: tuple[ExportColumn, ...]
    _fixed: dict[str, Column] = field(default_factory=dict)
    _patterns: tuple[tuple[re.Pattern[str], ColumnSpec], ...] = ()
    _ignored: frozenset[str] = frozenset()

    def column(self, header: str) -> Column | None:
        """The column a header names (its key, label or an alias), or None if none does."""
        text = normalize_header(header)
        found = self._fixed.get(text)
        if found is not None:
            return found
        for pattern, spec in self._patterns:
            match = pattern.fullmatch(text)
            if match:
                n = int(match.group(1) or 1)
                if n >= 1:
                    return spec.at(n)
        return None

    def ignored(self, header: str) -> bool:
        """Whether a header is one of export's own columns, which import reads past."""
        return normalize_header(header) in self._ignored

    def template_columns(self) -> list[Column]:
        """The columns of a blank template, in the order a clerk fills them."""
        out: list[Column] = []
        for spec in self.specs:
            if spec.repeated:
                out.extend(spec.at(n) for n in range(1, spec.slots + 1))
            else:
                out.append(spec.at())
        return out

    def export_columns(self, slots: dict[str, int]) -> list[Column]:
        """The case columns of an export: every fixed one, repeated ones for as many slots as used.

        ``slots`` maps a list key (``owners``) to the number of items to make room for; a repeated
        spec's slots are interleaved by item (owner 1's columns, then owner 2's) as the template does.
        """
        out: list[Column] = []
        done: set[str] = set()
        for spec in self.specs:
            if not spec.exported:
                continue
            if not spec.repeated:
                out.append(spec.at())
                continue
            group = spec.key.split(".", 1)[0]
            if group in done:
                continue
            done.add(group)
            members = [s for s in self.specs if s.repeated and s.key.split(".", 1)[0] == group]
            for n in range(1, slots.get(group, 0) + 1):
                out.extend(s.at(n) for s in members)
        return out


def _spec(raw: dict[str, Any]) -> ColumnSpec:
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"columns.yaml: {raw['key']}: unknown kind {kind!r}")
    headers = raw.get("aliases", [])
    choice_aliases: dict[str, str] = {}
    if isinstance(headers, dict):  # for a choice column, aliases are other words for its values
        choice_aliases, headers = {str(k): str(v) for k, v in headers.items()}, []
    return ColumnSpec(
        key=raw["key"], label=raw["label"], kind=kind, example=str(raw.get("example", "")),
        note=str(raw.get("note", "")), required=bool(raw.get("required", False)), width=int(raw.get("width", 12)),
        slots=int(raw.get("slots", 1)), list_name=str(raw.get("list", "")),
        choices={str(k): str(v) for k, v in (raw.get("choices") or {}).items()},
        aliases=choice_aliases, header_aliases=tuple(str(h) for h in headers),
        exported=bool(raw.get("export", True)),
    )


def _pattern(text: str) -> re.Pattern[str]:
    """``业主{n}姓名`` matches 业主1姓名, 业主2姓名 and, for the first owner, 业主姓名."""
    before, _, after = normalize_header(text).partition("{n}")
    return re.compile(re.escape(before) + r"(\d*)" + re.escape(after))


@cache
def catalogue() -> Catalogue:
    """The columns declared in ``columns.yaml`` (read once)."""
    text = resources.files("propertytriage.sheets").joinpath("columns.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    specs = tuple(_spec(c) for c in raw["columns"])
    fixed: dict[str, Column] = {}
    patterns: list[tuple[re.Pattern[str], ColumnSpec]] = []
    for spec in specs:
        names = (spec.key, spec.label, *spec.header_aliases)
        if spec.repeated:
            patterns.extend((_pattern(name), spec) for name in names)
        else:
            for name in names:
                fixed[normalize_header(name)] = spec.at()
    outcomes = {normalize_header(word): key for key, words in raw["outcomes"].items() for word in (key, *words)}
    flags = {normalize_header(str(word)): key == "true" for key, words in raw["flags"].items() for word in words}
    export_only = tuple(
        ExportColumn(c["key"], c["label"], int(c.get("width", 12)), {str(k): str(v) for k, v in c["names"].items()})
        for c in raw["export_only"]
    )
    ignored = frozenset(normalize_header(name) for c in export_only for name in (c.key, c.label))
    return Catalogue(specs, outcomes, flags, export_only, fixed, tuple(patterns), ignored)
