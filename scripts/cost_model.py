"""The cost model of docs/cost.md: per 100,000 applications and per 100,000 bookings, from the requests each makes.

Every figure of the doc comes from the tables below: the requests each step of a journey makes (counted from the
code, step by step, in docs/cost.md), the share of journeys that take the step, and the list prices. Run
`make cost` (or `python scripts/cost_model.py`) to print the doc's tables again after changing any of them.
"""

import argparse
from dataclasses import dataclass, field

PRICES_READ_ON = "2 December 2026"
MEMORY_GB = 1.0  # template.yaml Globals: MemorySize 1024, arm64
PER = 100_000


@dataclass(frozen=True)
class Price:
    """A list price: `usd` per `per` units of `unit`."""

    unit: str
    usd: float
    per: float
    source: str


# US dollars, ap-southeast-3 (Jakarta) where it differs from us-east-1 as far as known; every one must be checked
# on the AWS pricing pages before a budget relies on it. No free tier is subtracted.
PRICES: dict[str, Price] = {
    "lambda_requests": Price("invocations", 0.20, 1e6, "Lambda, requests"),
    "lambda_gb_s": Price("GB-seconds", 0.0000133334, 1, "Lambda arm64, duration"),
    "api_requests": Price("requests", 1.00, 1e6, "API Gateway HTTP API, first 300 million a month"),
    "dynamodb_wru": Price("write request units", 0.7125, 1e6, "DynamoDB on-demand writes (Asia Pacific)"),
    "dynamodb_rru": Price("read request units", 0.1425, 1e6, "DynamoDB on-demand reads (Asia Pacific)"),
    "sqs_requests": Price("requests", 0.40, 1e6, "SQS standard queue"),
    "s3_put": Price("PUT, COPY, POST, LIST requests", 0.0055, 1_000, "S3 Standard (Asia Pacific)"),
    "s3_get": Price("GET, HEAD requests", 0.00044, 1_000, "S3 Standard (Asia Pacific)"),
    "ses_emails": Price("e-mails", 0.10, 1_000, "SES outbound"),
    "kms_symmetric": Price("requests (GenerateMac)", 0.03, 10_000, "KMS, symmetric and HMAC requests"),
    "kms_sign": Price("requests (Sign, ECC P-256)", 0.15, 10_000, "KMS, asymmetric requests"),
    "cloudfront_requests": Price("HTTPS requests", 0.012, 10_000, "CloudFront, Indonesia"),
    "cloudfront_gb": Price("GB out", 0.140, 1, "CloudFront, Indonesia, first 10 TB"),
    "logs_gb": Price("GB ingested", 0.66, 1, "CloudWatch Logs (Asia Pacific)"),
}
RESOURCES = tuple(PRICES)
# Bytes each invocation writes to CloudWatch Logs (Powertools' JSON lines and Lambda's START/END/REPORT).
LOG_BYTES_PER_INVOCATION = 1_500


@dataclass(frozen=True)
class Step:
    """One request a journey makes, and what it costs in each resource, per time it is made."""

    name: str
    share: float = 1.0  # of journeys that make it (times per journey, may exceed 1)
    lambda_ms: float = 0.0  # 0: no function runs
    api: int = 0
    wru: float = 0.0
    rru: float = 0.0
    sqs: int = 0
    s3_put: int = 0
    s3_get: int = 0
    emails: int = 0
    kms_symmetric: int = 0
    kms_sign: int = 0
    cf_requests: int = 0
    cf_kb: float = 0.0


@dataclass(frozen=True)
class Journey:
    """A journey (one application, one booking) as the steps it takes."""

    name: str
    steps: tuple[Step, ...] = field(default_factory=tuple)


def usage(step: Step) -> dict[str, float]:
    """Return what one making of a step uses, in the units of PRICES."""
    invocations = 1 if step.lambda_ms else 0
    return {
        "lambda_requests": invocations,
        "lambda_gb_s": step.lambda_ms / 1000 * MEMORY_GB,
        "api_requests": step.api,
        "dynamodb_wru": step.wru,
        "dynamodb_rru": step.rru,
        "sqs_requests": step.sqs,
        "s3_put": step.s3_put,
        "s3_get": step.s3_get,
        "ses_emails": step.emails,
        "kms_symmetric": step.kms_symmetric,
        "kms_sign": step.kms_sign,
        "cloudfront_requests": step.cf_requests + step.api,
        "cloudfront_gb": step.cf_kb / 1024 / 1024,
        "logs_gb": invocations * LOG_BYTES_PER_INVOCATION / 1024**3,
    }


