"""`make erase`: erase one person's personal data on request, on the local stack or a deployed stage.

The same rules as the admin's route (POST /api/officer/erasures): functions/shared/erasure.py. The NIK is asked
for without echo, so it is in no shell history, no process list and no log; the reason must name nobody (a letter
number is best). `--backfill` gives the items written before the person indexes existed their HMACs (once, after
upgrading: it scans the applications, bookings, consultations and drafts tables).
"""

import argparse
import getpass
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import boto3

from functions.shared import clock, erasure

STATE_FILE = Path(".local/stack.json")
# Stack outputs, by the logical id of what they name.
OUTPUTS = {
    "ApplicationsTable": "ApplicationsTableName",
    "BookingsTable": "BookingsTableName",
    "ConsultationsTable": "ConsultationsTableName",
    "DocumentsTable": "DocumentsTableName",
    "UploadsTable": "UploadsTableName",
    "ErasuresTable": "ErasuresTableName",
    "DraftsTable": "DraftsTableName",
    "UploadsBucket": "UploadsBucketName",
    "DocumentsBucket": "DocumentsBucketName",
    "AccessTokenKey": "AccessTokenKeyId",
}


def stores_for(names: dict[str, str], session: Any, endpoint_url: str | None = None) -> erasure.Stores:
    """Return the tables, buckets and key of one stack, by logical id."""
    dynamodb = session.resource("dynamodb", endpoint_url=endpoint_url)
    return erasure.Stores(
        db=session.client("dynamodb", endpoint_url=endpoint_url),
        applications=dynamodb.Table(names["ApplicationsTable"]),
        bookings=dynamodb.Table(names["BookingsTable"]),
        consultations=dynamodb.Table(names["ConsultationsTable"]),
        documents=dynamodb.Table(names["DocumentsTable"]),
        uploads=dynamodb.Table(names["UploadsTable"]),
        erasures=dynamodb.Table(names["ErasuresTable"]),
        drafts=dynamodb.Table(names["DraftsTable"]),
        s3=session.client("s3", endpoint_url=endpoint_url),
        uploads_bucket=names["UploadsBucket"],
        documents_bucket=names["DocumentsBucket"],
        kms=session.client("kms", endpoint_url=endpoint_url),
        access_token_key_id=names["AccessTokenKey"],
    )


def _stage_stores(stage: str, stack_name: str | None) -> erasure.Stores:
    stacks = boto3.client("cloudformation").describe_stacks(StackName=stack_name or f"satupintu-{stage}")
    values = {o["OutputKey"]: o["OutputValue"] for o in stacks["Stacks"][0]["Outputs"]}
    return stores_for({logical: values[output] for logical, output in OUTPUTS.items()}, boto3.session.Session())


def _local_stores() -> erasure.Stores:
    if not STATE_FILE.exists():
        sys.exit("The local stack is not running (no .local/stack.json): start it with `make dev`.")
    state = json.loads(STATE_FILE.read_text())
    # moto's fixed credentials: the local stack accepts any, and these reach nothing else.
    session = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106
        region_name=state["region"],
    )
    return stores_for(state["resources"], session, state["aws_endpoint_url"])


def read_nik(prompt: Any = getpass.getpass) -> str:
    """Ask for the NIK without echoing it, twice, until both are the same 16 digits."""
    while True:
        first = prompt("NIK (16 digit, tidak ditampilkan / not shown): ").strip()
        if not re.fullmatch(r"\d{16}", first):
            print("NIK harus 16 digit / a NIK is 16 digits.", file=sys.stderr)
            continue
        if prompt("Ulangi / again: ").strip() == first:
            return first
        print("Tidak sama / they differ.", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Erase one person (asking for the NIK), or backfill the person indexes."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", help="a deployed stage; omit for the running local stack")
    parser.add_argument("--stack-name", help="CloudFormation stack name (default satupintu-<stage>)")
    parser.add_argument("--reason", help="what the request rests on, naming nobody (e.g. a letter number)")
    parser.add_argument("--email", action="append", default=[], help="a further address of the person (repeatable)")
    parser.add_argument("--backfill", action="store_true", help="give older items their person-index HMACs")
    args = parser.parse_args(argv)
    stores = _stage_stores(args.stage, args.stack_name) if args.stage else _local_stores()
    if args.backfill:
        print(json.dumps({"backfilled": erasure.backfill_person_index(stores)}, indent=2))
        return
    if not args.reason or len(args.reason.strip()) < 5:
        parser.error("--reason is required (at least 5 characters, naming nobody)")
    operator = os.environ.get("USER") or "operator"
    done = erasure.erase_person(
        stores, read_nik(), args.reason.strip(), by=f"operator:{operator}", now=clock.now(), emails=tuple(args.email)
    )
    print(json.dumps(done.answer(), indent=2))


if __name__ == "__main__":
    main()
