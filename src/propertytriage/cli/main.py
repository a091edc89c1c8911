"""``propertytriage``: the command line (SPEC §2.4), and the one place errors become exit codes.

Exit codes (``docs/errors.md`` lists them; a test holds the two together):

====  ==================================================================================
0     success
1     an internal error: the rules engine misbehaved, a form could not be rendered, or an
      unexpected failure (often ``rules/`` not matching this version of the program)
2     invalid input or arguments: the message names the case and the field, in Chinese and English
3     the rule data in ``rules/`` is malformed
4     a file could not be written (full disk, size limit, no permission); the message names it
130   interrupted (Ctrl-C)
====  ==================================================================================

Why one boundary: every command raises the package's own errors (or, on a bug, anything); here
each becomes one short message on standard error and its code. No traceback reaches a clerk;
``PROPERTYTRIAGE_DEBUG=1`` shows it to whoever must fix the bug.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from propertytriage.cli import ledger_commands, report_command
from propertytriage.errors import (
    InputError,
    OutputError,
    PropertyTriageError,
    RuleDataError,
    printable,
    shown,
)

OK, INTERNAL, INVALID_INPUT, RULE_DATA, OUTPUT, INTERRUPTED = 0, 1, 2, 3, 4, 130


def package_version() -> str:
    """The installed package's version (the source tree's when run from a checkout)."""
    from importlib import metadata

    try:
        return metadata.version("propertytriage")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree never installed
        return "(not installed)"


class _VersionAction(argparse.Action):
    """``--version``: the program's version and the version of ``rules/`` in force, which a clerk
    quotes with a decision (every decision carries the latter as ``rules_version``)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the program's and the rules' version")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from propertytriage.ruledata import default_rulebook, rules_dir

        print(f"propertytriage {package_version()}")
        print(f"rules {default_rulebook().rules_version} ({rules_dir()})")
        parser.exit(OK)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="propertytriage",
        description="物业纠纷“五联合+三要素”分流：阶段判定、物业企业评分、要素式表格。",
    )
    parser.add_argument("--version", action=_VersionAction)
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
    p.add_argument("--out", required=True, help="output folder; each case's forms go in OUT/<case id>/")
    p.add_argument("--html", action="store_true", help="also write the HTML of each form")

    p = sub.add_parser("run", help="the main job on the bundled sample data / 示例数据全流程")
    p.add_argument("--cases", help="cases file, one case or a list (default: the bundled examples/cases.json)")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.add_argument("--no-forms", action="store_true", help="skip rendering PDFs")

    p = sub.add_parser("schema", help="JSON Schema of the contract / 接口 JSON Schema")
    p.add_argument("which", choices=["case", "decision", "scorecard", "report"])
    ledger_commands.add_parsers(sub)
    report_command.add_parser(sub)

    p = sub.add_parser("template", help="a blank 台账 workbook for import / 台账模板")
    p.add_argument("output", metavar="FILE.xlsx")

    from propertytriage.web.commands import add_commands

    add_commands(sub)  # serve, token
    return parser


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    """The command's function, importing only what that command needs: the ledger's reading commands
    must not pay for the models, the engine and the forms' rendering at every start."""
    if command == "run":
        from propertytriage.cli.sample_run import run_command

        return run_command
    if command in ledger_commands.COMMANDS:
        return ledger_commands.dispatch
    if command == report_command.COMMAND:
        return report_command.report_command
    if command == "template":
        from propertytriage.sheets.command import template_command

        return template_command
    from propertytriage.cli import commands

    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "triage": commands.triage_command,
        "score": commands.score_command,
        "rubric": commands.rubric_command,
        "history": commands.history_command,
        "forms": commands.forms_command,
        "schema": commands.schema_command,
    }
    return handlers[command]  # argparse refuses any other command first


def _say(*lines: str) -> None:
    for line in lines:
        print(printable(line), file=sys.stderr)


def _internal(error: BaseException) -> str:
    first = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {shown(first, 200, quote=False)}" if first else type(error).__name__


def _drop_stdout() -> None:
    """Point standard output at nothing, so the interpreter's last flush of what could not be
    written does not print a complaint of its own after our message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind sys.stdout (tests, embedding)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    if hasattr(sys.stderr, "reconfigure"):  # a message must print even where the locale cannot
        sys.stderr.reconfigure(errors="backslashreplace")
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "web_command", None) is not None:
            return int(args.web_command(args))
        return int(_handler(args.command)(args))
    except InputError as error:
        _say("propertytriage: 输入无效 / invalid input", str(error))
        return INVALID_INPUT
    except RuleDataError as error:
        _say("propertytriage: rules/ 中的数据有误 / rule data is malformed", str(error))
        return RULE_DATA
    except OutputError as error:
        _say(f"propertytriage: {error}")
        return OUTPUT
    except PropertyTriageError as error:  # EngineError, RenderError: never the input's fault
        _say(f"propertytriage: {error}")
        return INTERNAL
    except KeyboardInterrupt:
        return INTERRUPTED
    except BrokenPipeError:
        # the reader of our output went away (`| head`): it has what it wanted; say nothing
        _drop_stdout()
        return OK
    except OSError as error:  # a system error outside the package's writers: standard output's
        _say(f"propertytriage: {OutputError.of(error.filename or '标准输出（stdout）', error)}")
        if error.filename is None:
            _drop_stdout()
        return OUTPUT
    except Exception as error:
        if os.environ.get("PROPERTYTRIAGE_DEBUG"):
            raise
        _say(
            f"propertytriage: 内部错误 / internal error: {_internal(error)}",
            "可能是 rules/ 与本程序版本不一致；请连同输入文件报告此问题（设 PROPERTYTRIAGE_DEBUG=1 可看详情）"
            " / rules/ may not match this version of the program; please report this with the input"
            " (PROPERTYTRIAGE_DEBUG=1 shows details)",
        )
        return INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
