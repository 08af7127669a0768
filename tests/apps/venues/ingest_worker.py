"""A separate OS process pulling one venue for a few cycles (no database: pulls only).

Usage: python ingest_worker.py '<plan json>' <cycles>; prints a JSON count of outcome kinds.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskmonitor.settings")


def main() -> None:
    import django

    django.setup()
    from apps.venues.ingest.cycle import call_pool
    from apps.venues.ingest.plan import AccountPlan, InstrumentRef, VenuePlan
    from apps.venues.ingest.pull import pull_exchange
    from riskmonitor.lib.clock import now_ms

    raw = json.loads(sys.argv[1])
    kinds: Counter[str] = Counter()
    for _ in range(int(sys.argv[2])):
        plan = VenuePlan(**{
            **raw, "now_ms": now_ms(), "period_start": datetime.now(tz=UTC),
            "instruments": [InstrumentRef(**i) for i in raw["instruments"]],
            "accounts": [AccountPlan(**a) for a in raw["accounts"]],
        })  # fmt: skip
        for outcome in pull_exchange(plan, call_pool()).outcomes:
            kinds[outcome.error.kind if outcome.error else "ok"] += 1
    print(json.dumps(kinds), flush=True)


if __name__ == "__main__":
    main()
