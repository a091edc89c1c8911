#!/usr/bin/env python3
"""Benchmark the four forms: median render time per form, the cost of Chinese over Latin text,
PDF sizes, and throughput of a batch written on all cores.

Why: a mediation center prints these forms in bulk (every case at a stage gets its forms), and the
inquiry form is the longest (3 A4 pages of ruled tables). The font layer's targets (see
benchmarks/bench_fonts.py) are ≤ 0.5 s CPU per two-page form and ≤ 1.5× the same layout in Latin
text; this checks what the real templates cost, end to end (validation, context, Jinja2, PDF).

Usage::

    python benchmarks/bench_forms.py [--runs 9] [--batch 1000] [--processes N] [--out DIR]

The Latin version of the inquiry form is the same HTML with every run of Chinese text in the body
replaced by Latin words of twice its length (bench_fonts' ``latinize``), so markup, tables and
line count stay comparable. The inquiry form is also timed with parties whose names hold
ideographs of Extensions B–F, which only the fallback font (HanaMin, fonts-hanazono) draws: that
font is 30 MB, and the figure shows what loading and subsetting it costs per form.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(Path(__file__).resolve().parent)]

from bench_fonts import latinize  # noqa: E402

from propertytriage.rendering import FORM_IDS, BatchJob, render_batch, render_form  # noqa: E402
from propertytriage.rendering.forms import html_to_pdf, render_html  # noqa: E402
from propertytriage.rendering.pdf import font_configuration  # noqa: E402
from tests.rendering.test_forms import FULL  # noqa: E402  (one sample case for tests and bench)

_CJK_RUN = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\U00020000-\U0003ffff]+")
#: Owners whose names need the fallback font: Ext B 𠀀, C 𪜀, E 𫠠, F 𬺰 (and Ext B 𠮷, in Noto).
RARE_OWNERS = [
    {**FULL["owners"][0], "name": "李\U00020000\U0002a700"},
    {**FULL["owners"][0], "name": "王\U0002b820\U0002ceb0"},
    {**FULL["owners"][0], "name": "吉\U00020bb7"},
]


def latin_html(html: str) -> str:
    """The same document with the body's Chinese text replaced by Latin words."""
    head, body = html.split("<body", 1)
    return head + "<body" + _CJK_RUN.sub(lambda m: latinize(m.group()), body)


def timed(render: Callable[[], bytes], runs: int) -> tuple[float, float, bytes]:
    """Median wall and CPU seconds of ``runs`` renders (after one warm-up), and the output."""
    data = render()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        data = render()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu), data


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="renders per form (median)")
    parser.add_argument("--batch", type=int, default=1000, help="forms in the batch (0: skip)")
    parser.add_argument("--processes", type=int, default=None, help="default: every core")
    parser.add_argument("--out", type=Path, help="write one PDF of each form here")
    args = parser.parse_args()

    font_configuration()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start: CPU seconds "
          "compare across runs of a shared machine far better than wall seconds")
    print(f"one core, full sample case, {args.runs} runs, medians:")
    results: dict[str, tuple[float, float, bytes]] = {}
    for form_id in FORM_IDS:
        results[form_id] = timed(lambda f=form_id: render_form(f, FULL), args.runs)
        wall, cpu, pdf = results[form_id]
        print(f"  {form_id:21s} {wall:.3f} s wall  {cpu:.3f} s CPU  "
              f"{pages(pdf)} pages  {len(pdf) / 1024:.0f} KB")

    for label, case in (("", FULL), (" with Ext B–F names", {**FULL, "owners": RARE_OWNERS})):
        html = render_html("inquiry_form", case)
        cjk = timed(lambda h=html: html_to_pdf(h), args.runs)
        latin_doc = latin_html(html)
        latin = timed(lambda h=latin_doc: html_to_pdf(h), args.runs)
        print(f"inquiry form{label}, PDF step only: CJK {cjk[0]:.3f} s wall {cjk[1]:.3f} s CPU "
              f"({pages(cjk[2])} pages, {len(cjk[2]) / 1024:.0f} KB), Latin {latin[0]:.3f} s wall "
              f"{latin[1]:.3f} s CPU ({pages(latin[2])} pages); "
              f"ratio {cjk[1] / latin[1]:.2f} CPU, {cjk[0] / latin[0]:.2f} wall")

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for form_id, (_, _, pdf) in results.items():
            (args.out / f"{form_id}.pdf").write_bytes(pdf)
        (args.out / "inquiry_form-latin.pdf").write_bytes(latin[2])

    if args.batch > 0:
        workers = args.processes or os.cpu_count() or 1
        with tempfile.TemporaryDirectory() as folder:
            per_case = len(FORM_IDS)
            jobs = [
                BatchJob({**FULL, "case_id": f"B-{i:05d}"},
                         FORM_IDS[: min(per_case, args.batch - i * per_case)], Path(folder))
                for i in range(-(-args.batch // per_case))
            ]
            started, started_cpu = time.perf_counter(), _cpu_with_children()
            out = render_batch(jobs, processes=workers, progress=False)
            elapsed, cpu = time.perf_counter() - started, _cpu_with_children() - started_cpu
            size = sum(p.stat().st_size for p in out) / len(out) / 1024
        print(f"batch: {len(out)} forms on {workers} processes in {elapsed:.1f} s = "
              f"{len(out) / elapsed:.1f} forms/s (mean {size:.0f} KB, pool start-up included); "
              f"{cpu / len(out):.2f} CPU s per form, workers' start-up included")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its finished children (the batch's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    sys.exit(main())
