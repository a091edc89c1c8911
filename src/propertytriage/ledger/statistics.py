"""The report's figures counted in the database (SPEC §5, docs/statistics.md).

Every figure is one aggregate statement on the report's projection (``ledger/aggregates.py``):
``COUNT`` with ``CASE`` inside, ``GROUP BY`` on indexed columns, a window function for each company's
latest score; SQLAlchemy Core writes the same statement for SQLite and PostgreSQL. Python receives
counts only, never a case, and :func:`propertytriage.reporting.assemble.build_report` turns them
into the document, so no rate can disagree with its counts.

:func:`build` is what the HTTP API and the command line call.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, cast, get_args

from sqlalchemy import Connection, Integer, and_, extract, func, literal, or_, select
from sqlalchemy import case as when
from sqlalchemy import cast as sql_cast

from propertytriage.errors import InputError, Problem, echoed
from propertytriage.ledger.schema import CASE_ATTEMPTS, CASES, COMPANIES, COMPANY_EVENTS, DEADLINES
from propertytriage.models import clock
from propertytriage.models.vocabulary import STAGES
from propertytriage.reporting import figures
from propertytriage.reporting.assemble import Counts, GroupCounts, Outcomes, build_report
from propertytriage.reporting.model import GroupBy, Month, Report
from propertytriage.reporting.parameters import statistics_parameters

DEFAULT_TITLE = "物业纠纷化解工作统计"
BEFORE_COURT = ("owners_committee", "community", "mediation_center")
UNKNOWN_LABEL = "（未填写）"
_C, _A, _E, _D = CASES, CASE_ATTEMPTS, COMPANY_EVENTS, DEADLINES


def _between(column: Any, start: date, end: date) -> Any:
    return and_(column >= start, column <= end)


def _count_if(condition: Any) -> Any:
    return func.count(when((condition, literal(1))))


def _year_month(column: Any) -> tuple[Any, Any]:
    return sql_cast(extract("year", column), Integer), sql_cast(extract("month", column), Integer)


def _month_key(year: int, month: int) -> str:
    return f"{int(year):04d}-{int(month):02d}"


def _months(start: date, end: date) -> list[str]:
    keys, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        keys.append(_month_key(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _received_columns(start: date, end: date) -> list[Any]:
    """received, out of scope, resolved before court by the last day (a cohort: docs/statistics.md)."""
    out = _C.c.next_stage == "out_of_scope"
    resolved = and_(~out, _C.c.resolved_stage.in_(BEFORE_COURT), _C.c.resolved_on <= end)
    return [func.count().label("received"), _count_if(out).label("out_of_scope"),
            _count_if(resolved).label("resolved_before_court")]


def _mediation_columns(start: date) -> list[Any]:
    """Cases (not attempts) with an attempt at the stage, and of those the cases it resolved: each
    case's first attempt (first resolved attempt) at the stage in the period is the one whose previous
    day there is empty or before the period (migration 0006), so a plain count counts cases."""
    first = or_(_A.c.previous_on.is_(None), _A.c.previous_on < start)
    first_resolved = and_(_A.c.outcome == "resolved",
                          or_(_A.c.previous_resolved_on.is_(None), _A.c.previous_resolved_on < start))
    return [_count_if(first).label("attempted"), _count_if(first_resolved).label("resolved")]


def _group_column(by: GroupBy, table: Any = _C) -> Any:
    """The column of ``cases`` (or of ``case_attempts``, which repeats it: migration 0007) to group by."""
    return {"street": table.c.street, "community": table.c.community, "company": table.c.company_key}[by]


def _attempts_between(start: date, end: date) -> Any:
    """The attempts of the period as ranges of the stage's index (migration 0007): one range per
    stage, read in the order of stage and day, so a ``GROUP BY stage`` (and stage, day) sorts nothing."""
    return and_(_A.c.stage.in_(STAGES), _between(_A.c.dated_on, start, end))


def _stages(connection: Connection, start: date, end: date) -> dict[str, Outcomes]:
    query = (select(_A.c.stage, *_mediation_columns(start)).where(_attempts_between(start, end))
             .group_by(_A.c.stage))
    return {row.stage: Outcomes(resolved=row.resolved, failed=row.attempted - row.resolved)
            for row in connection.execute(query)}


def _score_bands(connection: Connection, start: date, end: date) -> dict[int, int]:
    """Each company's latest score in the period, counted per score, placed in bands here."""
    latest = (select(_E.c.score, func.row_number().over(
        partition_by=_E.c.company_key, order_by=(_E.c.dated_on.desc(), _E.c.position.desc())).label("rank"))
        .where(_E.c.kind == "score", _between(_E.c.dated_on, start, end)).subquery())
    query = select(latest.c.score, func.count().label("companies")).where(latest.c.rank == 1).group_by(latest.c.score)
    bands: dict[int, int] = defaultdict(int)
    for row in connection.execute(query):
        bands[figures.band_of(Decimal(repr(row.score)))] += row.companies
    return dict(bands)