def journey_usage(journey: Journey, journeys: float = 1) -> dict[str, float]:
    """Return what `journeys` journeys use of each resource."""
    total = dict.fromkeys(RESOURCES, 0.0)
    for step in journey.steps:
        for resource, amount in usage(step).items():
            total[resource] += amount * step.share * journeys
    return total


def cost(amounts: dict[str, float]) -> dict[str, float]:
    """Return the US dollars each resource's amount costs at PRICES."""
    return {resource: amounts[resource] * PRICES[resource].usd / PRICES[resource].per for resource in RESOURCES}


# ---------------------------------------------------------------------------------------------------------------
# The journeys, counted from the code (docs/cost.md says where each count comes from)
# ---------------------------------------------------------------------------------------------------------------
# A DynamoDB write costs one unit per KB (rounded up); in a transaction, two. Reads: one unit per 4 KB strongly
# consistent, half that eventually consistent; in a transaction, two.
TX = 2
DOCUMENTS = 3  # documents per application (the catalogue's services ask for 1 to 6; 3 is typical)
APP_KB = 3  # an application item with its history, form values and documents
# Durations: warm invocations at 1024 MB arm64, assumed from the local measurements (bench/README.md) — the
# gateway answers a catalogue read in 7-11 ms locally; the issue worker's p50 is 231 ms under moto on a loaded
# machine. Real DynamoDB and KMS calls take a few ms each; the figures below round up.
MS_READ, MS_WRITE, MS_ISSUE, MS_SEND = 60, 150, 300, 120


def _emails(name: str, share: float) -> Step:
    """Return one kind of e-mail: queued by its producer (whose transaction put it in the outbox) and the outbox
    item deleted, received by notify, claimed and marked SENT in the ledger, its link's token derived, sent."""
    return Step(
        f"{name} e-mail (queued, then sent)",
        share=share,
        lambda_ms=MS_SEND,
        wru=2 + 1,
        sqs=3,
        emails=1,
        kms_symmetric=1,
    )


# Share of applications by outcome, from DKI's first half of 2020: 195,005 issued and 67,077 rejected of 267,188.
ISSUED = 195_005 / 267_188
REJECTED = 67_077 / 267_188
DECIDED = ISSUED + REJECTED
RETURNED = 0.15  # returned once for a missing document (not published; most rejections were incomplete files)

