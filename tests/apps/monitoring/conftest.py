"""The risk tests' hand-made stored book, shared: what-if runs on the same stored data."""

from tests.apps.risk.conftest import book, frozen

__all__ = ["book", "frozen"]
