"""Logger and Metrics shared by every function (service name from POWERTOOLS_SERVICE_NAME).

No Powertools Tracer: importing the X-Ray SDK costs about 150 ms of every cold start (bench/README.md).
The template keeps `Tracing: Active`, so Lambda still records each invocation's trace segment.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()


@contextmanager
def after_commit(step: str) -> Iterator[None]:
    """Run a step that follows a committed write: a failure is logged, never raised, because the write stands.

    An error here would answer 500 for a change that was made, and the client's retry would then fail on it.
    """
    try:
        yield
    except Exception as error:
        with suppress(Exception):  # the log itself may be what failed
            logger.error("step after commit failed", extra={"step": step, "error_type": type(error).__name__})


# At DEBUG the AWS SDK logs whole request bodies, personal data included: never let it go below INFO.
for _sdk in ("boto3", "botocore", "urllib3"):
    logging.getLogger(_sdk).setLevel(max(logging.INFO, logging.getLogger(_sdk).getEffectiveLevel()))