APPLICATION = Journey(
    "application",
    (
        Step("pages: catalogue, service, apply (first visit, then cached)", cf_requests=26, cf_kb=150),
        Step("GET /api/services and /api/services/{id}", share=2, lambda_ms=MS_READ, api=1),
        Step("POST /api/uploads: record the upload", share=DOCUMENTS, lambda_ms=MS_READ, api=1, wru=1),
        Step("the browser's presigned POST to S3", share=DOCUMENTS, s3_put=1),
        Step(
            "POST /api/uploads/{id}/check: record, HEAD, GET",
            share=DOCUMENTS,
            lambda_ms=MS_READ,
            api=1,
            rru=1,
            s3_get=2,
        ),
        Step(
            "POST /api/applications: idempotency (2 writes), 2 rate limits, each upload read and copied, one "
            "transaction (application, claims, outbox, 3 counters)",
            lambda_ms=MS_WRITE,
            api=1,
            wru=2 + 2 + TX * (APP_KB + DOCUMENTS + 1 + 3),
            rru=DOCUMENTS,
            sqs=0,
            s3_put=DOCUMENTS + 1,
            s3_get=2 * DOCUMENTS,
            kms_symmetric=1,
        ),
        _emails("application.submitted", 1),
        Step("pages: track (three visits)", share=3, cf_requests=3, cf_kb=20),
        Step("GET /api/applications/{id}: application and document", share=3, lambda_ms=MS_READ, api=1, rru=2),
        Step(
            "officer: a review queue page (25 applications, index reads) per file handled",
            lambda_ms=MS_READ,
            api=1,
            rru=25 * APP_KB / 4 / 2,
        ),
        Step("officer: claim (read, conditional update)", lambda_ms=MS_READ, api=1, rru=1, wru=APP_KB),
        Step("officer: open the file and its documents", lambda_ms=MS_READ, api=1, rru=1, s3_get=DOCUMENTS),
        Step(
            "officer: start_review (transaction: application, 2 counters)",
            lambda_ms=MS_WRITE,
            api=1,
            rru=1,
            wru=TX * (APP_KB + 2),
        ),
        Step(
            "officer: return (transaction with outbox), e-mail",
            share=RETURNED,
            lambda_ms=MS_WRITE,
            api=1,
            rru=1,
            wru=TX * (APP_KB + 3 + 1),
            sqs=0,
        ),
        _emails("application.returned", RETURNED),
        Step(
            "citizen completes a returned application (uploads as above, transaction)",
            share=RETURNED,
            lambda_ms=MS_WRITE,
            api=1,
            wru=TX * (APP_KB + 1 + 1 + 2) + 2,
            rru=2,
            s3_put=2,
            s3_get=2,
            sqs=0,
        ),
        _emails("application.submitted (again)", RETURNED),
        Step(
            "officer: reject or approve (transaction: application, counters, SLA, outbox; approval: issue job)",
            share=DECIDED,
            lambda_ms=MS_WRITE,
            api=1,
            rru=1,
            wru=TX * (APP_KB + 3 + 1 + 1),
            sqs=1,
        ),
        _emails("application.rejected or .approved", DECIDED),
        Step(
            "issue worker: the job received and deleted, read, index, KMS Sign, PDF to S3, transaction "
            "(application, document, index, outbox, 3 counters)",
            share=ISSUED,
            lambda_ms=MS_ISSUE,
            rru=2,
            wru=TX * (APP_KB + 2 + 1 + 1 + 3),
            sqs=2,
            s3_put=1,
            kms_sign=1,
        ),
        _emails("application.issued", ISSUED),
        Step("citizen downloads the PDF", share=ISSUED, s3_get=1),
        Step(
            "someone verifies the permit's QR (page, verify, status list)",
            share=ISSUED,
            lambda_ms=MS_READ,
            api=2,
            rru=1,
            cf_requests=6,
            cf_kb=40,
        ),
    ),
)

BOOKING_KB = 1
CANCELLED = 0.10  # cancelled or moved (not published)
BOOKING = Journey(
    "booking",
    (
        Step("pages: visit (first visit, then cached)", cf_requests=9, cf_kb=60),
        Step("GET /api/sites and /api/sites/{id}", share=2, lambda_ms=MS_READ, api=1),
        Step("GET /api/sites/{id}/slots (counters of the day)", share=2, lambda_ms=MS_READ, api=1, rru=3),
        Step(
            "POST /api/bookings: site (the instance's cached copy), idempotency (2), rate limit, access token, one "
            "transaction (slot, window, quota, guard, booking, outbox)",
            lambda_ms=MS_WRITE,
            api=1,
            rru=0,
            wru=2 + 1 + TX * (1 + 1 + 1 + 1 + BOOKING_KB + 1),
            sqs=0,
            kms_symmetric=1,
        ),
        _emails("booking.confirmed", 1),
        Step("GET /api/bookings/{id} (the ticket, twice)", share=2, lambda_ms=MS_READ, api=1, rru=1),
        Step(
            "cancel (transaction: booking, guard, 3 counters, outbox), e-mail",
            share=CANCELLED,
            lambda_ms=MS_WRITE,
            api=1,
            rru=2,
            wru=TX * 6,
            sqs=0,
        ),
        _emails("booking.cancelled", CANCELLED),
        Step("the evening's reminder (a day's query, shared; outbox)", share=1 - CANCELLED, rru=0.25, wru=1),
        _emails("booking.reminder", 1 - CANCELLED),
        Step(
            "officer: check-in with the temperature, and check-out",
            share=2 * (1 - CANCELLED),
            lambda_ms=MS_WRITE,
            api=1,
            rru=1,
            wru=TX * 3,
        ),
        Step("occupancy board (a read every 30 s shared by the day's visitors)", lambda_ms=MS_READ, api=1, rru=1),
    ),
)