def _company_counts(connection: Connection, start: date, end: date) -> tuple[int, int, int, list[int]]:
    """(notices issued, inspections passed, penalties, days to pass of each round passed)."""
    in_period = _between(_E.c.dated_on, start, end)
    passed = and_(_E.c.kind == "inspection", _E.c.passed.is_(True))
    row = connection.execute(select(
        _count_if(_E.c.kind == "notice"), _count_if(passed), _count_if(_E.c.kind == "penalty"))
        .where(in_period, _E.c.kind.in_(("notice", "inspection", "penalty")))).one()
    days_query = (select(_E.c.days_since_notice, func.count().label("rounds"))
                  .where(in_period, passed, _E.c.days_since_notice.is_not(None)).group_by(_E.c.days_since_notice))
    days = [d.days_since_notice for d in connection.execute(days_query) for _ in range(d.rounds)]
    return int(row[0]), int(row[1]), int(row[2]), sorted(days)


def _overdue(connection: Connection, on: date) -> list[tuple[str, str, int]]:
    query = (select(_D.c.kind, _D.c.title, func.count().label("deadlines")).where(_D.c.due_on < on)
             .group_by(_D.c.kind, _D.c.title).order_by(_D.c.kind, _D.c.title))
    return [(row.kind, row.title, row.deadlines) for row in connection.execute(query)]


def _month_key_of(day: date) -> str:
    return _month_key(day.year, day.month)


def _daily_received(connection: Connection, start: date, end: date) -> list[Any]:
    """Per filing day: received, out of scope, resolved before court. Grouped by the day itself, the
    count reads the filing-day index in order (no sort, no date function per row); Python sums the
    at most 366 rows into the period's totals and its months."""
    query = (select(_C.c.filed_on.label("day"), *_received_columns(start, end))
             .where(_between(_C.c.filed_on, start, end)).group_by(_C.c.filed_on))
    return list(connection.execute(query))


def _month_rows(connection: Connection, start: date, end: date, received: list[Any]) -> list[Month]:
    table: dict[str, dict[str, int]] = {key: {"received": 0, "resolved": 0, "sent_to_court": 0}
                                         for key in _months(start, end)}
    for row in received:
        table[_month_key_of(row.day)]["received"] += row.received
    resolved = (select(_A.c.dated_on, func.count()).where(_attempts_between(start, end), _A.c.outcome == "resolved")
                .group_by(_A.c.stage, _A.c.dated_on))  # per stage and day: the index's order
    court = select(_C.c.court_on, func.count()).where(_between(_C.c.court_on, start, end)).group_by(_C.c.court_on)
    for name, query in (("resolved", resolved), ("sent_to_court", court)):
        for day, number in connection.execute(query):
            table[_month_key_of(day)][name] += number
    return [Month(month=key, **values) for key, values in table.items()]


