"""``propertytriage run``: the whole job on the bundled sample disputes.

It is what a new user runs first, so it shows everything the product does: every case decided with
the rule that placed it, the decisions written as JSON, and the forms each decision calls for.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections import Counter
from pathlib import Path

import propertytriage.jsonio as jsonio
from propertytriage.cli.caseforms import write_case_forms
from propertytriage.cli.decide import decide_every
from propertytriage.cli.labels import AWAIT_ZH, FORM_ZH, STAGE_ZH, TRACK_ZH
from propertytriage.engine import Triage
from propertytriage.models import clock
from propertytriage.models.case import Case
from propertytriage.models.decision import Decision
from propertytriage.models.validation import validate
from propertytriage.outputs import write_text
from propertytriage.ruledata.paths import examples_dir


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _deciding_rule(decision: Decision) -> str:
    """The rule that placed the case (the last one that is not about the company's score)."""
    rules = [r.rule for r in decision.reasons if not r.rule.startswith("rectification.")]
    return rules[-1] if rules else "—"


def summary_table(decisions: list[Decision]) -> str:
    """A plain-text table that lines up in a terminal, Chinese characters counted as two columns."""
    header = ["案件", "下一环节", "审理程序", "须整改", "待办", "表格", "决定规则"]
    rows = [header]
    for d in decisions:
        rectification = {True: "是", False: "否", None: "—"}[d.rectification_required]
        rows.append([
            d.case_id,
            STAGE_ZH[d.next_stage],
            TRACK_ZH[d.court_track] if d.court_track else "—",
            rectification,
            "、".join(AWAIT_ZH[a] for a in d.awaiting) or "—",
            "、".join(FORM_ZH[f] for f in d.forms) or "—",
            _deciding_rule(d),
        ])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run_command(args: argparse.Namespace) -> int:
    """Decide every sample case, print the table, write decisions and forms under ``--out``.

    ``--cases`` may hold one case or a list; either way ``decisions.json`` is a list and each
    case's forms are in ``forms/<case id>/``.
    """
    source = Path(args.cases) if args.cases else examples_dir() / "cases.json"
    with jsonio.read_cases(str(source)) as cases:
        checked = decide_every(Triage(), cases.values)  # every sample is valid before anything is recorded
    out = Path(args.out)
    from propertytriage.cli.ledger_commands import due_table, record_run

    companions = [] if args.cases else [examples_dir() / "scorecard.json", examples_dir() / "history.json"]
    recorded, due_items, ledger_line = record_run([source, *companions], out)
    order = {case.case_id: i for i, (case, _) in enumerate(checked)}
    recorded.sort(key=lambda r: order.get(r["case"]["case_id"], len(order)))
    # as the ledger holds them: each case decided on its company's record
    decided = [(validate(Case, r["case"]), Decision.model_validate(r["decision"])) for r in recorded]
    decisions = [decision for _, decision in decided]
    write_text(
        out / "decisions.json", jsonio.dumps([d.model_dump(mode="json") for d in decisions]) + "\n"
    )
    print(summary_table(decisions))
    stages = Counter(STAGE_ZH[d.next_stage] for d in decisions)
    print()
    print(f"共 {len(decisions)} 件：" + "，".join(f"{k} {v} 件" for k, v in stages.items()))
    print(f"decisions → {out / 'decisions.json'}")
    print(ledger_line)
    print()
    print(f"到期事项 due on {clock.today().isoformat()}（逾期在前 / overdue first）")
    print(due_table(due_items))
    if not args.no_forms:
        report = write_case_forms(decided, out / "forms")
        print(f"forms → {out / 'forms'} ({len(report.written)} PDF)")
        for path in report.removed:
            print(f"已删除不再需要的旧表格 / removed a form no longer called for: {path}")
    return 0
