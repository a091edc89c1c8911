"""The work behind each subcommand; argument parsing, errors and exit codes are in ``main.py``."""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

import propertytriage.jsonio as jsonio
from propertytriage.cli.caseforms import write_case_forms
from propertytriage.cli.decide import case_of, decide_every, subject
from propertytriage.cli.labels import STAGE_ZH
from propertytriage.engine import Triage
from propertytriage.errors import InputError, OutputError
from propertytriage.models import Decision
from propertytriage.outputs import Guarded, atomic


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a file that appears only once it is complete (nothing half-written)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic(path) as handle:
        yield handle


@contextlib.contextmanager
def _held_back(path: str | None) -> Iterator[IO[str]]:
    """Where a list's decisions wait until every case is known good: the ``--out`` file's own
    temporary file, or a temporary file copied to standard output at the end.

    Why not a Python list: 100,000 decisions would take hundreds of megabytes; on disk they take
    their size and memory stays flat.
    """
    if path is not None:
        with atomic(path) as handle:
            yield handle
        return
    where = Path(tempfile.gettempdir()) / "(temporary file)"
    with _temporary_file(where) as spool:
        yield Guarded(spool, where)  # type: ignore[misc]
        try:
            spool.flush()
            spool.seek(0)
        except OSError as error:
            raise OutputError.of(where, error) from None
        shutil.copyfileobj(spool, sys.stdout)  # an error here is standard output's (main names it)
        sys.stdout.flush()


@contextlib.contextmanager
def _temporary_file(where: Path) -> Iterator[IO[str]]:
    try:
        spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        raise OutputError.of(where, error) from None
    with spool:
        yield spool


class _ListWriter:
    """Writes a JSON list item by item, byte for byte as ``jsonio.dumps`` would write it whole."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def add(self, decision: Decision) -> None:
        text = jsonio.dumps(decision.model_dump(mode="json"))
        self.out.write(("[\n" if self.count == 0 else ",\n") + "  " + text.replace("\n", "\n  "))
        self.count += 1

    def close(self) -> None:
        self.out.write("\n]\n" if self.count else "[]\n")


def triage_command(args: argparse.Namespace) -> int:
    """JSON in, JSON out; a list is all-or-nothing; lists and JSON lines run in flat memory."""
    engine = Triage()
    if args.jsonl or jsonio.is_json_lines(args.input):
        with _output(args.out) as out:
            line_by_line = out is sys.stdout  # a reader of the pipe sees each decision when made
            for number, item in jsonio.iter_lines(args.input):
                label = subject(f"line {number}", item)
                decision = engine.decide(case_of(item, label), subject=label)
                out.write(jsonio.dumps(decision.model_dump(mode="json"), pretty=False) + "\n")
                if line_by_line:
                    out.flush()
        return 0
    with jsonio.read_cases(args.input) as cases:
        if not cases.is_list:
            item = next(cases.values)
            label = subject("case", item)
            decision = engine.decide(case_of(item, label), subject=label)
            with _output(args.out) as out:
                out.write(jsonio.dumps(decision.model_dump(mode="json")) + "\n")
            return 0
        with _held_back(args.out) as out:
            writer = _ListWriter(out)
            decide_every(engine, cases.values, on_decision=writer.add)
            writer.close()
    return 0


def score_command(args: argparse.Namespace) -> int:
    """Score one scorecard (or a list of them)."""
    from propertytriage.scoring import score

    document = jsonio.read_document(args.input)
    if isinstance(document, list):
        result: Any = []
        for index, item in enumerate(document):
            try:
                result.append(score(item).model_dump(mode="json"))
            except InputError as error:
                raise error.within(f"scorecard[{index}]") from None
    else:
        result = score(document).model_dump(mode="json")
    print(jsonio.dumps(result))
    return 0


def rubric_command(args: argparse.Namespace) -> int:
    """The rubric in force, as a list of items."""
    from propertytriage.scoring import rubric_items

    print(jsonio.dumps(rubric_items()))
    return 0


def history_command(args: argparse.Namespace) -> int:
    """Replay a company's scores, notices and inspections into its rectification state."""
    from propertytriage.scoring import replay

    state = replay(jsonio.read_document(args.input))
    print(jsonio.dumps(state.model_dump(mode="json")))
    return 0


def forms_command(args: argparse.Namespace) -> int:
    """Write, for each case, the forms its decision calls for into ``OUT/<case id>/``.

    Standard output lists the files written, one path a line; standard error says which cases
    need no form now and which old forms were removed.
    """
    from propertytriage.rendering.glyphs import check_model_text

    with jsonio.read_cases(args.input) as cases:
        # every case is valid and printable before anything is written
        decided = decide_every(Triage(), cases.values, check=check_model_text)
    report = write_case_forms(decided, Path(args.out), html=args.html)
    for path in report.written:
        print(path)
    sys.stdout.flush()
    for decision in report.without_forms:
        stage = decision.next_stage
        print(f"{decision.case_id}：当前无需表格（下一环节：{STAGE_ZH[stage]}）"
              f" / no forms needed now (next stage: {stage})", file=sys.stderr)
    for path in report.removed:
        print(f"已删除本案不再需要的旧表格 / removed a form the decision no longer calls for: {path}",
              file=sys.stderr)
    return 0


def schema_command(args: argparse.Namespace) -> int:
    """JSON Schema of an input or output model, for integrators."""
    from propertytriage.models import Case, Scorecard
    from propertytriage.reporting.model import report_schema

    models: dict[str, type[BaseModel]] = {"case": Case, "decision": Decision, "scorecard": Scorecard}
    if args.which == "report":  # an output written with its SPEC §5 keys (period.from)
        schema = report_schema()
    else:
        model = models[args.which]
        schema = model.model_json_schema(mode="serialization" if args.which == "decision" else "validation")
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0
