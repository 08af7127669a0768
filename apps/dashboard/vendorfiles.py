"""plotly.js as one of the project's static files: the plotly Python package ships the bundled
script, so the dashboard serves that copy (through ``collectstatic`` or WhiteNoise's finders)
and never asks a CDN for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, overload

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage

PLOTLY_FILE = "plotly.min.js"
PLOTLY_PREFIX = "dashboard/vendor"
PLOTLY_STATIC_PATH = f"{PLOTLY_PREFIX}/{PLOTLY_FILE}"


def _package_data() -> Path:
    return Path(plotly.__file__).resolve().parent / "package_data"


class _PrefixedStorage(FileSystemStorage):
    # collectstatic and WhiteNoise put a storage's files under its ``prefix``.
    prefix = PLOTLY_PREFIX


class PlotlyFinder(BaseFinder):
    """Finds ``dashboard/vendor/plotly.min.js`` in the installed plotly package."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = _PrefixedStorage(location=str(_package_data()))

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return []

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        found = str(_package_data() / PLOTLY_FILE) if path == PLOTLY_STATIC_PATH else None
        if find_all:
            return [] if found is None else [found]
        return found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        yield PLOTLY_FILE, self.storage
