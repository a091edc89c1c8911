"""How one document becomes events: a Case snapshot, a Scorecard or a company's history.

Everything that can refuse a document (validation, the company's lifecycle, triage of this case and
of every open case of its company) runs before anything is written, so a refused document leaves no
trace and an accepted one is recorded whole. See docs/ledger.md for the events each document makes.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from propertytriage.engine import Triage
from propertytriage.errors import InputError, Problem, echoed
from propertytriage.ledger import snapshots
from propertytriage.ledger.companies import CODED, NAMED, CompanyState, company_key, merged, replayed, resolved_by_name
from propertytriage.ledger.deadlines import Due, case_deadlines, company_deadlines, same_case_deadlines
from propertytriage.ledger.recorder import Unit
from propertytriage.ledger.state import CaseState, because, dated_attempts, decision_change, summary
from propertytriage.models.case import Case
from propertytriage.models.details import PropertyCompany
from propertytriage.models.scorecard import Scorecard
from propertytriage.models.validation import validate
from propertytriage.ruledata.corrections import KEY as REASON_KEY
from propertytriage.ruledata.corrections import checked_reason
from propertytriage.scoring import RectificationHistory, RectificationState

Status = Literal["new", "changed", "unchanged", "refused"]


@dataclass
class Outcome:
    """What became of one document."""

    status: Status
    source: str
    subject: str = ""
    problems: list[Problem] = field(default_factory=list)
    #: ``company`` for a scorecard or a company history, so that a summary can count cases apart
    kind: str = "case"
    reason: str | None = None
    """The reason the document was recorded with (kept on its events; an unchanged one records none)."""


@dataclass(slots=True)
class Prepared:
    """A case document as :meth:`Recorder.prepare` works it out ahead of its batch's recording."""

    case: Case | None
    """What the document validates to (None when it does not: ``error`` says why)."""
    canonical: tuple[dict[str, Any], str] | None = None
    decision: dict[str, Any] | None = None
    """``case`` decided as it stands, where the recording is expected to decide exactly that Case."""
    error: InputError | None = None


def kind_of(document: Any) -> str:
    """``case``, ``scorecard`` or ``history``, told apart by the key each must have."""
    if isinstance(document, dict):
        if "case_id" in document:
            return "case"
        if "evaluations" in document:
            return "scorecard"
        if "events" in document:
            return "history"
    raise InputError([Problem(
        "", "unknown_document",
        "不是案件、评分表或整改记录（案件须有 case_id，评分表须有 evaluations，整改记录须有 events）",
        "not a case, a scorecard or a company history (a case has case_id, a scorecard evaluations, "
        "a history events)")])


class CompanyChange:
    """A company's record as one document changes it, checked by replaying the lifecycle."""

    def __init__(self, unit: Unit, key: str, identity: PropertyCompany) -> None:
        self.unit = unit
        self.key = key
        self.before = unit.company(key)
        if self.before is None:
            self.state = CompanyState(key, name=identity.name, credit_code=identity.credit_code)
        else:
            self.state = self.before  # copied by add(), the only change before it is applied
        self.added: list[dict[str, Any]] = []
        self._replayed: RectificationState | None = None

    def replay(self) -> RectificationState:
        """The lifecycle state of the record (replayed once for each history the import meets)."""
        if self._replayed is None:
            key, memo = (self.key, self.state.version), self.unit.memo
            known = memo.get(key)
            if known is None or known[0] != self.state.history:  # a version another writer won
                if len(memo) > 10_000:
                    memo.clear()
                known = memo[key] = (self.state.history, replayed(self.state, self.state.history, ""))
            self._replayed = known[1]
        return self._replayed

    def add(self, events: list[dict[str, Any]], where: str, *, again: bool = False) -> None:
        history, added = merged(self.state.history, events, again=again)
        if not added:
            return
        lifecycle = replayed(self.state, history, where)
        if self.state is self.before:
            self.state = copy.copy(self.before)
        self.state.history, self._replayed = history, lifecycle
        self.added.extend(added)

    def last_day(self) -> date | None:
        return date.fromisoformat(self.state.history[-1]["on"]) if self.state.history else None


def _decide(engine: Triage, case: Case | dict[str, Any]) -> dict[str, Any]:
    return engine.decide_json(case)  # InputError if the case cannot be decided; plain JSON values


