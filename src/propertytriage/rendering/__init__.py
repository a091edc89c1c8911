"""Pre-filled forms as PDF (or HTML): the court's inquiry form, the focus table, the
rectification notice and the scoring sheet.

Layers, each small: :mod:`.context` turns a Case into plain data, :mod:`.templates` holds the
strict, autoescaping Jinja2 environment over ``forms/``, :mod:`.forms` is the public boundary,
:mod:`.pdf` is the one module importing WeasyPrint, :mod:`.batch` writes the forms of many cases on all cores.
"""

from propertytriage.rendering.batch import BatchJob, render_batch
from propertytriage.rendering.forms import (
    FORM_IDS,
    form_context,
    render_form,
    render_html,
    write_forms,
)

__all__ = [
    "FORM_IDS",
    "BatchJob",
    "form_context",
    "render_batch",
    "render_form",
    "render_html",
    "write_forms",
]
