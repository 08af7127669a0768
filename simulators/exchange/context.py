"""What a route handler gets: the parsed parameters, the market kind, the time, the caller."""

from __future__ import annotations

from dataclasses import dataclass

from simulators.exchange.state import Account


@dataclass(frozen=True)
class Context:
    params: dict[str, str]
    kind: str  # "spot" or "futures"
    now: int  # server time, ms
    account: Account | None = None

    @property
    def caller(self) -> Account:
        """The signed caller; only routes marked signed use this, and those always have one."""
        if self.account is None:
            raise RuntimeError("route needs a signed caller")
        return self.account
