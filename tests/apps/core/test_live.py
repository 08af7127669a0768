"""The live stream's publisher: numbers per portfolio from one counter for every process,
events sent only after their transaction commits."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from apps.core.live import live_publish, live_publish_on_commit, seq_current, seq_next
from tests.apps.core.live_listening import listening


def _fresh_ids() -> Iterator[int]:
    # Portfolio ids no other run used: the counters live in Redis and outlast a test run.
    while True:
        yield secrets.randbelow(2**52) + 2**40


_ids = _fresh_ids()


def test_it_numbers_each_portfolio_from_one_without_gaps() -> None:
    first, second = next(_ids), next(_ids)

    numbers = [seq_next(first), seq_next(first), seq_next(second), seq_next(first)]

    assert numbers == [1, 2, 1, 3]
    assert seq_current([first, second]) == {first: 3, second: 1}


def test_it_reports_zero_for_a_portfolio_that_never_published() -> None:
    fresh = next(_ids)

    assert seq_current([fresh]) == {fresh: 0}


def test_it_gives_concurrent_publishers_distinct_consecutive_numbers() -> None:
    portfolio_id = next(_ids)
    taken: list[int] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(25):
            number = seq_next(portfolio_id)
            with lock:
                taken.append(number)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(taken) == list(range(1, 101))


def test_it_sends_the_numbered_event_to_the_group() -> None:
    portfolio_id = next(_ids)
    with listening() as listener:
        seq = live_publish(event="risk.update", portfolio_id=portfolio_id, data={"equity": 1.0})
        [message] = [m for m in listener.messages() if m["portfolio_id"] == portfolio_id]

    assert seq == 1
    assert message | {"published_at": None} == {
        "type": "live.event",
        "event": "risk.update",
        "portfolio_id": portfolio_id,
        "seq": 1,
        "published_at": None,
        "data": {"equity": 1.0},
    }


def test_it_refuses_an_event_type_the_protocol_does_not_have() -> None:
    with pytest.raises(ValueError, match="event: must be one of"):
        live_publish(event="risk.updated", portfolio_id=next(_ids), data={})


@pytest.mark.django_db(transaction=True)
def test_it_publishes_only_after_the_transaction_commits() -> None:
    portfolio_id = next(_ids)
    with listening() as listener:
        with transaction.atomic():
            live_publish_on_commit(event="breaker.changed", portfolio_id=portfolio_id, data={})
            assert _of(listener.messages(wait=0.2), portfolio_id) == []
        assert [m["seq"] for m in _of(listener.messages(), portfolio_id)] == [1]


@pytest.mark.django_db(transaction=True)
def test_it_publishes_nothing_and_takes_no_number_when_it_rolls_back() -> None:
    portfolio_id = next(_ids)
    with listening() as listener:
        with pytest.raises(RuntimeError), transaction.atomic():
            live_publish_on_commit(event="breaker.changed", portfolio_id=portfolio_id, data={})
            raise RuntimeError("rolled back")
        assert _of(listener.messages(wait=0.3), portfolio_id) == []
    assert seq_current([portfolio_id]) == {portfolio_id: 0}


def _of(messages: list[dict[str, Any]], portfolio_id: int) -> list[dict[str, Any]]:
    return [m for m in messages if m["portfolio_id"] == portfolio_id]
