"""Tables render a column at a time (`json_column`); the result is what rendering each value
on its own (`to_json`) gives, NaN and infinities as None."""

from __future__ import annotations

import json

import numpy as np

from riskmonitor.engine.serialize import json_column, to_json
from tests.engine.enginecases import make_inputs, perp, run, spot


def test_it_renders_a_column_as_each_value_alone() -> None:
    floats = np.array([1.5, np.nan, -np.inf, 0.0, np.inf, 2e-300])
    for column in (floats, np.array([3, -1, 0]), np.array([True, False])):
        assert json_column(column) == [to_json(v) for v in column.tolist()]
    assert json_column(floats) == [1.5, None, None, 0.0, None, 2e-300]
    assert [type(v) for v in json_column(np.array([1, 2], dtype=np.int64))] == [int, int]


def test_a_tables_rows_are_its_row_renderings() -> None:
    positions = [perp("exchange-1", "BTC-USD", 1.0, 40_000.0),
                 spot("exchange-1", "ETH-USD", 2.0, 2_000.0)]  # fmt: skip
    result = run(make_inputs(positions, quotes=None))
    for table in (result.symbols, result.deltas, result.attribution.by_symbol):
        rendered = table.to_dict()
        assert list(rendered) == list(table.names)
        assert all(rendered[name] == table.row(name) for name in table.names)
    json.dumps(result.to_dict(), allow_nan=False)