def _score_events(case: Case, full: dict[str, Any], change: CompanyChange, today: date) -> None:
    """Move the case's score, scorecard and history to its company's record."""
    history = full.get("rectification_history", {}).get("events", [])
    own_score = full.get("company_score")
    scored_in_history = any(e["kind"] == "score" for e in history)
    if own_score is not None and history and not scored_in_history and change.replay().latest_score is None:
        # the case's score comes before every event of its history (scoring/casestatus.py)
        history = [{"kind": "score", "on": history[0]["on"], "total": own_score}, *history]
        own_score = None
    if history:
        change.add(history, "rectification_history")
    if "scorecard" in full:
        change.add([{"kind": "score", "on": full["scorecard"]["evaluated_on"], "scorecard": full["scorecard"]}],
                   "scorecard")
    elif own_score is not None and change.replay().latest_score != Decimal(own_score):
        last = change.last_day()
        on = max(today, last) if last else today
        change.add([{"kind": "score", "on": on.isoformat(), "total": own_score,
                     "note": f"随案件 {case.case_id} 录入"}], "company_score", again=True)


def _deadlines_of(before: CaseState | None, after: CaseState) -> list[Due] | None:
    """The case's deadlines, or None where they are those of the state before (see ``Unit.put_case``)."""
    if before is not None and same_case_deadlines(before, after):
        return None
    return case_deadlines(after.case_id, after.snapshot, after.decision, after.attempt_dates)


def _redecide_others(
    unit: Unit, engine: Triage, change: CompanyChange, exclude: str
) -> list[tuple[CaseState, dict[str, Any]]]:
    """Every other open case of the company, decided on its new record."""
    result = []
    for state in unit.open_cases_of(change.key):
        if state.case_id == exclude:
            continue
        try:
            decision = _decide(engine, snapshots.compose(state.snapshot, change.state))
        except InputError as error:
            raise error.within(f"案件 case {echoed(state.case_id, quote=False)}") from None
        result.append((state, decision))
    return result


