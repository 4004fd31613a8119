"""What the issuing tests share: the issue job an approval queues, the worker, the QR read back from the PDF."""

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import jwt

from functions.issue.qr import from_digits

REGION = "ap-southeast-3"


def issue_job(application_id: str, decision_ref: str | None = None, approved_by: str = "petugas") -> str:
    """Return the message an approval puts on the issue-jobs queue, exactly as the officer decisions write it."""
    return json.dumps(
        {
            "job": "issue_document",
            "application_id": application_id,
            "decision_ref": decision_ref or f"{application_id}#3",
            "approved_by": approved_by,
        }
    )


@dataclass
class IssueWorker:
    """Runs the issue function over the issue-jobs queue, as Lambda's event source mapping would."""

    resources: Any
    sqs: Any

    def put(self, body: str) -> None:
        """Put one message on the issue-jobs queue."""
        self.sqs.send_message(QueueUrl=self.resources.refs["IssueJobsQueue"], MessageBody=body)

    def poller(self) -> Any:
        """Return a poller feeding the issue function (failures visible again at once)."""
        from devstack.lambda_runtime import Functions
        from devstack.pollers import QueuePoller
        from devstack.template import load_template, queue_sources
        from functions.issue import app

        app.issuer.cache_clear()
        template = load_template()
        (source,) = [s for s in queue_sources(template) if s.function == "IssueFunction"]
        return QueuePoller(
            source,
            self.resources.refs[source.queue],
            self.resources.attrs[(source.queue, "Arn")],
            self.sqs,
            Functions(template),
            retry_delay_s=0,
        )

    def run(self, polls: int = 1) -> int:
        """Poll the queue `polls` times (stopping early when it is empty); return how many messages were handled."""
        poller = self.poller()
        handled = 0
        for _ in range(polls):
            got = poller.poll_once()
            handled += got
            if got == 0:
                break
        return handled

    def in_queue(self, queue: str = "IssueJobsQueue") -> int:
        """How many messages a queue holds, visible or in flight."""
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        counts = self.sqs.get_queue_attributes(QueueUrl=self.resources.refs[queue], AttributeNames=names)
        return sum(int(v) for v in counts["Attributes"].values())


def read_qr_from_pdf(pdf: bytes) -> str:
    """Render the PDF's page with poppler and decode its QR code with zbar; return the text it holds."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "permit.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(Path(folder) / "page")], check=True)
        (page,) = sorted(Path(folder).glob("page*.png"))
        out = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
            check=True,
            capture_output=True,
            text=True,
        )
    return out.stdout.strip()


def token_of(url: str) -> str:
    """Return the JWS a verify link carries: its fragment, read back from digits when it is all digits."""
    fragment = url.split("#", 1)[1]
    return from_digits(fragment) if fragment.isdigit() else fragment


def verify_with_jwks(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """Verify a compact JWS with PyJWT against a JWKS (the key chosen by `kid`); return its payload."""
    kid = jwt.get_unverified_header(token)["kid"]
    (key,) = [k for k in jwks["keys"] if k["kid"] == kid]
    public = jwt.PyJWK.from_dict(key).key
    return json.loads(jwt.api_jws.decode(token, public, algorithms=["ES256"]))


def pdf_pages(pdf: bytes) -> int:
    """Return how many pages a PDF has, as pdfinfo reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(["pdfinfo", handle.name], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def sqs_client() -> Any:
    """Return an SQS client on moto."""
    return boto3.client("sqs", region_name=REGION)
