"""Collect every example file that mediators and clerks write as YAML under ``rules/tests/``.

One format serves triage, scoring and the rectification lifecycle alike. A file says which it
holds (``kind``), may give ``defaults`` (triage: the case every example starts from) and lists
``examples``, each with a ``name``, its ``input`` and the ``output`` it must give (``error``: the
location the error must name). The format is strict: an unknown or misspelt key (``outptu``), a key
given twice, or a file of no known kind fails by name, so an example is never silently skipped. A
failure prints the file and the example's name, so the person who wrote it can read it without
knowing Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

EXAMPLES_ROOT = Path(__file__).resolve().parent / "rules" / "tests"


class _Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    input: dict[str, Any] = {}
    output: dict[str, Any] = Field(min_length=1)


class _ExampleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["triage", "scoring", "lifecycle"]
    defaults: dict[str, Any] = {}
    examples: list[_Example] = Field(min_length=1)


class _StrictLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice (PyYAML keeps the last one silently)."""


def _no_duplicate_keys(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


def read_example_file(path: Path) -> _ExampleFile:
    """Parse and check one example file: its shape, and the output keys its kind knows."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader
    example_file = _ExampleFile.model_validate(data)
    allowed = OUTPUT_KEYS[example_file.kind]()
    for example in example_file.examples:
        unknown = set(example.output) - allowed
        if unknown:
            raise ExampleFormatError(
                f"«{example.name}»: unknown output key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
        if example_file.kind != "triage" and set(example.input) != {INPUT_KEY[example_file.kind]}:
            raise ExampleFormatError(
                f"«{example.name}»: input must hold exactly {INPUT_KEY[example_file.kind]!r}")
    if example_file.defaults and example_file.kind != "triage":
        raise ExampleFormatError("only triage examples take defaults")
    return example_file


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and file_path.is_relative_to(EXAMPLES_ROOT):
        return ExampleFile.from_parent(parent, path=file_path)
    return None


class ExampleFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            data = read_example_file(self.path)
        except (yaml.YAMLError, ValidationError, ExampleFormatError) as error:
            raise self.CollectError(f"{self.path.name}: not a valid example file:\n{error}") from None
        for example in data.examples:
            yield ExampleItem.from_parent(
                self, name=example.name, kind=data.kind,
                given={**data.defaults, **example.input}, wanted=example.output)


class ExampleItem(pytest.Item):
    def __init__(self, *, kind: str, given: dict[str, Any], wanted: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kind = kind
        self.given = given
        self.wanted = wanted

    def runtest(self) -> None:
        from propertytriage import InputError

        run = RUNNERS[self.kind]
        try:
            got = run(self.given)
        except InputError as error:
            located = [p.location for p in error.problems]
            if "error" not in self.wanted:
                raise ExampleMismatchError("error", "no error", located) from None
            if self.wanted["error"] not in located:
                raise ExampleMismatchError("error", self.wanted["error"], located) from None
            return
        if "error" in self.wanted:
            raise ExampleMismatchError("error", self.wanted["error"], "no error")
        for key, wanted in self.wanted.items():
            check = CHECKS.get(key, _equal)
            check(key, wanted, got)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExampleMismatchError):
            key, wanted, got = excinfo.value.args
            return (f"{self.path.name} «{self.name}»\n  {key}: expected {wanted!r}\n"
                    f"  {' ' * len(key)}  got      {got!r}")
        return f"{self.path.name} «{self.name}»\n{super().repr_failure(excinfo)}"

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.kind} example: {self.name}"


class ExampleMismatchError(Exception):
    """An example's expected output did not hold."""


class ExampleFormatError(Exception):
    """An example file breaks the format (an unknown output key, a wrong input)."""


# --- how each kind is run ---------------------------------------------------------------------

def _run_triage(case: dict[str, Any]) -> dict[str, Any]:
    from propertytriage import Triage

    decision = Triage().decide(case).model_dump(mode="json")
    decision["rules"] = [r["rule"] for r in decision["reasons"]]
    decision["told"] = "\n".join(r["text"] for r in decision["reasons"])
    return decision


def _sheet(evaluator: str, spec: dict[str, Any]) -> dict[str, Any]:
    from tests.scoring.helpers import sheet_totalling, uniform

    if set(spec) - {"all", "total", "items"} or ("all" in spec) == ("total" in spec):
        raise ExampleFormatError(f"sheet {evaluator!r}: give `all` or `total`, and optionally `items`")
    sheet = uniform(str(spec["all"]), evaluator) if "all" in spec else sheet_totalling(
        Decimal(str(spec["total"])), evaluator)
    sheet["items"].update({k: str(v) for k, v in spec.get("items", {}).items()})
    return sheet


def _run_scoring(given: dict[str, Any]) -> dict[str, Any]:
    from propertytriage.scoring import score
    from tests.scoring.helpers import card

    result = score(card(*[_sheet(e, spec) for e, spec in given["sheets"].items()]))
    return {**result.model_dump(), "weakest_items": [i.id for i in result.weakest_items]}


def _run_lifecycle(given: dict[str, Any]) -> dict[str, Any]:
    from propertytriage.scoring import replay

    # YAML 1.1 reads a bare `on:` key as true; the history format (JSON) has no such trap.
    events = [{("on" if k is True else k): v for k, v in e.items()} for e in given["events"]]
    state = replay({"events": events})
    return {**state.model_dump(), "deadline": state.deadline.due_on if state.deadline else None,
            "penalties": len(state.penalty_recommendations)}


RUNNERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "triage": _run_triage, "scoring": _run_scoring, "lifecycle": _run_lifecycle,
}
INPUT_KEY = {"scoring": "sheets", "lifecycle": "events"}


def _triage_outputs() -> set[str]:
    from propertytriage import Decision

    return set(Decision.model_fields) | {"rules", "error", "reasons_mention", "reasons_never_mention"}


OUTPUT_KEYS: dict[str, Callable[[], set[str]]] = {
    "triage": _triage_outputs,
    "scoring": lambda: {"total", "rectification_required", "missing_evaluators", "weakest_items", "error"},
    "lifecycle": lambda: {"status", "rectification_required", "mediation_may_proceed", "latest_score",
                          "round", "failed_inspections", "next_action", "deadline", "penalties",
                          "error"},
}


# --- how each output key is compared ------------------------------------------------------------

def _equal(key: str, wanted: Any, got: dict[str, Any]) -> None:
    value = got.get(key)
    if isinstance(value, Decimal) and wanted is not None:
        wanted = Decimal(str(wanted))
    if value != wanted:
        raise ExampleMismatchError(key, wanted, value)


def _mentions(key: str, wanted: list[str], got: dict[str, Any]) -> None:
    for phrase in wanted:
        if phrase not in got["told"]:
            raise ExampleMismatchError(key, phrase, got["told"])


def _never_mentions(key: str, wanted: list[str], got: dict[str, Any]) -> None:
    for phrase in wanted:
        if phrase in got["told"]:
            raise ExampleMismatchError(key, phrase, got["told"])


CHECKS: dict[str, Callable[[str, Any, dict[str, Any]], None]] = {
    "reasons_mention": _mentions, "reasons_never_mention": _never_mentions,
}
