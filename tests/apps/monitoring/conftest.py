"""The monitoring cycle runs on the risk tests' hand-made stored book."""

from tests.apps.risk.conftest import book, frozen  # noqa: F401
