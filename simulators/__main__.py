"""Command line: `python -m simulators {exchange,custodian} --scenario FILE [--port N] ...`."""

from __future__ import annotations

import argparse
import sys

from simulators.scenario import ScenarioError, load_scenario
from simulators.server import App, serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulators")
    sub = parser.add_subparsers(dest="kind", required=True)
    for kind in ("exchange", "custodian"):
        p = sub.add_parser(kind)
        p.add_argument("--scenario", required=True, help="scenario YAML file")
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument(
            "--port",
            type=int,
            default=9101 if kind == "exchange" else 9201,
            help="0 picks a free port (read it from the 'listening on' line)",
        )
        p.add_argument("--seed", type=int, default=42, help="price path seed")
    sub.choices["exchange"].add_argument("--name", required=True, help="exchange in the scenario")
    return parser


def _app(args: argparse.Namespace) -> App:
    scenario = load_scenario(args.scenario)
    if args.kind == "exchange":
        from simulators.exchange.app import ExchangeApp
        from simulators.exchange.venue import Venue

        return ExchangeApp(Venue(scenario, args.name, args.seed))
    from simulators.custodian.app import CustodianApp

    if scenario.custodian is None:
        raise ScenarioError("custodian: missing from scenario")
    return CustodianApp(scenario.custodian, args.seed)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        app = _app(args)
    except (ScenarioError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    serve(app, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
