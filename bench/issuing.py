"""Measure the issue worker: documents per second and per-document latency, and what issuing costs to import.

Run with `python bench/issuing.py [N]`. Every resource of template.yaml is created in moto in this
process (as the tests do), N applications are stored APPROVED, and each issue job goes through the
issue function's Lambda handler as one SQS record: read, sign with KMS, render the PDF, store it in
S3, commit the transaction, queue the e-mail. Prints a Markdown report for bench/README.md.
"""

import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from devstack import resources as res  # noqa: E402
from devstack.lambda_runtime import LocalContext  # noqa: E402
from devstack.seed import seed_catalogue  # noqa: E402
from devstack.template import load_template  # noqa: E402

REGION = "ap-southeast-3"
IMPORT_RUNS = 5
IMPORTS = {
    "boto3": "import boto3",
    "issue function (routes, worker entry)": "import functions.issue.app",
    "issue function + the PDF path (fpdf2, qrcode)": "import functions.issue.app, fpdf, qrcode",
}


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def import_ms(statement: str) -> float:
    """Run an import in a fresh interpreter and return the milliseconds it took."""
    code = f"import time; t = time.perf_counter(); {statement}; print((time.perf_counter() - t) * 1000)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def approved_applications(db, tables, count: int) -> list[str]:
    """Store `count` applications already APPROVED (the state an approval leaves), return their ids."""
    from functions.shared.applications import ApplicationRecord, Status, create_application, new_tracking_number

    now = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    ids = []
    for _ in range(count):
        record = ApplicationRecord.model_validate(
            {
                "id": new_tracking_number(now),
                "service_id": "iptm_perpanjangan",
                "status": Status.APPROVED,
                "applicant": {
                    "nik": "3171010101900001",
                    "name": "Siti Rahayu",
                    "email": "siti@example.id",
                    "phone": "+62 812 3456 7890",
                },
                "history": [{"status": "APPROVED", "at": now.isoformat(), "actor": "officer:bench"}],
                "submitted_at": now.isoformat(),
                "updated_at": now.isoformat(),
            }
        )
        create_application(db, tables, record)
        ids.append(record.id)
    return ids


def sqs_record(body: str) -> dict:
    """One SQS record as Lambda hands it over."""
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "x",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{res.ACCOUNT_ID}:issue-jobs",
        "awsRegion": REGION,
    }


def bench_worker(count: int) -> list[str]:
    """Issue `count` documents one SQS record at a time; return the report's rows."""
    for name, value in res.fake_aws_environment().items():
        os.environ[name] = value
    os.environ.pop("AWS_ENDPOINT_URL", None)
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        created, _, environment = res.provision(session, load_template(), "bench", "https://satupintu.example")
        os.environ.update(environment)
        os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # one INFO line per document is not what is measured
        seed_catalogue(session.resource("dynamodb").Table(created.refs["CatalogueTable"]))
        from functions.issue import app
        from functions.shared.applications import Tables

        tables = Tables(applications=created.refs["ApplicationsTable"], stats=created.refs["StatsTable"])
        ids = approved_applications(session.client("dynamodb"), tables, count + 3)
        jobs = [
            json.dumps({"job": "issue_document", "application_id": i, "decision_ref": f"{i}#2", "approved_by": "b"})
            for i in ids
        ]
        for job in jobs[:3]:  # warm: the first render loads fpdf2 and qrcode, the first signature fetches the key
            app.lambda_handler({"Records": [sqs_record(job)]}, LocalContext(function_name="IssueFunction"))
        times = []
        started = time.perf_counter()
        for job in jobs[3:]:
            t = time.perf_counter()
            result = app.lambda_handler({"Records": [sqs_record(job)]}, LocalContext(function_name="IssueFunction"))
            times.append((time.perf_counter() - t) * 1000)
            assert result["batchItemFailures"] == [], result
        total = time.perf_counter() - started
        sizes = [
            o["Size"] for o in session.client("s3").list_objects_v2(Bucket=created.refs["DocumentsBucket"])["Contents"]
        ]
    return [
        "| documents | per second | p50 ms | p99 ms | max ms | PDF size (median) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {count} | {count / total:.1f} | {percentile(times, 50):.0f} | {percentile(times, 99):.0f} "
        f"| {max(times):.0f} | {statistics.median(sizes) / 1024:.0f} KiB |",
    ]


def bench_imports() -> list[str]:
    """Cold import of the issue function with and without the PDF path, against `import boto3`."""
    rows = ["| import | min ms | median ms | min / boto3 min |", "| --- | ---: | ---: | ---: |"]
    floor = None
    for label, statement in IMPORTS.items():
        times = [import_ms(statement) for _ in range(IMPORT_RUNS)]
        floor = floor or min(times)
        rows.append(f"| {label} | {min(times):.0f} | {statistics.median(times):.0f} | {min(times) / floor:.2f} |")
    return rows


def main() -> None:
    """Run both measurements and print the report."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print(
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.\n"
    )
    print("### Issue worker (moto in-process, one SQS record per invocation, sequential)\n")
    print("\n".join(bench_worker(count)))
    print("\n### Cold imports of the issue function\n")
    print("\n".join(bench_imports()))


if __name__ == "__main__":
    main()