def _groups(connection: Connection, start: date, end: date, by: GroupBy, daily: list[Any],
            months: list[Month]) -> list[GroupCounts]:
    """One row per month, street, community or company (docs/statistics.md: which date or field)."""
    rows: dict[str, dict[str, Any]] = {}

    def row(key: Any) -> dict[str, Any]:
        text = "" if key is None else str(key)
        return rows.setdefault(text, {"received": 0, "out_of_scope": 0, "resolved_before_court": 0,
                                      "mediated": 0, "resolved": 0, "sent_to_court": 0, "label": None})

    def keyed(column: Any) -> tuple[list[Any], Any]:
        if by == "month":
            year, month = _year_month(column)
            return [year, month], lambda r: _month_key(r[0], r[1])
        return [_group_column(by, _A)], lambda r: r[0]

    if by == "month":  # every month a row, as in months[]; the per-day counts summed into months
        for month in months:
            row(month.month)["sent_to_court"] = month.sent_to_court
        for day in daily:
            values = row(_month_key_of(day.day))
            for name in ("received", "out_of_scope", "resolved_before_court"):
                values[name] += getattr(day, name)
    else:
        group = _group_column(by)
        query = (select(group, *_received_columns(start, end)).where(_between(_C.c.filed_on, start, end))
                 .group_by(group))
        for r in connection.execute(query):
            row(r[0]).update(received=r.received, out_of_scope=r.out_of_scope,
                             resolved_before_court=r.resolved_before_court)
        query = select(group, func.count().label("sent")).where(_between(_C.c.court_on, start, end))
        for r in connection.execute(query.group_by(group)):
            row(r[0])["sent_to_court"] = r.sent
    columns, key_of = keyed(_A.c.dated_on)
    # the attempt's own copy of its case's group: one table, no lookup of each attempt's case
    query = select(*columns, *_mediation_columns(start)).where(
        _A.c.stage == "mediation_center", _between(_A.c.dated_on, start, end))
    for r in connection.execute(query.group_by(*columns)):
        row(key_of(r)).update(mediated=r.attempted, resolved=r.resolved)
    if by == "company":  # the name on the company's record (one row per company, not per case)
        keys = [k for k in rows if k]
        for first in range(0, len(keys), 500):
            names = select(COMPANIES.c.company_key, COMPANIES.c.name).where(
                COMPANIES.c.company_key.in_(keys[first:first + 500]))
            for key, name in connection.execute(names):
                rows[key]["label"] = name
    result = [
        GroupCounts(key=key, label=_label(by, key, values["label"]), received=values["received"],
                    out_of_scope=values["out_of_scope"],
                    mediation=Outcomes(resolved=values["resolved"], failed=values["mediated"] - values["resolved"]),
                    resolved_before_court=values["resolved_before_court"], sent_to_court=values["sent_to_court"])
        for key, values in rows.items()
    ]
    if by == "month":
        return sorted(result, key=lambda g: g.key)
    return sorted(result, key=lambda g: (-g.received, g.key))


def _label(by: GroupBy, key: str, name: str | None) -> str:
    if not key:
        return UNKNOWN_LABEL
    if by == "month":
        return f"{int(key[:4])}年{int(key[5:])}月"
    if by == "company":
        return name or key.split(":", 1)[-1]
    return key


def counts(connection: Connection, period_from: date, period_to: date, by: GroupBy | None = None) -> Counts:
    """Everything the report counts for the days ``period_from`` to ``period_to``, both included."""
    start, end = period_from, period_to
    daily = _daily_received(connection, start, end)
    months = _month_rows(connection, start, end, daily)
    tracks = select(_C.c.court_track, func.count().label("cases")).where(
        _between(_C.c.court_on, start, end)).group_by(_C.c.court_track)
    notices, passed, penalised, days = _company_counts(connection, start, end)
    return Counts(
        period_from=start, period_to=end, received=sum(d.received for d in daily),
        out_of_scope=sum(d.out_of_scope for d in daily),
        resolved_before_court=sum(d.resolved_before_court for d in daily), stages=_stages(connection, start, end),
        court_tracks={row.court_track: row.cases for row in connection.execute(tracks)},
        score_bands=_score_bands(connection, start, end), notices_issued=notices, passed=passed,
        penalised=penalised, days_to_pass=days, overdue=_overdue(connection, end),
        months=months, groups=tuple(_groups(connection, start, end, by, daily, months)) if by else (),
    )


