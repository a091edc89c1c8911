"""``propertytriage run``: the whole job on the bundled sample disputes.

It is what a new user runs first, so it shows everything the product does: every case decided with
the rule that placed it, the decisions written as JSON, and the forms each decision calls for.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

from propertytriage.cli import jsonio
from propertytriage.cli.commands import case_folders, decide_every
from propertytriage.engine import Triage
from propertytriage.models.decision import Decision
from propertytriage.ruledata.paths import examples_dir

_STAGE_ZH = {
    "owners_committee": "业委会协商",
    "community": "街道社区协调",
    "mediation_center": "调解中心调解",
    "court": "人民法院",
    "closed": "已化解结案",
    "out_of_scope": "不属物业纠纷",
}
_TRACK_ZH = {"small_claims": "小额诉讼", "fast_track": "速裁团队", "ordinary": "民事审判庭"}
_AWAIT_ZH = {"company_score": "待联合评分", "rectification_acceptance": "待整改验收"}
_FORM_ZH = {"scorecard": "评分表", "rectification_notice": "整改建议书", "focus_table": "争议焦点表",
            "inquiry_form": "要素式询问表"}


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
            _STAGE_ZH[d.next_stage],
            _TRACK_ZH.get(d.court_track or "", "—"),
            rectification,
            "、".join(_AWAIT_ZH[a] for a in d.awaiting) or "—",
            "、".join(_FORM_ZH[f] for f in d.forms) or "—",
            _deciding_rule(d),
        ])
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run_command(args: argparse.Namespace) -> int:
    """Decide every sample case, print the table, write decisions and forms under ``--out``."""
    source = Path(args.cases) if args.cases else examples_dir() / "cases.json"
    cases = jsonio.read_document(str(source))
    engine = Triage()
    decide_every(engine, cases)  # every sample is valid before anything is recorded
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from propertytriage.cli.ledger_commands import due_table, record_run

    companions = [] if args.cases else [examples_dir() / "scorecard.json", examples_dir() / "history.json"]
    recorded, due_items, ledger_line = record_run([source, *companions], out)
    order = {case["case_id"]: i for i, case in enumerate(cases)}
    recorded.sort(key=lambda r: order.get(r["case"]["case_id"], len(order)))
    cases = [r["case"] for r in recorded]  # as the ledger holds them: each decided on its company's record
    decisions = [Decision.model_validate(r["decision"]) for r in recorded]
    (out / "decisions.json").write_text(
        jsonio.dumps([d.model_dump(mode="json") for d in decisions]) + "\n", encoding="utf-8"
    )
    print(summary_table(decisions))
    stages = Counter(_STAGE_ZH[d.next_stage] for d in decisions)
    print()
    print(f"共 {len(decisions)} 件：" + "，".join(f"{k} {v} 件" for k, v in stages.items()))
    print(f"decisions → {out / 'decisions.json'}")
    print(ledger_line)
    print()
    print(f"到期事项 due on {date.today().isoformat()}（逾期在前 / overdue first）")
    print(due_table(due_items))
    if not args.no_forms:
        from propertytriage.rendering import render_batch

        folders = case_folders([d.case_id for d in decisions], out / "forms")
        jobs = [
            (case, decision.forms, folder)
            for case, decision, folder in zip(cases, decisions, folders, strict=True)
            if decision.forms
        ]
        written = render_batch(jobs, progress=sys.stderr.isatty())
        print(f"forms → {out / 'forms'} ({len(written)} PDF)")
    return 0
