"""Write the forms of decided cases, one folder per case, and clear what a decision no longer needs.

One layout for one case or many: ``OUT/<case id>/<case id>-<form>.pdf`` (the id made safe as a
file name), so a script or a clerk finds a case's forms in the same place whatever the batch held,
and a case's folder holds only that case's forms.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from propertytriage.models import Case, Decision
from propertytriage.rendering import BatchJob, render_batch
from propertytriage.rendering.batch import remove_stale_forms
from propertytriage.ruledata.paths import safe_stem


@dataclass
class FormsReport:
    """What a forms run did: files written and removed, and the cases that need no form now."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    without_forms: list[Decision] = field(default_factory=list)


def case_folder(out: Path, case_id: str) -> Path:
    """The folder of one case's forms under ``out``: a case id never walks out of ``out``."""
    return out / safe_stem(case_id)


def write_case_forms(
    decided: list[tuple[Case, Decision]], out: Path, *, html: bool = False, progress: bool | None = None
) -> FormsReport:
    """Write every form the decisions call for (on every core), then remove each case's old forms
    that this run did not write.

    ``decided`` comes from :func:`~propertytriage.cli.decide.decide_every`, which refuses two ids
    that would share a folder. Old forms are removed only once every new form is written, so a
    failed run leaves the folder as it was plus the forms already finished.
    """
    report = FormsReport()
    jobs: list[BatchJob] = []
    for case, decision in decided:
        if not decision.forms:
            report.without_forms.append(decision)
            continue
        folder = case_folder(out, case.case_id)
        jobs.append(BatchJob(case, decision.forms, folder))
        if html:
            jobs.append(BatchJob(case, decision.forms, folder, html=True))
    report.written = render_batch(jobs, progress=sys.stderr.isatty() if progress is None else progress)
    written = set(report.written)
    for case, _ in decided:
        folder = case_folder(out, case.case_id)
        if folder.is_dir():
            report.removed.extend(remove_stale_forms(case.case_id, folder, written))
    return report