class Recorder:
    """Records documents through one unit of work (one transaction)."""

    def __init__(self, unit: Unit, engine: Triage, today: date) -> None:
        self.unit = unit
        self.engine = engine
        self.today = today
        self.rules_version = engine.book.rules_version
        self.reason: str | None = None  # the document's being recorded, on each event it makes

    def company_key_of(self, identity: PropertyCompany, where: str) -> str | None:
        """The key of the record a document's company belongs to (None: not identified): its credit
        code's, else the one coded record carrying its exact name, else its name's; InputError at
        ``where`` (the name's field) when two or more coded records carry the name."""
        key = company_key(identity)
        if key is None or identity.credit_code or identity.name is None:
            return key
        return resolved_by_name(identity.name, self.unit.coded_named(identity.name), where)

    def prepare(self, documents: list[tuple[Any, Case | None] | None],
                companies: Collection[str]) -> list[Prepared | None]:
        """Each case document of a batch validated, its canonical form and, where it will be decided as
        it stands, its decision, each step over the whole batch before the next: what :meth:`record`
        would otherwise work out document by document, between the ledger's own steps.

        Why: run one document after another through the whole recording, validation and triage took
        about half again the CPU time they take in a loop of their own (bare triage), their code
        and data pushed out of the processor's caches by the ledger's steps between them; in loops
        of their own over a batch they keep them.

        The results are those :meth:`record` would compute: a validation's refusal is kept and raised
        where validation would raise it, and a decision made here is taken only for the very Case the
        recording decides (``_case``), so a company record that changes within the batch, or that
        composes the case anew, is decided as before. ``documents``: (body, Case already validated
        or None) per document, None for one refused by its reader; ``companies``: the keys of the
        company records loaded for the batch (no other is looked up here, so the database is asked
        nothing it would not be asked by the recording).
        """
        prepared: list[Prepared | None] = []
        for item in documents:
            body = item[0] if item is not None else None
            if not isinstance(body, dict) or "case_id" not in body:
                prepared.append(None)  # not a case (refused, a scorecard, a history): recorded the long way
                continue
            if item is not None and item[1] is not None:
                prepared.append(Prepared(item[1], snapshots.canonical(item[1])))
                continue
            if REASON_KEY in body:
                body = {k: v for k, v in body.items() if k != REASON_KEY}
            try:
                case = validate(Case, body)
            except InputError as error:
                prepared.append(Prepared(None, error=error))
            else:
                prepared.append(Prepared(case, snapshots.canonical(case)))
        for entry in prepared:
            if entry is None or entry.case is None or not self._decided_as_it_stands(entry, companies):
                continue
            with contextlib.suppress(InputError):  # decided again by the recording, which refuses it there
                entry.decision = self.engine.decide_json(entry.case)
        return prepared

    def _decided_as_it_stands(self, entry: Prepared, companies: Collection[str]) -> bool:
        """Whether the recording of ``entry`` is expected to decide its Case unchanged (and to decide
        it at all: an identical snapshot is not decided). A wrong guess costs time, never a result."""
        case = entry.case
        assert case is not None and entry.canonical is not None
        if self.unit.stored_digest(case.case_id) == entry.canonical[1]:
            return False
        try:
            key = self.company_key_of(case.property_company, "property_company.name")
        except InputError:
            return False  # refused by the recording
        if key is None:
            return True
        if case.company_score is None or case.scorecard is not None or case.rectification_history is not None:
            return False  # composed with the company's record (snapshots.compose_model)
        if key not in companies:
            return False
        state = self.unit.company(key)
        return state is None or all(event["kind"] == "score" for event in state.history)

    def record(self, document: Any, source: str, *, case: Case | None = None, reason: str | None = None,
               prepared: Prepared | None = None) -> Outcome:
        """Record ``document``; ``case``, if given, is what it validates to (see ``Document.case``);
        ``prepared``, if given, what :meth:`prepare` made of it.

        ``reason``: the import's reason for the correction, checked by the caller; the document's own
        ``correction_reason``, taken off before it is validated (it is not part of the snapshot), wins.
        """
        subject = document.get("case_id", "") if isinstance(document, dict) else ""
        # the case as the refusal names it: whatever was sent as its id, on one line and bounded
        subject = echoed(subject, quote=False) if subject != "" else ""
        try:
            if isinstance(document, dict) and REASON_KEY in document:
                own = checked_reason(document[REASON_KEY])
                document = {k: v for k, v in document.items() if k != REASON_KEY}
                reason = own if own is not None else reason
            self.reason = reason
            kind = kind_of(document)
            outcome = (self._case(document, source, case, prepared) if kind == "case"
                       else self._company(document, source, kind))
            outcome.reason = reason
            return outcome
        except InputError as error:
            return Outcome("refused", source, subject, list(error.problems))

    # companies --------------------------------------------------------------------------------
    def _company(self, document: Any, source: str, kind: str) -> Outcome:
        if kind == "scorecard":
            card = validate(Scorecard, document)
            identity = card.company
            body = snapshots.as_json(card)
            events = [{"kind": "score", "on": body["evaluated_on"], "scorecard": body}]
        else:
            history = validate(RectificationHistory, document)
            identity = history.company
            events = snapshots.as_json(history).get("events", [])
        key = self.company_key_of(identity, "company.name")
        if key is None:
            raise InputError([Problem("company", "company_unidentified",
                                      "须写明企业的统一社会信用代码（credit_code）或名称（name）",
                                      "give the company's credit_code or name")])
        held = self._held_by_name_alone(identity, key, events)
        if held is not None:
            return Outcome("unchanged", source, held, kind="company")
        change = CompanyChange(self.unit, key, identity)
        change.add(events, "scorecard" if kind == "scorecard" else "")
        if not change.added and change.before is not None:
            return Outcome("unchanged", source, key, kind="company")
        others = _redecide_others(self.unit, self.engine, change, exclude="") if change.before else []
        self._apply_company(change, source)
        for state, decision in others:
            self._company_changed(state, decision, change, source)
        return Outcome("new" if change.before is None else "changed", source, key, kind="company")

    def _held_by_name_alone(self, identity: PropertyCompany, key: str, events: list[dict[str, Any]]) -> str | None:
        """The record of the name alone, if a document naming its company by name alone, now resolved to the
        coded record ``key`` carrying the name, was recorded there before that record arrived: it holds every
        event of the document. Such a document is unchanged (its file imported again), as a case's identical
        snapshot is, rather than recorded a second time on the coded record."""
        if identity.credit_code or not identity.name or not events or not key.startswith(CODED):
            return None
        own = f"{NAMED}{identity.name}"
        state = self.unit.company(own)
        if state is None or merged(state.history, events)[1]:
            return None
        return own

    def _apply_company(self, change: CompanyChange, source: str) -> None:
        state = change.state
        if change.before is None:
            state.version = 1
            self.unit.append("company", state.key, 1, "registered", source=source, rules_version=self.rules_version,
                             data={"company": state.identity()}, reason=self.reason)
        for event in change.added:
            state.version += 1
            self.unit.append("company", state.key, state.version, event["kind"], source=source,
                             rules_version=self.rules_version, data={"event": event}, reason=self.reason)
        lifecycle = change.replay()
        state.status = lifecycle.status
        self.unit.put_company(state, company_deadlines(state.key, lifecycle.status, lifecycle.deadline))

    def _company_changed(self, before: CaseState, decision: dict[str, Any], change: CompanyChange, source: str) -> None:
        after = copy.copy(before)
        after.version += 1
        after.company_version = change.state.version
        after.decision = decision
        self.unit.append("case", before.case_id, after.version, "company_changed", source=source,
                         rules_version=decision["rules_version"], data={
                             "as_of": self.today.isoformat(),
                             "company": {"key": change.key, "version": change.state.version},
                             "company_events": change.added,
                             "decision": summary(decision),
                             "decision_change": decision_change(summary(before.decision), summary(decision)),
                             "because": because(before.decision, decision),
                         }, reason=self.reason)
        self.unit.put_case(after, _deadlines_of(before, after))

    # cases ------------------------------------------------------------------------------------
    def _case(self, document: Any, source: str, validated: Case | None = None,
              prepared: Prepared | None = None) -> Outcome:
        if prepared is not None and prepared.error is not None:
            raise prepared.error
        if prepared is not None and prepared.case is not None and prepared.canonical is not None:
            case, (full, fingerprint) = prepared.case, prepared.canonical
        else:
            case = validated if validated is not None else validate(Case, document)
            full, fingerprint = snapshots.canonical(case)
        if self.unit.stored_digest(case.case_id) == fingerprint:
            return Outcome("unchanged", source, case.case_id)
        before = self.unit.case(case.case_id)
        key = self.company_key_of(case.property_company, "property_company.name")
        change = CompanyChange(self.unit, key, case.property_company) if key else None
        if change is not None:
            _score_events(case, full, change, self.today)
        own = snapshots.own_part(full, company_known=change is not None)
        decided = case if change is None else snapshots.compose_model(case, change.state)
        if prepared is not None and prepared.decision is not None and decided is case:
            decision = prepared.decision  # the same Case decided ahead (prepare)
        else:
            decision = _decide(self.engine, decided)
        same_company = before is not None and before.company_key == key
        if before is not None and before.snapshot == own and same_company and not (change and change.added):
            return Outcome("unchanged", source, case.case_id)  # only the company's part, already on record
        company_moved = change is not None and (change.added or change.before is None)
        # a company new to the ledger has no other case yet
        others = (_redecide_others(self.unit, self.engine, change, case.case_id)
                  if change and change.added and change.before else [])
        if change is not None and company_moved:
            self._apply_company(change, source)
        for state, other in others:
            assert change is not None
            self._company_changed(state, other, change, source)
        self._apply_case(before, case, own, fingerprint, decision, change, source)
        return Outcome("new" if before is None else "changed", source, case.case_id)

    def _apply_case(self, before: CaseState | None, case: Case, own: dict[str, Any], fingerprint: str,
                    decision: dict[str, Any], change: CompanyChange | None, source: str) -> None:
        attempts = own.get("attempts", [])
        previous = before.snapshot.get("attempts", []) if before else []
        dates = dated_attempts(previous, before.attempt_dates if before else [], attempts, self.today)
        company = {"key": change.key, "version": change.state.version} if change else None
        data: dict[str, Any] = {"as_of": self.today.isoformat(), "digest": fingerprint}
        if before is None:
            data["snapshot"] = own
        else:
            changed, added = snapshots.changes(before.snapshot, own)
            data["changes"], data["attempts_added"] = changed, added
        outcome = summary(decision)
        data.update({
            "company": company, "company_events": change.added if change else [],
            "decision": outcome,
            "decision_change": decision_change(summary(before.decision) if before else None, outcome),
        })
        if before is not None:  # a first decision's reasons are the decision itself (in show)
            data["because"] = because(before.decision, decision)
        version = 1 if before is None else before.version + 1
        self.unit.append("case", case.case_id, version, "filed" if before is None else "changed", source=source,
                         rules_version=decision["rules_version"], data=data, reason=self.reason)
        state = CaseState(case_id=case.case_id, version=version, digest=fingerprint, snapshot=own,
                          decision=decision, filed_on=case.filed_on, company_key=change.key if change else None,
                          company_version=change.state.version if change else None, attempt_dates=dates)
        self.unit.put_case(state, _deadlines_of(before, state))
