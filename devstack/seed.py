"""`make seed`: load the service catalogue and the service points, into the local stack or a deployed stage."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import boto3

from functions.shared.catalogue import put_catalogue

STATE_FILE = Path(".local/stack.json")


def seed_catalogue(table: Any) -> tuple[int, int]:
    """Write every service and service point into the catalogue table; return how many of each."""
    from seed.catalogue import build_sites, load_services

    services, sites = load_services(), build_sites()
    put_catalogue(table, services, sites)
    return len(services), len(sites)


def _table_for_stage(stage: str, stack_name: str | None) -> Any:
    outputs = boto3.client("cloudformation").describe_stacks(StackName=stack_name or f"satupintu-{stage}")
    values = {o["OutputKey"]: o["OutputValue"] for o in outputs["Stacks"][0]["Outputs"]}
    return boto3.resource("dynamodb").Table(values["CatalogueTableName"])


def _table_for_local_stack() -> Any:
    if not STATE_FILE.exists():
        sys.exit("The local stack is not running (no .local/stack.json): start it with `make dev`.")
    state = json.loads(STATE_FILE.read_text())
    session = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=state["region"],
    )
    dynamodb = session.resource("dynamodb", endpoint_url=state.get("dynamodb_endpoint_url", state["aws_endpoint_url"]))
    return dynamodb.Table(state["resources"]["CatalogueTable"])


def main() -> None:
    """Seed the local stack, or with --stage a deployed one (AWS credentials from the environment)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", help="a deployed stage; omit for the running local stack")
    parser.add_argument("--stack-name", help="CloudFormation stack name (default satupintu-<stage>)")
    args = parser.parse_args()
    table = _table_for_stage(args.stage, args.stack_name) if args.stage else _table_for_local_stack()
    services, sites = seed_catalogue(table)
    print(f"Seeded {services} services and {sites} service points into {table.name}.")


if __name__ == "__main__":
    main()
