#!/usr/bin/env python3
"""Benchmark: median render time of a two-page Chinese court form vs the same layout in Latin text.

Why: rendering Chinese with a system CJK font cost 1.7-10 s per form, almost all of it font
subsetting. The bundled, pre-sliced fonts (forms/fonts/, see its README) are meant to keep a
two-page A4 form at ≤ 0.5 s on one core and ≤ 1.5× the Latin version, with PDFs < 200 KB. This
script checks those numbers on the current machine.

Usage::

    PYTHONPATH=src python benchmarks/bench_fonts.py [--runs 15] [--out /tmp/bench]

The Latin version replaces every Chinese string by Latin words of twice its length (a CJK
character is about two Latin letters wide), keeping the same markup, tables and headings.
"""

from __future__ import annotations

import argparse
import io
import itertools
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from propertytriage.rendering.glyphs import fonts_dir  # noqa: E402
from propertytriage.rendering.pdf import font_configuration, html_to_pdf  # noqa: E402

PARAS = [
    "原告系本市某区阳光花园小区的业主，自二〇一六年起委托被告物业服务有限公司提供物业管理服务，双方签订了《前期物业服务合同》，约定被告负责小区公共区域的清洁、绿化养护、秩序维护、共用设施设备的日常维修及养护等事项，原告按照每月每平方米二元五角的标准缴纳物业服务费。",
    "合同履行期间，被告未能依约提供相应的服务：小区电梯多次发生故障，最长一次停运达十七天；地下车库积水严重，排水泵长期损坏无人维修；公共照明大面积失效，夜间出行存在安全隐患；垃圾清运不及时，楼道内堆放杂物，消防通道被占用。原告及其他业主多次通过电话、书面函件及业主委员会向被告反映，被告均未予以整改。",
    "二〇二三年三月，被告以原告拖欠物业服务费为由，停止向原告所在单元供应二次加压用水，并在单元门口张贴催缴公告，公开原告的姓名与欠费金额，严重侵害了原告的名誉权与隐私权。被告的上述行为违反了《中华人民共和国民法典》第九百四十四条关于物业服务人不得采取停止供电、供水、供热、供燃气等方式催交物业费的规定。",
    "此外，被告在未经业主大会决议的情况下，擅自将小区公共绿地改建为收费停车位，并将所得收益据为己有，未向全体业主公示收支情况。根据法律规定，利用业主共有部分产生的收入，在扣除合理成本之后，属于业主共有。被告应当返还相应收益，并依法公开物业服务资金的使用情况。",
    "原告认为，被告作为物业服务人，应当按照约定和物业的使用性质，妥善维修、养护、清洁、绿化和经营管理物业服务区域内的业主共有部分，维护物业服务区域内的基本秩序，采取合理措施保护业主的人身、财产安全。被告未履行上述义务，已构成违约，应当承担继续履行、采取补救措施或者赔偿损失等违约责任。",
    "另查明，小区共有住宅一千二百四十六户，物业服务区域总建筑面积约十三万八千平方米。二〇二二年度被告公示的收支报告显示，物业服务费收缴率为百分之八十七，而同期公共设施维修支出仅占总支出的百分之四，明显低于行业惯例。业主委员会曾委托会计师事务所对物业服务资金进行审计，被告以涉及商业秘密为由拒绝提供账簿、凭证及合同。街道办事处、住房和城乡建设委员会等部门曾先后三次组织协调，被告均承诺限期整改，但至今未见实际行动。",
    "为维护原告的合法权益，特依据《中华人民共和国民事诉讼法》第一百二十二条之规定，向贵院提起诉讼，恳请贵院依法查明事实，支持原告的全部诉讼请求。原告愿意配合法院组织的调解，如调解不成，请求依法判决。",
]
CLAIMS = [
    "判令被告立即恢复原告所在单元的二次加压供水，并赔偿因停水造成的损失人民币三千六百元；",
    "判令被告撤除张贴于单元门口的催缴公告，并在小区公告栏以书面形式向原告赔礼道歉；",
    "判令被告返还占用公共绿地改建停车位所得收益人民币八万四千元，归全体业主共有；",
    "判令被告在三十日内修复地下车库排水泵及公共照明设施；",
    "本案诉讼费用由被告承担。",
]
EVIDENCE = [
    ("前期物业服务合同", "证明双方存在物业服务合同关系及服务标准", "复印件", "12"),
    ("停水通知及照片", "证明被告以停水方式催交物业费", "原件", "5"),
    ("催缴公告照片", "证明被告公开原告个人信息", "原件", "3"),
    ("业主委员会函件", "证明原告多次反映问题未获整改", "复印件", "8"),
    ("停车位收费票据", "证明被告擅自经营共有部分获得收益", "复印件", "21"),
    ("电梯维修记录", "证明电梯长期故障影响正常使用", "复印件", "6"),
]
PARTIES = [
    (
        "原告",
        "王喆",
        "男",
        "一九八二年五月九日",
        "汉族",
        "北京市朝阳区阳光花园小区七号楼二单元一〇三室",
    ),
    (
        "原告",
        "李堃",
        "女",
        "一九九〇年十月二日",
        "汉族",
        "北京市朝阳区阳光花园小区七号楼二单元四〇一室",
    ),
    (
        "原告",
        "吉𠮷昇",
        "男",
        "一九七五年三月十四日",
        "汉族",
        "北京市朝阳区阳光花园小区九号楼一单元六〇二室",
    ),
    (
        "原告",
        "刘龑䶮",
        "男",
        "一九八八年八月八日",
        "汉族",
        "北京市朝阳区阳光花园小区三号楼三单元五〇五室",
    ),
]

LATIN_WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
    "ullamco",
    "laboris",
    "nisi",
    "aliquip",
    "ex",
    "ea",
    "commodo",
]


