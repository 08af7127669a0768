"""The per-connection buffer: updates coalesce per portfolio, other events keep their order and
are never dropped without a state owed in their place, memory stays bounded."""

from __future__ import annotations

from apps.dashboard.coalescing import Frame, PendingFrames


def frame(event: str, portfolio_id: int, seq: int) -> Frame:
    return Frame(event, portfolio_id, seq, "2026-03-10T12:00:00+00:00", {"n": seq})


def drain(pending: PendingFrames) -> list[tuple[str, int, int]]:
    out = []
    while (item := pending.pop()) is not None:
        assert isinstance(item, Frame)
        out.append((item.event, item.portfolio_id, item.seq))
    return out


def test_it_keeps_only_the_latest_update_of_each_portfolio() -> None:
    pending = PendingFrames()
    for seq in (1, 2, 3):
        pending.put(frame("risk.update", 1, seq))
    pending.put(frame("risk.update", 2, 1))

    assert drain(pending) == [("risk.update", 1, 3), ("risk.update", 2, 1)]
    assert pending.superseded == 2


def test_it_keeps_every_alert_event_in_order_and_sends_a_replacing_update_after_them() -> None:
    pending = PendingFrames()
    pending.put(frame("risk.update", 1, 1))
    pending.put(frame("alert.opened", 1, 2))
    pending.put(frame("alert.updated", 1, 3))
    pending.put(frame("risk.update", 1, 4))

    # Increasing seq per portfolio: the new update goes behind the events it came after.
    assert drain(pending) == [
        ("alert.opened", 1, 2),
        ("alert.updated", 1, 3),
        ("risk.update", 1, 4),
    ]


def test_it_keeps_the_newer_update_when_an_older_one_arrives_late() -> None:
    pending = PendingFrames()
    pending.put(frame("risk.update", 1, 5))
    pending.put(frame("risk.update", 1, 4))

    assert drain(pending) == [("risk.update", 1, 5)]


def test_it_owes_a_state_instead_of_dropping_events_silently_past_its_bound() -> None:
    pending = PendingFrames(max_events=3)
    pending.put(frame("risk.update", 1, 1))
    for seq in range(2, 5):
        pending.put(frame("alert.opened", 1, seq))
    assert pending.state_reason is None

    pending.put(frame("alert.resolved", 1, 5))

    assert pending.state_reason == "overflow"
    assert len(pending) == 0  # the state holds all of them
    assert pending.overflows == 1
    pending.put(frame("alert.opened", 1, 6))
    assert drain(pending) == [("alert.opened", 1, 6)]


def test_it_stays_bounded_by_portfolios_and_the_event_bound_whatever_arrives() -> None:
    pending = PendingFrames(max_events=10)
    for seq in range(1, 10_001):
        pending.put(frame("risk.update", seq % 3, seq))
        if seq % 7 == 0:
            pending.put(frame("breaker.changed", seq % 3, seq))
        assert len(pending) <= 3 + 10


def test_it_drops_what_a_state_already_holds() -> None:
    pending = PendingFrames()
    pending.put(frame("alert.opened", 1, 4))
    pending.put(frame("risk.update", 1, 5))
    pending.put(frame("alert.opened", 2, 1))
    pending.put(frame("risk.update", 1, 7))

    pending.discard_through({1: 5})

    assert drain(pending) == [("alert.opened", 2, 1), ("risk.update", 1, 7)]


def test_it_sends_replies_first_and_keeps_only_the_newest_past_their_bound() -> None:
    pending = PendingFrames(max_replies=2)
    pending.put(frame("risk.update", 1, 1))
    for n in range(3):
        pending.reply({"type": "error", "n": n})

    assert pending.pop() == {"type": "error", "n": 1}
    assert pending.pop() == {"type": "error", "n": 2}
    assert isinstance(pending.pop(), Frame)


def test_it_keeps_the_first_reason_for_the_state_it_owes() -> None:
    pending = PendingFrames()
    pending.request_state("connect")
    pending.request_state("requested")

    assert pending.take_state_request() == "connect"
    assert pending.take_state_request() is None
