"""HMAC-SHA256 request signatures and the timestamp/recvWindow rule, as Binance checks them."""

from __future__ import annotations

import hashlib
import hmac

from simulators.exchange import errors

MAX_RECV_WINDOW_MS = 60_000
DEFAULT_RECV_WINDOW_MS = 5_000


def _without_signature(raw: str) -> tuple[str, str | None]:
    """Split `a=1&b=2&signature=x` into the signed part and the signature."""
    kept, signature = [], None
    for part in raw.split("&") if raw else []:
        if part.startswith("signature="):
            signature = part[len("signature=") :]
        else:
            kept.append(part)
    return "&".join(kept), signature


def signed_payload(query: str, body: str) -> tuple[str, str | None]:
    """Binance signs the query string concatenated with the body (`totalParams`)."""
    q, q_sig = _without_signature(query)
    b, b_sig = _without_signature(body)
    return q + b, q_sig or b_sig


def sign(payload: str, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def verify_signature(query: str, body: str, secret: str) -> None:
    payload, signature = signed_payload(query, body)
    if not signature:
        raise errors.missing_param("signature")
    if not hmac.compare_digest(sign(payload, secret), signature.lower()):
        raise errors.bad_signature()


def check_timestamp(params: dict[str, str], server_ms: int) -> None:
    raw_ts = params.get("timestamp")
    if not raw_ts or not raw_ts.isdigit():
        raise errors.missing_param("timestamp")
    raw_window = params.get("recvWindow") or str(DEFAULT_RECV_WINDOW_MS)
    try:
        window = int(float(raw_window))
    except ValueError as exc:
        raise errors.bad_param("recvWindow") from exc
    if window <= 0 or window > MAX_RECV_WINDOW_MS:
        raise errors.ApiError(400, -1131, "recvWindow must be less than 60000")
    timestamp = int(raw_ts)
    if timestamp >= server_ms + 1000:
        raise errors.ahead_of_server()
    if server_ms - timestamp > window:
        raise errors.outside_recv_window()
