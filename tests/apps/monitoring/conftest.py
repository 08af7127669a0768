"""The risk tests' hand-made stored book, shared: the cycle and what-if run on the same stored
data."""

from tests.apps.risk.conftest import book, frozen

__all__ = ["book", "frozen"]
