"""Issue acceptance for ``/ws/risk-updates`` (docs/websocket.md), end to end: daphne, a worker
and beat against the simulators, driven by ``websockets`` clients as an integration would."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.simcontrol import FUTURES_ACCOUNT, futures_btc_set, position_of
from tests.e2e.stack import Stack, running_stack, wait_until

pytestmark = pytest.mark.e2e

DB = "riskmonitor_e2e_ws"
JUMP_SYMBOL = "XRPUSDT"  # a long perpetual of ~$0.9M: a 30% jump moves equity, breaches nothing
WAIT = 60.0  # seconds allowed for anything that takes a few cycles (interval: 2 s)

Frame = dict[str, Any]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("websocket")
    with running_stack(
        tmp, database=DB, redis_db=8, env={"RISK_CHECK_INTERVAL_SECONDS": "2"}
    ) as running:
        yield running


@pytest.fixture(scope="module")
def token(stack: Stack) -> str:
    return stack.token_for("ivy", "integration")


@pytest.fixture(scope="module")
def officer(stack: Stack) -> Any:
    return stack.api(stack.token_for("olivia", "risk_officer"))


def _ws_url(stack: Stack, query: str = "") -> str:
    return f"{stack.web_url.replace('http://', 'ws://')}/ws/risk-updates{query}"


def _open(stack: Stack, token: str, **options: Any) -> Any:
    return connect(
        _ws_url(stack),
        origin=stack.web_url,
        additional_headers={"Authorization": f"Token {token}"},
        **options,
    )


async def _recv(ws: ClientConnection, timeout: float = WAIT) -> Frame:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), timeout)))


async def _until(
    ws: ClientConnection, wanted: Callable[[Frame], bool], timeout: float = WAIT
) -> tuple[Frame, list[Frame]]:
    """The first frame ``wanted`` accepts, and every frame before it."""
    seen: list[Frame] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        frame = await _recv(ws, max(deadline - asyncio.get_running_loop().time(), 0.1))
        if wanted(frame):
            return frame, seen
        seen.append(frame)


def _run(coroutine: Awaitable[Any]) -> Any:
    return asyncio.run(coroutine)


def _first_snapshot(officer: Any, stack: Stack) -> None:
    wait_until(
        lambda: officer.get(f"{stack.web_url}/api/v1/risk/status", timeout=10).status_code == 200,
        90,
        what="a first risk snapshot",
    )


def _is_update(frame: Frame) -> bool:
    return bool(frame["type"] == "risk.update")


def _jump_price(stack: Stack, factor: float) -> None:
    for name in ("exchange-1", "exchange-2"):
        state = stack.sims[name].control("GET", "/_sim/state").json()
        price = float(state["prices"][JUMP_SYMBOL]["path"]) * factor
        response = stack.sims[name].control(
            "POST", "/_sim/prices", {"symbol": JUMP_SYMBOL, "price": f"{price:.4f}"}
        )
        assert response.status_code == 200, response.text


def test_it_sends_the_state_then_an_update_within_two_cycles_of_a_price_jump(
    stack: Stack, token: str, officer: Any
) -> None:
    _first_snapshot(officer, stack)

    async def scenario() -> tuple[Frame, Frame, list[Frame]]:
        async with _open(stack, token) as ws:
            state = await _recv(ws)
            before, _ = await _until(ws, _is_update)
            _jump_price(stack, 1.3)
            equity = float(before["data"]["equity"])
            jumped, updates = await _until(
                ws,
                lambda f: _is_update(f) and float(f["data"]["equity"]) > equity + 150_000,
            )
            return state, jumped, [f for f in updates if _is_update(f)]

    state, jumped, updates_between = _run(scenario())
    _jump_price(stack, 1 / 1.3)

    assert state["type"] == "risk.state" and state["reason"] == "connect"
    assert state["snapshots"], "the state carries the latest snapshot"
    main = state["snapshots"][0]
    assert {"equity", "pnl", "exposure", "var", "snapshot_id"} <= set(main)
    assert {b["state"] for b in state["breakers"]} == {"closed"}
    assert state["seq"][str(main["portfolio_id"])] >= 1
    # Within two cycles: at most one update came between the jump and the one that shows it.
    assert len(updates_between) <= 1, [u["data"]["cycle_start"] for u in updates_between]
    assert jumped["seq"] > state["seq"][str(jumped["portfolio_id"])]


def _net_btc(officer: Any, stack: Stack) -> float:
    body = officer.get(f"{stack.web_url}/api/v1/positions/summary", timeout=10).json()
    return float(next(r for r in body["positions"] if r["symbol"] == "BTC-USD")["net_size"])


def _btc_breach(frame: Frame, event: str) -> bool:
    data = frame.get("data", {})
    return bool(
        frame["type"] == event
        and data.get("breach_type") == "position_limit_long"
        and data.get("scope") == "BTC-USD"
    )


def test_it_sends_alert_messages_when_a_breach_opens_and_resolves(
    stack: Stack, token: str, officer: Any
) -> None:
    _first_snapshot(officer, stack)
    state = stack.sims["exchange-1"].control("GET", "/_sim/state").json()
    original = position_of(state, FUTURES_ACCOUNT, "BTCUSDT")
    net = _net_btc(officer, stack)

    async def scenario() -> tuple[Frame, Frame]:
        async with _open(stack, token) as ws:
            await _recv(ws)
            futures_btc_set(stack, original + (15.0 - net))  # 15 against max_long 10
            opened, _ = await _until(ws, lambda f: _btc_breach(f, "alert.opened"))
            futures_btc_set(stack, original)
            resolved, _ = await _until(ws, lambda f: _btc_breach(f, "alert.resolved"))
            return opened, resolved

    try:
        opened, resolved = _run(scenario())
    finally:
        futures_btc_set(stack, original)

    assert opened["data"]["severity"] == "critical"
    assert opened["data"]["status"] == "open"
    assert resolved["data"]["id"] == opened["data"]["id"]
    assert resolved["data"]["status"] == "resolved"
    assert resolved["seq"] > opened["seq"]


def test_it_closes_a_connection_without_credentials_with_4401(stack: Stack) -> None:
    async def scenario() -> int | None:
        async with connect(_ws_url(stack), origin=stack.web_url) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await _recv(ws, 10)
            return closed.value.rcvd.code if closed.value.rcvd else None

    assert _run(scenario()) == 4401


def test_it_closes_a_wrong_token_given_in_the_query_with_4401(stack: Stack) -> None:
    async def scenario() -> int | None:
        url = _ws_url(stack, "?token=0123456789abcdef")
        async with connect(url, origin=stack.web_url) as ws:
            with pytest.raises(ConnectionClosed) as closed:
                await _recv(ws, 10)
            return closed.value.rcvd.code if closed.value.rcvd else None

    assert _run(scenario()) == 4401


def test_it_accepts_the_token_in_the_query(stack: Stack, token: str) -> None:
    async def scenario() -> Frame:
        url = _ws_url(stack, f"?token={token}")
        async with connect(url, origin=stack.web_url) as ws:
            return await _recv(ws)

    assert _run(scenario())["type"] == "risk.state"


def test_it_refuses_the_handshake_from_a_foreign_origin(stack: Stack, token: str) -> None:
    async def scenario() -> int:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                _ws_url(stack),
                origin="http://evil.example.com",
                additional_headers={"Authorization": f"Token {token}"},
            ):
                pass
        return int(refused.value.response.status_code)

    assert _run(scenario()) == 403


def _stuck_socket(stack: Stack) -> socket.socket:
    """A connected socket with a tiny receive buffer: with a client that never reads, the
    server's writes back up after a few frames."""
    parts = urlsplit(stack.web_url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parts.hostname or "127.0.0.1", parts.port or 80))
    return sock


