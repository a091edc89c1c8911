"""The Jinja2 environment that turns a form's plain-data context into HTML.

Why it is this strict: the forms go to a court. ``StrictUndefined`` turns a misspelt context key
into an error instead of a silently empty element (a field that is *meant* to be blank is passed
as ``None`` and printed as a blank line by the ``blank`` filter); autoescape makes a party named
``<img src=…>`` or ``{{ 7*7 }}`` print literally (Jinja2 never re-parses data as template source);
and the loader reads ``forms/`` only, so a template cannot include files from elsewhere.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from markupsafe import Markup, escape

from propertytriage.ruledata import forms_dir

BOX_EMPTY = "□"
#: A ticked box: a real ☑ (U+2611) from the bundled symbol font, drawn at the size and on the
#: baseline of the CJK font's □, so a clerk's copy-paste of the PDF text reads "☑" too.
BOX_CHECKED = Markup('<span class="cb on">☑</span>')


def blank(value: Any, width: str = "8em") -> Markup:
    """Print a known value, or a blank line of ``width`` for the party to fill by hand."""
    if value is None or value == "":
        return Markup('<span class="blank" style="min-width:{}"></span>').format(width)
    return Markup('<span class="filled">{}</span>').format(value)


def amount(value: Any, width: str = "5em") -> Markup:
    """Like :func:`blank`, for a sum of money: it never breaks across lines (2,10 / 6.50 misleads)."""
    if value is None or value == "":
        return blank(value, width)
    return Markup('<span class="filled amount">{}</span>').format(value)


def box(checked: bool | None) -> Markup:
    """A check box as printed on court forms: ticked when the case says so, □ otherwise."""
    return BOX_CHECKED if checked else Markup(BOX_EMPTY)


def paragraphs(value: Any) -> Markup:
    """Free text with its line breaks kept (each line escaped on its own)."""
    if value is None or value == "":
        return Markup("")
    lines = [escape(line) for line in str(value).splitlines()]
    return Markup("<br>").join(lines)


@functools.cache
def environment() -> jinja2.Environment:
    """The one template environment of the package (built once per process)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(forms_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["blank"] = blank
    env.filters["box"] = box
    env.filters["amount"] = amount
    env.filters["paragraphs"] = paragraphs
    return env