def check_request(period_from: date | None, period_to: date | None, by: str | None,
                  *, today: date | None = None) -> tuple[date, date, GroupBy | None]:
    """The period and grouping asked for, with their defaults (to: today; from: 1 January of to's
    year), or an InputError naming the field."""
    end = period_to or today or clock.today()
    start = period_from or date(end.year, 1, 1)
    problems = []
    longest = statistics_parameters().max_period_months
    if start > end:
        problems.append(Problem("from", "period_reversed", f"统计期初 {start} 晚于统计期末 {end}",
                                f"the period starts ({start}) after it ends ({end})"))
    elif (end.year - start.year) * 12 + end.month - start.month + 1 > longest:
        # a mistyped year would otherwise ask for centuries of monthly rows and charts
        problems.append(Problem("from", "period_too_long",
                                f"统计期间 {start} 至 {end} 超过 {longest} 个月，请检查年份是否输错",
                                f"the period {start} to {end} spans more than {longest} months; check the years"))
    if by is not None and by not in get_args(GroupBy):
        problems.append(Problem("by", "unknown_grouping",
                                f"分组方式须为 month、street、community 或 company：{echoed(by, quote=False)}",
                                f"by must be month, street, community or company, not {echoed(by)}"))
    if problems:
        raise InputError(problems)
    return start, end, cast(GroupBy | None, by)


def filed_span(connection: Connection) -> tuple[date, date] | None:
    """The first and last filing day of the ledger's cases (read from the filing-day index), or None
    for an empty ledger."""
    first, last = connection.execute(select(func.min(_C.c.filed_on), func.max(_C.c.filed_on))).one()
    return None if first is None else (first, last)


def period_notes(connection: Connection, start: date, end: date, *, asked_from: date | None,
                 asked_to: date | None, received: int) -> list[str]:
    """What the command line says about the period (docs/interpretations.md): the period counted, how
    it was chosen when a bound was left out, and, when nothing filed in it but the ledger holds cases,
    the days those were filed and the options that count them."""
    notes = [f"统计期间 period: {start.isoformat()} — {end.isoformat()}"]
    if asked_from is None or asked_to is None:
        notes.append("未指定的期限：--to 默认今天，--from 默认 --to 所在年的 1 月 1 日；用 --from/--to 另选期间 / "
                     "unset bounds: --to is today, --from 1 January of --to's year; choose others with --from/--to")
    span = filed_span(connection) if received == 0 else None
    if span is not None:
        first, last = (day.isoformat() for day in span)
        notes.append(f"本期间内没有登记的纠纷；台账中的纠纷登记于 {first} 至 {last}，"
                     f"可用 --from {first} --to {last} 统计 / no dispute was filed in this period; "
                     f"the ledger's were filed {first} to {last}: --from {first} --to {last} counts them")
    return notes


def report(connection: Connection, period_from: date | None = None, period_to: date | None = None,
           by: str | None = None, *, title: str | None = None, office: str | None = None) -> Report:
    """The report document of the period, counted in the ledger ``connection`` reads."""
    start, end, grouping = check_request(period_from, period_to, by)
    return build_report(counts(connection, start, end, grouping), title=title or DEFAULT_TITLE, office=office,
                        grouped_by=grouping)


def build(connection_or_ledger: Any, period_from: date | None = None, period_to: date | None = None,
          by: str | None = None, *, title: str | None = None, office: str | None = None) -> dict[str, Any]:
    """The report as its JSON (``Report.to_json``'s object): the HTTP API's ``GET /v1/report``.

    Takes an open SQLAlchemy connection or a :class:`~propertytriage.ledger.Ledger`; raises
    InputError for a reversed period or an unknown grouping.
    """
    if isinstance(connection_or_ledger, Connection):
        document = report(connection_or_ledger, period_from, period_to, by, title=title, office=office)
    else:
        with connection_or_ledger.engine.connect() as connection:
            document = report(connection, period_from, period_to, by, title=title, office=office)
    return document.model_dump(mode="json", by_alias=True)

