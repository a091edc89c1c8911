"""The work behind each subcommand; argument parsing and exit codes are in ``main.py``."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from propertytriage.cli import jsonio
from propertytriage.engine import Triage
from propertytriage.errors import InputError, Problem
from propertytriage.models import Case, Decision
from propertytriage.models.validation import validate
from propertytriage.ruledata.paths import safe_stem


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a file that appears only once it is complete (nothing half-written)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _subject(label: str, item: Any) -> str:
    """How a message names one input: its place (``case[3]``, ``line 4``) and, if it has one, its id."""
    case_id = item.get("case_id") if isinstance(item, dict) else None
    return label + (f" {case_id}" if isinstance(case_id, str) else "")


def decide_every(
    engine: Triage, items: list[Any], *, check: Callable[[Case], None] | None = None
) -> list[tuple[Case, Decision]]:
    """Validate and decide every case of a list, or report every bad case at once (and decide none).

    ``check`` is a further test of each valid case (the forms' printable-text check), reported with
    the rest. Two cases with one id (as validated: "A1 " is "A1", and ids that would name the same
    forms folder count as one) are refused too: a clerk files a decision under its id.
    """
    decided: list[tuple[Case, Decision]] = []
    problems: list[Problem] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        subject = _subject(f"case[{index}]", item)
        try:
            case = validate(Case, item)
            decision = engine.decide(case)
            if check is not None:
                check(case)
        except InputError as error:
            problems.extend(p.within(subject) for p in error.problems)
            continue
        key = safe_stem(case.case_id).casefold()  # "a/b" and "a_b" would share a folder
        if key in first_index:
            problems.append(Problem(
                f"{subject}: case_id", "duplicate_case_id",
                f"案件编号与 case[{first_index[key]}] 重复（或仅有大小写、符号之别）",
                f"case_id repeats case[{first_index[key]}] (or differs only in case or symbols)",
            ))
            continue
        first_index[key] = index
        decided.append((case, decision))
    if problems:
        raise InputError(problems)
    return decided


def triage_command(args: argparse.Namespace) -> int:
    """JSON in, JSON out; a list is all-or-nothing; JSON lines stream in constant memory."""
    engine = Triage()
    if args.jsonl or jsonio.is_json_lines(args.input):
        with _output(args.out) as out:
            for number, item in jsonio.iter_lines(args.input):
                decision = engine.decide(item, subject=_subject(f"line {number}", item))
                out.write(jsonio.dumps(decision.model_dump(mode="json"), pretty=False) + "\n")
        return 0
    document = jsonio.read_document(args.input)
    if isinstance(document, list):
        result: Any = [decision.model_dump(mode="json") for _, decision in decide_every(engine, document)]
    else:
        result = engine.decide(document, subject=_subject("case", document)).model_dump(mode="json")
    with _output(args.out) as out:
        out.write(jsonio.dumps(result) + "\n")
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
    """Write, for each case, the PDFs its decision calls for."""
    from propertytriage.rendering import write_forms
    from propertytriage.rendering.glyphs import check_model_text

    document = jsonio.read_document(args.input)
    items = document if isinstance(document, list) else [document]
    # every case is valid and printable before anything is written
    decided = decide_every(Triage(), items, check=check_model_text)
    folders = case_folders([d.case_id for _, d in decided], Path(args.out), nested=len(items) > 1)
    for (case, decision), folder in zip(decided, folders, strict=True):
        if not decision.forms:
            continue
        for path in write_forms(case, list(decision.forms), folder):
            print(path)
        if args.html:
            for path in write_forms(case, list(decision.forms), folder, html=True):
                print(path)
    return 0


def case_folders(case_ids: list[str], out: Path, *, nested: bool = True) -> list[Path]:
    """One folder per case under ``out``, named safely: a case id never walks out of ``out``.

    The ids come from :func:`decide_every`, which refuses two that would name the same folder.
    """
    if not nested:
        return [out for _ in case_ids]
    return [out / safe_stem(case_id) for case_id in case_ids]


def schema_command(args: argparse.Namespace) -> int:
    """JSON Schema of an input or output model, for integrators."""
    from propertytriage.models import Case, Decision, Scorecard

    models: dict[str, type[BaseModel]] = {"case": Case, "decision": Decision, "scorecard": Scorecard}
    model = models[args.which]
    schema = model.model_json_schema(mode="serialization" if args.which == "decision" else "validation")
    print(json.dumps(schema, ensure_ascii=False, indent=2))
    return 0


def dispatch(args: argparse.Namespace) -> int:
    """Run the subcommand named in ``args``."""
    if args.command == "run":
        from propertytriage.cli.sample_run import run_command

        return run_command(args)
    handlers = {
        "triage": triage_command,
        "score": score_command,
        "rubric": rubric_command,
        "history": history_command,
        "forms": forms_command,
        "schema": schema_command,
    }
    handler = handlers.get(args.command)
    if handler is None:  # pragma: no cover - argparse refuses unknown commands first
        raise InputError([Problem("command", "unknown", "未知命令", "unknown command")])
    return handler(args)