def latinize(text: str) -> str:
    """Same visual length: one CJK char ~ 2 Latin chars."""
    words = itertools.cycle(LATIN_WORDS)
    out: list[str] = []
    n = 0
    target = 2 * len(text)
    while n < target:
        w = next(words)
        out.append(w)
        n += len(w) + 1
    return " ".join(out)


def build_form_html(latin: bool = False) -> str:
    t = latinize if latin else (lambda s: s)
    rows = "".join("<tr>" + "".join(f"<td>{t(cell)}</td>" for cell in party) + "</tr>" for party in PARTIES)
    ev = "".join(
        f"<tr><td>{i}</td><td>{t(a)}</td><td>{t(b)}</td><td>{t(c)}</td><td>{d}</td></tr>"
        for i, (a, b, c, d) in enumerate(EVIDENCE, 1)
    )
    claims = "".join(f"<li>{t(c)}</li>" for c in CLAIMS)
    paras = "".join(f"<p>{t(p)}</p>" for p in PARAS)
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 25mm 20mm; @bottom-center {{ content: counter(page); }} }}
body {{ font-size: 11pt; line-height: 1.6; }}
h1 {{ text-align: center; font-size: 20pt; letter-spacing: 0.3em; }}
h2 {{ font-size: 13pt; margin: 1em 0 .4em; }}
table {{ width: 100%; border-collapse: collapse; font-size: 9.5pt; }}
td, th {{ border: 1px solid #000; padding: 2pt 4pt; }}
p {{ text-indent: 2em; margin: .3em 0; text-align: justify; }}
</style></head><body>
<h1>{t("民事起诉状")}</h1>
<h2>{t("当事人信息")}</h2>
<table><tr><th>{t("身份")}</th><th>{t("姓名")}</th><th>{t("性别")}</th><th>{t("出生日期")}</th><th>{t("民族")}</th><th>{t("住址")}</th></tr>{rows}</table>
<p>{t("被告：北京市朝阳区阳光物业服务有限公司，住所地北京市朝阳区光华路甲十八号，法定代表人赵建国，职务总经理，统一社会信用代码91110105MA01ABCD2X。")}</p>
<h2>{t("诉讼请求")}</h2><ol>{claims}</ol>
<h2>{t("事实与理由")}</h2>{paras}
<h2>{t("证据清单")}</h2>
<table><tr><th>{t("序号")}</th><th>{t("证据名称")}</th><th>{t("证明目的")}</th><th>{t("形式")}</th><th>{t("页数")}</th></tr>{ev}</table>
<p>{t("此致")}</p><p>{t("北京市朝阳区人民法院")}</p>
<p style="text-align:right">{t("具状人：王喆　李堃　吉𠮷昇　刘龑䶮")}</p>
<p style="text-align:right">{t("二〇二四年六月十八日")}</p>
</body></html>"""


def cjk_stats(html: str) -> tuple[int, int]:
    """(CJK characters, distinct CJK characters) in the body text."""
    body = re.sub(r"<[^>]+>", "", html.split("<body>", 1)[1])
    cjk = [c for c in body if ord(c) >= 0x2E80]
    return len(cjk), len(set(cjk))


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def measure(htmls: dict[str, str], runs: int) -> dict[str, tuple[float, float, bytes]]:
    """Median (wall, CPU) seconds per render for each document, and its PDF.

    The documents are rendered in alternation after one warm-up each, so that load from other
    processes on a shared machine hits both alike; CPU time is reported because it is what a
    single core spends, whatever else runs.
    """
    base_dir = fonts_dir().parent
    for html in htmls.values():
        html_to_pdf(html, base_dir=base_dir)
    wall: dict[str, list[float]] = {name: [] for name in htmls}
    cpu: dict[str, list[float]] = {name: [] for name in htmls}
    pdfs: dict[str, bytes] = {}
    for _ in range(runs):
        for name, html in htmls.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            pdfs[name] = html_to_pdf(html, base_dir=base_dir)
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name]), pdfs[name]) for name in htmls}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--out", type=Path, help="write the two PDFs here")
    args = parser.parse_args()

    started = time.perf_counter()
    font_configuration()
    print(f"font configuration: {(time.perf_counter() - started) * 1000:.0f} ms (once per process)")
    cjk_html, latin_html = build_form_html(latin=False), build_form_html(latin=True)
    total, distinct = cjk_stats(cjk_html)
    results = measure({"CJK": cjk_html, "Latin": latin_html}, args.runs)
    cjk_time, cjk_cpu, cjk_pdf = results["CJK"]
    latin_time, latin_cpu, latin_pdf = results["Latin"]
    print(f"CJK form: {total} CJK chars ({distinct} distinct), {page_count(cjk_pdf)} pages")
    print(f"Latin form: {page_count(latin_pdf)} pages; {args.runs} runs each, medians:")
    print(f"CJK   {cjk_time:.3f} s wall  {cjk_cpu:.3f} s CPU  PDF {len(cjk_pdf) / 1024:.0f} KB")
    latin_kb = len(latin_pdf) / 1024
    print(f"Latin {latin_time:.3f} s wall  {latin_cpu:.3f} s CPU  PDF {latin_kb:.0f} KB")
    print(f"ratio CJK/Latin {cjk_time / latin_time:.2f} wall, {cjk_cpu / latin_cpu:.2f} CPU")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "form-cjk.pdf").write_bytes(cjk_pdf)
        (args.out / "form-latin.pdf").write_bytes(latin_pdf)
    ok = cjk_cpu <= 0.5 and cjk_cpu <= 1.5 * latin_cpu and len(cjk_pdf) < 200 * 1024
    print("targets (CPU ≤0.5 s, ≤1.5× Latin, PDF <200 KB):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
