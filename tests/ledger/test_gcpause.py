"""The cycle collector is held off while a batch is recorded and comes back after (gcpause.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from propertytriage.gcpause import collector_paused
from propertytriage.ledger import Ledger
from propertytriage.ledger import recording as recording_module
from propertytriage.ledger.documents import Document
from tests.ledger import casegen


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def test_a_batch_is_recorded_with_the_collector_off_and_it_is_on_again_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_on: None) -> None:
    seen: list[bool] = []
    record = recording_module.Recorder.record

    def spying(self: Any, document: Any, source: str, **given: Any) -> Any:
        seen.append(gc.isenabled())
        return record(self, document, source, **given)

    monkeypatch.setattr(recording_module.Recorder, "record", spying)
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}", batch_size=3) as ledger:
        summary = ledger.import_documents(Document(f"d{i}", d) for i, d in enumerate(casegen.cases(7)))
    assert summary.new == 7
    assert seen == [False] * 7
    assert gc.isenabled()


def test_a_batch_is_read_with_the_collector_off_too(tmp_path: Path, collector_on: None) -> None:
    read: list[bool] = []

    def documents() -> Iterator[Document]:
        for index, body in enumerate(casegen.cases(7)):
            read.append(gc.isenabled())
            yield Document(f"d{index}", body)

    with Ledger(f"sqlite:///{tmp_path / 'l.db'}", batch_size=3) as ledger:
        assert ledger.import_documents(documents()).new == 7
    assert read == [False] * 7
    assert gc.isenabled()


def test_a_failed_batch_turns_the_collector_back_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     collector_on: None) -> None:
    def failing(*_: Any, **__: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(recording_module.Recorder, "record", failing)
    with Ledger(f"sqlite:///{tmp_path / 'l.db'}") as ledger, pytest.raises(RuntimeError):
        ledger.import_documents([Document("d", casegen.cases(1)[0])])
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_last_of_overlapping_pauses_ends(collector_on: None) -> None:
    inside, release = threading.Event(), threading.Event()
    states: list[bool] = []

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    with collector_paused():
        states.append(gc.isenabled())
    states.append(gc.isenabled())  # the other thread still records its batch
    release.set()
    thread.join(10)
    states.append(gc.isenabled())
    assert states == [False, False, True]


def test_a_pause_never_turns_on_a_collector_that_was_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_cycles_made_during_a_batch_are_freed_once_it_ends(collector_on: None) -> None:
    class Node:
        pass

    gc.collect()
    before = sum(isinstance(o, Node) for o in gc.get_objects())
    with collector_paused():
        for _ in range(5000):
            node = Node()
            node.me = node  # type: ignore[attr-defined]
        del node
        assert sum(isinstance(o, Node) for o in gc.get_objects()) == before + 5000
    garbage = [[] for _ in range(10)]  # the next allocations: the collector's own next pass runs
    del garbage
    assert sum(isinstance(o, Node) for o in gc.get_objects()) == before
