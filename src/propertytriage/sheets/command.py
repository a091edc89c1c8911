"""``propertytriage template FILE.xlsx``: what the command line runs (registered in cli/main.py)."""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

from propertytriage.errors import InputError, Problem


def template_command(args: argparse.Namespace) -> int:
    """The ``template`` subcommand."""
    return run_template(args.output)


def run_template(output: str) -> int:
    """Write the blank template whole or not at all; exit status 0."""
    from propertytriage.sheets.template import write_template

    target = Path(output)
    if target.suffix.lower() != ".xlsx":
        raise InputError([Problem("FILE", "not_a_workbook", "模板文件名须以 .xlsx 结尾",
                                  "the template's file name must end in .xlsx")])
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
    write_template(target)
    print(f"已写出台账模板 / template written: {target}", file=sys.stderr)
    return 0
