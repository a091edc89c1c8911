"""Render one form for a case: validate, build the plain context, fill the template, make the PDF.

This is the boundary of the rendering package: bad input becomes an :class:`InputError` naming the
field (in Chinese and English), and a WeasyPrint failure becomes a :class:`RenderError`, so callers
never meet a Jinja2 or WeasyPrint exception.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from propertytriage.errors import InputError, Problem, RenderError
from propertytriage.models import Case, Scorecard
from propertytriage.models.validation import validate
from propertytriage.models.vocabulary import FORM_IDS as FORM_IDS  # re-exported: rendering.FORM_IDS
from propertytriage.outputs import write_bytes
from propertytriage.rendering import context
from propertytriage.rendering.glyphs import MissingGlyphError, check_model_text
from propertytriage.rendering.templates import environment
from propertytriage.ruledata import forms_dir
from propertytriage.ruledata.paths import safe_stem

FORMATS: tuple[str, ...] = ("pdf", "html")
Format = Literal["pdf", "html"]

CaseInput = Case | dict[str, Any]
ScorecardInput = Scorecard | dict[str, Any] | None


def check_form_id(form_id: object) -> str:
    """The form id if it is one of :data:`FORM_IDS`; otherwise InputError naming ``form_id``."""
    if isinstance(form_id, str) and form_id in FORM_IDS:
        return form_id
    allowed = ", ".join(FORM_IDS)
    raise InputError([Problem(
        "form_id", "unknown_form",
        f"没有这种表单：{form_id!r}，可选：{allowed}",
        f"unknown form {form_id!r}; expected one of {allowed}",
    )])


def _check_format(fmt: object) -> str:
    if isinstance(fmt, str) and fmt in FORMATS:
        return fmt
    raise InputError([Problem(
        "format", "unknown_format",
        f"不支持的输出格式：{fmt!r}，可选：pdf、html",
        f"unknown format {fmt!r}; expected pdf or html",
    )])


def _inputs(case: CaseInput, scorecard: ScorecardInput) -> tuple[Case, Scorecard | None]:
    model = validate(Case, case, subject="case")
    check_model_text(model, subject="case")
    if scorecard is None:
        return model, model.scorecard
    card = validate(Scorecard, scorecard, subject="scorecard")
    check_model_text(card, subject="scorecard")
    return model, card


def form_context(form_id: str, case: CaseInput, scorecard: ScorecardInput = None) -> dict[str, Any]:
    """The plain data the template of ``form_id`` receives (useful to inspect or test a form)."""
    model, sheets = _inputs(case, scorecard)
    return context.build(check_form_id(form_id), model, sheets)


def render_html(form_id: str, case: CaseInput, scorecard: ScorecardInput = None) -> str:
    """The form as a complete HTML document (text; the stylesheet is inlined, so a saved copy
    keeps its layout and needs no other file). ``render_form(format="html")`` is this, UTF-8."""
    ctx = form_context(form_id, case, scorecard)
    return environment().get_template(f"{ctx['form_id']}.html.j2").render(ctx)


def render_checked(form_id: str, case: Case, sheets: Scorecard | None, fmt: str) -> bytes:
    """Render a form whose id, case and sheets are already validated and checked as printable.

    Batches check each case once, then render several forms of it; this skips checking again.
    """
    ctx = context.build(form_id, case, sheets)
    html = environment().get_template(f"{form_id}.html.j2").render(ctx)
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """PDF bytes for a rendered form, WeasyPrint errors translated to RenderError."""
    from propertytriage.rendering.pdf import html_to_pdf as _html_to_pdf

    try:
        return _html_to_pdf(html, base_dir=forms_dir())
    except MissingGlyphError:
        raise
    except Exception as error:  # WeasyPrint/Pango failures must not reach the user bare
        raise RenderError(
            f"表单无法生成 PDF：{error}", f"the form could not be rendered to PDF: {error}"
        ) from error


def render_form(
    form_id: str,
    case: CaseInput,
    *,
    scorecard: ScorecardInput = None,
    format: str = "pdf",  # the public contract names it so (shadows the builtin)
) -> bytes:
    """Render one form: PDF bytes, or the HTML as UTF-8 when ``format="html"`` (SPEC §2.5)."""
    fmt = _check_format(format)
    form = check_form_id(form_id)
    model, sheets = _inputs(case, scorecard)
    return render_checked(form, model, sheets, fmt)


def file_name(case_id: str, form_id: str, suffix: str) -> str:
    """A file name safe on every OS: ``<case_id>-<form_id>.<suffix>``, odd characters as ``_``."""
    return f"{safe_stem(case_id)}-{form_id}.{suffix}"


def write_forms(
    case: CaseInput, form_ids: Sequence[str], out_dir: Path, *, html: bool = False
) -> list[Path]:
    """Write each form of ``form_ids`` for ``case`` into ``out_dir``; return the paths written.

    All form ids are checked before anything is written, so a typo writes nothing. Each file
    appears whole or not at all and is readable by its owner only: the court's forms print the
    parties' ID and phone numbers in full.
    """
    model = validate(Case, case, subject="case")
    check_model_text(model, subject=f"case {model.case_id}")
    ids = [check_form_id(f) for f in form_ids]
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for form_id in ids:
        path = out_dir / file_name(model.case_id, form_id, "html" if html else "pdf")
        data = render_checked(form_id, model, model.scorecard, "html" if html else "pdf")
        written.append(write_bytes(path, data, private=True))
    return written
