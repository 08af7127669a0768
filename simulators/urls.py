"""Where ccxt's `binance` class must send each of its API groups to reach the simulator."""

from __future__ import annotations

# ccxt 4.5.90 `binance().urls['api']` keys -> path prefix on the simulator. Every key is mapped,
# including groups the simulator does not serve (they answer 404), so that no request configured
# for the simulator can ever leave for the real venue.
API_PREFIXES = {
    "public": "/api/v3",
    "private": "/api/v3",
    "v1": "/api/v1",
    "sapi": "/sapi/v1",
    "sapiV2": "/sapi/v2",
    "sapiV3": "/sapi/v3",
    "sapiV4": "/sapi/v4",
    "fapiPublic": "/fapi/v1",
    "fapiPublicV2": "/fapi/v2",
    "fapiPublicV3": "/fapi/v3",
    "fapiPrivate": "/fapi/v1",
    "fapiPrivateV2": "/fapi/v2",
    "fapiPrivateV3": "/fapi/v3",
    "fapiData": "/futures/data",
    "dapiPublic": "/dapi/v1",
    "dapiPrivate": "/dapi/v1",
    "dapiPrivateV2": "/dapi/v2",
    "dapiData": "/dapi/futures/data",
    "eapiPublic": "/eapi/v1",
    "eapiPrivate": "/eapi/v1",
    "papi": "/papi/v1",
    "papiV2": "/papi/v2",
}


def ccxt_urls(base_url: str) -> dict[str, str]:
    """The `urls['api']` override for ccxt's binance, e.g. `ccxt_urls("http://127.0.0.1:9101")`."""
    root = base_url.rstrip("/")
    return {key: root + prefix for key, prefix in API_PREFIXES.items()}
