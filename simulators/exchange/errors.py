"""Binance-style API errors: `{"code": -NNNN, "msg": ...}` with the HTTP status Binance uses."""

from __future__ import annotations

from simulators.server import Response, json_response


class ApiError(Exception):
    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status = status
        self.code = code
        self.msg = msg

    def response(self, headers: dict[str, str] | None = None) -> Response:
        return json_response(self.status, {"code": self.code, "msg": self.msg}, headers)


def missing_param(name: str) -> ApiError:
    return ApiError(
        400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def bad_param(name: str) -> ApiError:
    return ApiError(
        400,
        -1100,
        f"Illegal characters found in parameter '{name}'; "
        "legal range is '^[0-9]{1,20}(\\.[0-9]{1,20})?$'.",
    )


def invalid_symbol() -> ApiError:
    return ApiError(400, -1121, "Invalid symbol.")


def api_key_format() -> ApiError:
    return ApiError(401, -2014, "API-key format invalid.")


def invalid_api_key() -> ApiError:
    return ApiError(401, -2015, "Invalid API-key, IP, or permissions for action.")


def bad_signature() -> ApiError:
    return ApiError(400, -1022, "Signature for this request is not valid.")


def outside_recv_window() -> ApiError:
    return ApiError(400, -1021, "Timestamp for this request is outside of the recvWindow.")


def ahead_of_server() -> ApiError:
    return ApiError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")


def unknown_order() -> ApiError:
    return ApiError(400, -2011, "Unknown order sent.")


def order_does_not_exist() -> ApiError:
    return ApiError(400, -2013, "Order does not exist.")


def insufficient_balance() -> ApiError:
    return ApiError(400, -2010, "Account has insufficient balance for requested action.")


def margin_insufficient() -> ApiError:
    return ApiError(400, -2019, "Margin is insufficient.")


def reduce_only_rejected() -> ApiError:
    return ApiError(400, -2022, "ReduceOnly Order is rejected.")


def filter_failure(name: str) -> ApiError:
    return ApiError(400, -1013, f"Filter failure: {name}")


def invalid_interval() -> ApiError:
    return ApiError(400, -1120, "Invalid interval.")


def too_much_weight(limit: int) -> ApiError:
    return ApiError(
        429,
        -1003,
        f"Too much request weight used; current limit is {limit} request weight per 1 MINUTE. "
        "Please use WebSocket Streams for live updates to avoid polling the API.",
    )
