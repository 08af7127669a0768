"""Reads of the portfolio's earlier risk snapshots that an evaluation starts from: the equity
path (carried state, day mark, recent samples; apps.risk.evaluation.equity) and each day's closing
record for the VaR backtest (apps.risk.evaluation.backtest). One query on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.db.models import QuerySet

from apps.risk.models import RiskSnapshot
from apps.risk.selectors.sources import SECONDS_PER_DAY, epoch_seconds, fetch_rows

# (part, POSIX as_of, a, b, c); see `equity_history` for what a, b and c are in each part.
HistoryRow = tuple[int, float, float | None, float | None, float | None]
STATE, DAY_MARK, RECENT, CLOSING = 0, 1, 2, 3


def equity_samples(portfolio_id: int, before: datetime) -> list[tuple[float, float]]:
    """(POSIX as_of, equity) of the portfolio's earlier complete snapshots, ascending."""
    rows = fetch_rows(
        RiskSnapshot.objects.filter(portfolio_id=portfolio_id, equity_complete=True,
                                    as_of__lt=before)
        .order_by("as_of")
        .values_list("equity", epoch_seconds("as_of"))
    )  # fmt: skip
    return [(at, equity) for equity, at in rows]


def equity_history(
    portfolio_id: int,
    before: datetime,
    state_before: datetime,
    day_start: datetime,
    closing_from_day: int,
) -> list[HistoryRow]:
    """Rows of complete snapshots, one query:

    - STATE (equity, running HWM, running max drawdown): the latest before `state_before`;
    - DAY_MARK (equity, -, -): the latest at or before `day_start`;
    - RECENT (equity, -, -): every one in [state_before, before);
    - CLOSING (daily P&L, historical VaR 99%, -): per UTC day from `closing_from_day` (days
      since the epoch) to the day before `day_start`, the day's last one (none: no row).

    Each closing record is one index probe (the latest before the day's end), so 250 days
    cost about as much as the other parts, whatever the history's rate."""
    if connection.vendor != "postgresql":
        return _history_portable(portfolio_id, before, state_before, day_start, closing_from_day)
    where = f"FROM {RiskSnapshot._meta.db_table} WHERE portfolio_id = %(p)s AND equity_complete"
    sql = f"""
        (SELECT {STATE}, date_part('epoch', as_of), equity, running_hwm, running_max_drawdown
           {where} AND as_of < %(state)s ORDER BY as_of DESC LIMIT 1)
        UNION ALL
        (SELECT {DAY_MARK}, date_part('epoch', as_of), equity, NULL, NULL
           {where} AND as_of <= %(day)s ORDER BY as_of DESC LIMIT 1)
        UNION ALL
        (SELECT {RECENT}, date_part('epoch', as_of), equity, NULL, NULL
           {where} AND as_of >= %(state)s AND as_of < %(now)s)
        UNION ALL
        (SELECT {CLOSING}, date_part('epoch', c.as_of), c.daily_pnl, c.var_hist_99, NULL
           FROM generate_series(%(first)s, %(last)s) AS d(day)
           CROSS JOIN LATERAL (
             SELECT as_of, daily_pnl, var_hist_99 {where}
               AND as_of >= to_timestamp(d.day * {SECONDS_PER_DAY})
               AND as_of < to_timestamp((d.day + 1) * {SECONDS_PER_DAY})
             ORDER BY as_of DESC LIMIT 1) AS c)
    """  # noqa: S608 - table name from the model, values bound as parameters
    params: dict[str, int | datetime] = {
        "p": portfolio_id, "state": state_before, "day": day_start, "now": before,
        "first": closing_from_day, "last": int(day_start.timestamp()) // SECONDS_PER_DAY - 1,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[HistoryRow] = cursor.fetchall()
    return rows


def _history_portable(
    portfolio_id: int,
    before: datetime,
    state_before: datetime,
    day_start: datetime,
    closing_from_day: int,
) -> list[HistoryRow]:
    # Embedded mode (SQLite) rejects parenthesised LIMIT subqueries in a UNION and has no
    # generate_series or LATERAL: one ORM query per part, closing records picked in Python
    # (embedded books and histories are small).
    complete = RiskSnapshot.objects.filter(portfolio_id=portfolio_id, equity_complete=True)
    state = complete.filter(as_of__lt=state_before).order_by("-as_of")[:1]
    mark = complete.filter(as_of__lte=day_start).order_by("-as_of")[:1]
    recent = complete.filter(as_of__gte=state_before, as_of__lt=before)
    rows: list[HistoryRow] = [
        (STATE, at, equity, hwm, worst)
        for equity, hwm, worst, at in fetch_rows(
            state.values_list(
                "equity", "running_hwm", "running_max_drawdown", epoch_seconds("as_of")
            )
        )
    ]
    for part, query in ((DAY_MARK, mark), (RECENT, recent)):
        rows += [
            (part, at, equity, None, None)
            for equity, at in fetch_rows(query.values_list("equity", epoch_seconds("as_of")))
        ]
    return rows + _closing_portable(complete, closing_from_day, day_start)


def _closing_portable(
    complete: QuerySet[RiskSnapshot], from_day: int, day_start: datetime
) -> list[HistoryRow]:
    since = datetime.fromtimestamp(from_day * SECONDS_PER_DAY, tz=UTC)
    days = complete.filter(as_of__gte=since, as_of__lt=day_start).order_by("as_of")
    last: dict[int, HistoryRow] = {}
    for pnl, var, at in fetch_rows(
        days.values_list("daily_pnl", "var_hist_99", epoch_seconds("as_of"))
    ):
        last[int(at // SECONDS_PER_DAY)] = (CLOSING, at, pnl, var, None)
    return list(last.values())
