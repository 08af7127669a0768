"""Venue simulators: a Binance-compatible exchange and a custodian, run as HTTP processes.

`python -m simulators exchange --name exchange-1 --port 9101 --scenario ... --seed 42`
`python -m simulators custodian --port 9201 --scenario ...`
"""

from simulators.urls import ccxt_urls

__all__ = ["ccxt_urls"]
