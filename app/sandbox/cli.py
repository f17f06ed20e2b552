"""`packdesk sandbox ...`: serve a sandbox store until Ctrl+C / SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from .config import SandboxConfig


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback by default)")
    parser.add_argument("--orders", type=int, default=250, help="orders to generate (up to 100000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the data generator")
    parser.add_argument("--rate-limit", type=int, default=None, choices=(5, 10, 20, 50),
                        help="calls per 10 s per token (default: off)")
    parser.add_argument("--retry-after", choices=("seconds", "http-date"), default="seconds",
                        help="format of Retry-After on 429")
    parser.add_argument("--latency-ms", type=int, default=0, help="delay added to API calls")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of 500 answers (0-1)")
    parser.add_argument("--state", default=None, metavar="FILE",
                        help="SQLite file keeping the store across restarts (default: memory)")
    parser.add_argument("--token", default=None, help="access token to accept (default: random)")
    parser.add_argument("--page-cap", type=int, default=0, metavar="N",
                        help="serve at most N records per list page, select_many too (0 = off)")
    parser.add_argument("--poison-orders", type=int, default=0, metavar="N",
                        help="the newest N orders each get one kind of bad data (null lines, "
                             "odd quantities, no ship-to, ...)")
    parser.add_argument("--truncate-rate", type=float, default=0.0,
                        help="share of JSON answers cut short (0-1)")


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    return SandboxConfig(orders=args.orders, seed=args.seed, rate_limit=args.rate_limit,
                         retry_after_style=args.retry_after, latency_ms=args.latency_ms,
                         fail_rate=args.fail_rate, state_path=args.state, port=args.port,
                         host=args.host, token=args.token, page_cap=args.page_cap,
                         poison_orders=args.poison_orders, truncate_rate=args.truncate_rate)


def run(args: argparse.Namespace) -> int:
    from .server import Sandbox

    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _on_signal)
    print(f"Generating the sandbox store ({args.orders} orders, seed {args.seed})...", flush=True)
    with Sandbox(config_from_args(args)) as sandbox:
        print(f"Sandbox store ready.\n  store domain: {sandbox.domain}\n"
              f"  access token: {sandbox.token}\n  control key:  {sandbox.control_key}"
              + "".join(f"\n  OAuth app:    client_id {cid}, secret {secret}"
                        for cid, secret in sandbox.config.oauth_clients.items())
              + "\nPress Ctrl+C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    print("Sandbox stopped.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="packdesk sandbox",
                                     description="Serve a simulated AmeriCommerce store.")
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