# What runs whatever the volume, per month (schedules, keys).
FIXED_MONTHLY_USD = {
    "KMS keys (signing, access tokens): 2 x $1": 2.0,
    "scheduled invocations (outbox relay 2 min, issue relay 5 min, no-show 15 min, 2 daily): ~34,600": round(
        34_600 * (PRICES["lambda_requests"].usd / 1e6 + 0.2 * MEMORY_GB * PRICES["lambda_gb_s"].usd), 2
    ),
}

# Storage kept per journey while its retention lasts (functions/shared/retention.py).
S3_GB_MONTH_USD = 0.025
DYNAMODB_GB_MONTH_USD = 0.285
PITR_GB_MONTH_USD = 0.228
UPLOAD_MB = 0.4
PDF_KB = 8


def storage_per_month(applications: float) -> dict[str, float]:
    """Return the monthly US dollars of keeping `applications` applications' files and items."""
    s3_gb = applications * (DOCUMENTS * UPLOAD_MB / 1024 + PDF_KB / 1024**2)
    dynamo_gb = applications * (APP_KB + 2) / 1024**2
    return {
        "S3 (uploads and PDFs)": s3_gb * S3_GB_MONTH_USD,
        "DynamoDB (items)": dynamo_gb * DYNAMODB_GB_MONTH_USD,
        "DynamoDB point-in-time recovery": dynamo_gb * PITR_GB_MONTH_USD,
    }


# ---------------------------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------------------------
def _money(usd: float) -> str:
    return f"${usd:,.2f}"


def _amount(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def journey_table(journey: Journey, journeys: int = PER) -> str:
    """Return a markdown table of what `journeys` journeys use and cost, resource by resource, with the total."""
    amounts = journey_usage(journey, journeys)
    dollars = cost(amounts)
    lines = [
        f"| per {journeys:,} {journey.name}s | amount | unit price | USD |",
        "| --- | ---: | ---: | ---: |",
    ]
    for resource in RESOURCES:
        price = PRICES[resource]
        per = f"{price.per:,.0f} " if price.per != 1 else ""
        lines.append(
            f"| {price.source} | {_amount(amounts[resource])} {price.unit} | ${price.usd:g} per {per}{price.unit} "
            f"| {_money(dollars[resource])} |"
        )
    lines.append(f"| **total** | | | **{_money(sum(dollars.values()))}** |")
    return "\n".join(lines)


def steps_table(journey: Journey) -> str:
    """Return a markdown table of a journey's steps and what each makes, per journey."""
    lines = [
        "| step | share | Lambda ms | API | WRU | RRU | SQS | S3 put | S3 get | e-mail | KMS mac | KMS sign |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in journey.steps:
        lines.append(
            f"| {s.name} | {s.share:.2f} | {s.lambda_ms:g} | {s.api} | {s.wru:g} | {s.rru:g} | {s.sqs} | {s.s3_put} "
            f"| {s.s3_get} | {s.emails} | {s.kms_symmetric} | {s.kms_sign} |"
        )
    return "\n".join(lines)


def total_usd(journey: Journey, journeys: float = PER) -> float:
    """Return what `journeys` journeys cost at PRICES."""
    return sum(cost(journey_usage(journey, journeys)).values())


def main(argv: list[str] | None = None) -> None:
    """Print every table of docs/cost.md."""
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    print(f"Prices as listed on {PRICES_READ_ON} (check them before relying on them).\n")
    for journey in (APPLICATION, BOOKING):
        print(f"### One {journey.name}, step by step\n\n{steps_table(journey)}\n")
        print(f"### Per {PER:,} {journey.name}s\n\n{journey_table(journey)}\n")
    half_year = 267_188
    print("### Jakarta's 2020 volume\n")
    print(f"- {half_year:,} applications in six months: {_money(total_usd(APPLICATION, half_year))} in requests")
    monthly = storage_per_month(half_year / 6)
    print(f"- each month's applications then cost {_money(sum(monthly.values()))} a month to keep, for as long as")
    print("  their retention lasts (" + ", ".join(f"{k} {_money(v)}" for k, v in monthly.items()) + ")")
    for name, usd in FIXED_MONTHLY_USD.items():
        print(f"- fixed: {name}: {_money(usd)} a month")


if __name__ == "__main__":
    main()
