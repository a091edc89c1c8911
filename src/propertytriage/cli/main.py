"""``propertytriage``: the command line (SPEC §2.4).

Exit codes: 0 success; 2 invalid input (the message names the case and the field, in Chinese and
English, and no traceback is shown); 3 the rule data in ``rules/`` is malformed; 1 anything else.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from propertytriage.errors import InputError, PropertyTriageError, RuleDataError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="propertytriage",
        description="物业纠纷“五联合+三要素”分流：阶段判定、物业企业评分、要素式表格。",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("triage", help="decide where disputes go next / 分流判定")
    p.add_argument("input", help="CASE.json (one case or a list), CASES.jsonl, or - for stdin")
    p.add_argument("--jsonl", action="store_true", help="treat the input as JSON lines")
    p.add_argument("--out", help="write to this file atomically instead of stdout")

    p = sub.add_parser("score", help="score a company from the evaluators' sheets / 联合赋分")
    p.add_argument("input", help="SCORECARD.json or -")

    sub.add_parser("rubric", help="print the scoring rubric in force / 评分细则")

    p = sub.add_parser("history", help="a company's rectification state from its history / 整改状态")
    p.add_argument("input", help="HISTORY.json or -")

    p = sub.add_parser("forms", help="write the PDFs a decision calls for / 生成表格")
    p.add_argument("input", help="CASE.json (one case or a list) or -")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--html", action="store_true", help="also write the HTML of each form")

    p = sub.add_parser("run", help="the main job on the bundled sample data / 示例数据全流程")
    p.add_argument("--cases", help="cases file (default: the bundled examples/cases.json)")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--no-forms", action="store_true", help="skip rendering PDFs")

    p = sub.add_parser("schema", help="JSON Schema of the contract / 接口 JSON Schema")
    p.add_argument("which", choices=["case", "decision", "scorecard"])

    from propertytriage.web.commands import add_commands

    add_commands(sub)  # serve, token
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = _parser().parse_args(argv)
    from propertytriage.cli import commands

    try:
        if getattr(args, "web_command", None) is not None:
            return int(args.web_command(args))
        return int(commands.dispatch(args))
    except InputError as error:
        print("propertytriage: 输入无效 / invalid input", file=sys.stderr)
        print(str(error), file=sys.stderr)
        return 2
    except RuleDataError as error:
        print("propertytriage: rules/ 中的数据有误 / rule data is malformed", file=sys.stderr)
        print(str(error), file=sys.stderr)
        return 3
    except PropertyTriageError as error:
        print(f"propertytriage: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as error:  # an output folder that is a file, a disk that is full, no permission
        where = f" {error.filename}" if error.filename else ""
        print(f"propertytriage: 无法读写{where}：{error.strerror} / cannot read or write{where}: {error.strerror}",
              file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