def _chain_holds(frames: list[Frame], state: Frame) -> bool:
    """Each frame's prev_seq is the seq this client last held for its portfolio."""
    held = {int(pk): seq for pk, seq in state["seq"].items()}
    for frame in frames:
        if frame["type"] == "risk.state":
            held = {int(pk): seq for pk, seq in frame["seq"].items()}
            continue
        if frame["prev_seq"] != held.get(frame["portfolio_id"], 0):
            return False
        held[frame["portfolio_id"]] = frame["seq"]
    return True


def test_it_keeps_a_fast_client_current_beside_one_that_does_not_read(
    stack: Stack, token: str, officer: Any
) -> None:
    _first_snapshot(officer, stack)

    async def scenario() -> tuple[list[Frame], list[Frame]]:
        async with (
            _open(stack, token, sock=_stuck_socket(stack), max_queue=1) as slow,
            _open(stack, token) as fast,
        ):
            state = await _recv(fast)
            # Four cycles while the slow one reads nothing: the fast one sees each of them.
            fresh = []
            while len(fresh) < 4:
                frame = await _recv(fast)
                if _is_update(frame):
                    fresh.append(frame)
            await slow.send(json.dumps({"type": "resync"}))
            late = [await _recv(slow)]
            requested, before = await _until(
                slow, lambda f: f["type"] == "risk.state" and f["reason"] == "requested"
            )
            late += [*before, requested]
            return [state, *fresh], late

    fast_frames, slow_frames = _run(scenario())

    cycles = [f["data"]["cycle_start"] for f in fast_frames[1:]]
    assert len(set(cycles)) == 4  # four distinct cycles, none held back
    assert slow_frames[0]["type"] == "risk.state"
    assert _chain_holds(slow_frames[1:], slow_frames[0])
    assert slow_frames[-1]["reason"] == "requested"


def test_it_sends_the_state_again_on_a_resync_request(stack: Stack, token: str) -> None:
    async def scenario() -> tuple[Frame, Frame]:
        async with _open(stack, token) as ws:
            first = await _recv(ws)
            await ws.send(json.dumps({"type": "resync"}))
            again, _ = await _until(ws, lambda f: f["type"] == "risk.state")
            await ws.send(json.dumps({"type": "subscribe"}))
            error, _ = await _until(ws, lambda f: f["type"] == "error")
            return {**again, "first": first}, error

    again, error = _run(scenario())

    assert again["reason"] == "requested"
    for pk, seq in again["first"]["seq"].items():
        assert again["seq"][pk] >= seq
    assert "type" in error["error"]["fields"]
