"""``propertytriage run``: the whole job on the bundled sample disputes.

It is what a new user runs first, so it shows everything the product does: every case decided with
the rule that placed it, the decisions written as JSON, and the forms each decision calls for.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections import Counter
from pathlib import Path

from propertytriage.cli import jsonio
from propertytriage.cli.caseforms import write_case_forms
from propertytriage.cli.decide import decide_every
from propertytriage.cli.labels import AWAIT_ZH, FORM_ZH, STAGE_ZH, TRACK_ZH
from propertytriage.engine import Triage
from propertytriage.models.decision import Decision
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
        decided = decide_every(Triage(), cases.values)
    decisions = [decision for _, decision in decided]
    out = Path(args.out)
    write_text(
        out / "decisions.json", jsonio.dumps([d.model_dump(mode="json") for d in decisions]) + "\n"
    )
    print(summary_table(decisions))
    stages = Counter(STAGE_ZH[d.next_stage] for d in decisions)
    print()
    print(f"共 {len(decisions)} 件：" + "，".join(f"{k} {v} 件" for k, v in stages.items()))
    print(f"decisions → {out / 'decisions.json'}")
    if not args.no_forms:
        report = write_case_forms(decided, out / "forms")
        print(f"forms → {out / 'forms'} ({len(report.written)} PDF)")
        for path in report.removed:
            print(f"已删除不再需要的旧表格 / removed a form no longer called for: {path}")
    return 0
