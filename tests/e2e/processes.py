"""Helpers for end-to-end tests that start the real system as a user does (``make run``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def http_json(url: str, timeout: float = 3.0, token: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def wait_for_health(url: str, deadline_s: float, want_status: int = 200) -> dict[str, Any]:
    end = time.monotonic() + deadline_s
    last: Any = None
    while time.monotonic() < end:
        try:
            status, body = http_json(url)
            last = (status, body)
            if status == want_status:
                return dict(body)
        except (OSError, ValueError) as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"{url} never answered {want_status}; last: {last}")


def process_tree(root: int) -> dict[int, str]:
    """Every live descendant of ``root`` (pid -> command). Walked by parent pid, not by session:
    honcho starts each Procfile process in a session of its own."""
    out = subprocess.run(
        ["ps", "-eo", "pid=,ppid=,stat=,args="], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split(None, 3) for line in out.splitlines() if line.strip()]
    children: dict[int, list[tuple[int, str]]] = {}
    for pid, ppid, _stat, args in (r for r in rows if len(r) == 4 and not r[2].startswith("Z")):
        children.setdefault(int(ppid), []).append((int(pid), args))
    found: dict[int, str] = {}
    pending = [root]
    while pending:
        for pid, args in children.get(pending.pop(), []):
            found[pid] = args
            pending.append(pid)
    return found


def alive(pids: list[int]) -> list[int]:
    left = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        left.append(pid)
    return left


@contextmanager
def make_run(env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Starts ``make run`` in its own session; on exit sends Ctrl-C (SIGINT) to the group."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
