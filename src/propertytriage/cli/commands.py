"""The work behind each subcommand; argument parsing and exit codes are in ``main.py``."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from propertytriage.cli import jsonio
from propertytriage.engine import Triage
from propertytriage.errors import InputError, Problem
from propertytriage.models import Case, Decision


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


def _subject(index: int, item: Any) -> str:
    case_id = item.get("case_id") if isinstance(item, dict) else None
    return f"case[{index}]" + (f" {case_id}" if isinstance(case_id, str) else "")


def decide_every(engine: Triage, items: list[Any]) -> list[Decision]:
    """Decide every case of a list, or report every bad case at once (and decide none).

    Two cases with one id (as validated: "A1 " is "A1") are refused too: an id is what a clerk
    files a decision under, and two forms folders of one name would overwrite each other.
    """
    decisions: list[Decision] = []
    problems: list[Problem] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        subject = _subject(index, item)
        try:
            decision = engine.decide(item)
        except InputError as error:
            problems.extend(Problem(f"{subject}: {p.location}", p.code, p.zh, p.en) for p in error.problems)
            continue
        key = safe_name(decision.case_id).casefold()
        if key in first_index:
            problems.append(Problem(
                f"{subject}: case_id", "duplicate_case_id",
                f"案件编号与 case[{first_index[key]}] 重复（或仅有大小写、符号之别）",
                f"case_id repeats case[{first_index[key]}] (or differs only in case or symbols)",
            ))
            continue
        first_index[key] = index
        decisions.append(decision)
    if problems:
        raise InputError(problems)
    return decisions


def decide_all(engine: Triage, items: list[Any]) -> list[dict[str, Any]]:
    """Decisions for a list of cases, as JSON-ready dicts (see :func:`decide_every`)."""
    return [d.model_dump(mode="json") for d in decide_every(engine, items)]


def triage_command(args: argparse.Namespace) -> int:
    """JSON in, JSON out; a list is all-or-nothing; JSON lines stream in constant memory."""
    engine = Triage()
    if args.jsonl or jsonio.is_json_lines(args.input):
        with _output(args.out) as out:
            for number, item in jsonio.iter_lines(args.input):
                decision = engine.decide(item, subject=f"line {number}" + (
                    f" {item['case_id']}" if isinstance(item, dict)
                    and isinstance(item.get("case_id"), str) else ""))
                out.write(jsonio.dumps(decision.model_dump(mode="json"), pretty=False) + "\n")
        return 0
    document = jsonio.read_document(args.input)
    if isinstance(document, list):
        result: Any = decide_all(engine, document)
    else:
        result = engine.decide(document, subject=_subject(0, document).replace("case[0]", "case")).model_dump(
            mode="json"
        )
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
    decisions = decide_every(Triage(), items)
    problems: list[Problem] = []
    for index, item in enumerate(items):  # every case is printable before anything is written
        try:
            check_model_text(Case.model_validate(item))
        except InputError as error:
            subject = _subject(index, item)
            problems.extend(Problem(f"{subject}: {p.location}", p.code, p.zh, p.en) for p in error.problems)
    if problems:
        raise InputError(problems)
    folders = case_folders([d.case_id for d in decisions], Path(args.out), nested=len(items) > 1)
    for item, decision, folder in zip(items, decisions, folders, strict=True):
        if not decision.forms:
            continue
        for path in write_forms(item, list(decision.forms), folder):
            print(path)
        if args.html:
            for path in write_forms(item, list(decision.forms), folder, html=True):
                print(path)
    return 0


def case_folders(case_ids: list[str], out: Path, *, nested: bool = True) -> list[Path]:
    """One folder per case under ``out``, named safely: a case id never walks out of ``out``.

    Two cases with the same id in one batch would overwrite each other's forms, so that is refused.
    """
    seen: dict[str, int] = {}
    for index, case_id in enumerate(case_ids):
        key = safe_name(case_id).casefold()  # "a/b" and "a_b" would share a folder
        if key in seen:
            raise InputError([Problem(
                f"case[{index}].case_id", "duplicate_case_id",
                f"案件编号「{case_id}」与 case[{seen[key]}] 重复（或仅有大小写、符号之别）",
                f"case_id {case_id!r} repeats case[{seen[key]}] (or differs only in case or symbols)",
            )])
        seen[key] = index
    if not nested:
        return [out for _ in case_ids]
    return [out / safe_name(case_id) for case_id in case_ids]


def safe_name(case_id: str) -> str:
    """A single path component made from a case id (separators and leading dots replaced)."""
    cleaned = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in case_id).strip()
    cleaned = cleaned.lstrip(".") or "_"
    return cleaned[:200]


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
