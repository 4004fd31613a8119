"""Logger and Metrics shared by every function (service name from POWERTOOLS_SERVICE_NAME).

No Powertools Tracer: importing the X-Ray SDK costs about 150 ms of every cold start (bench/README.md).
The template keeps `Tracing: Active`, so Lambda still records each invocation's trace segment.
"""

import logging

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()

# At DEBUG the AWS SDK logs whole request bodies, personal data included: never let it go below INFO.
for _sdk in ("boto3", "botocore", "urllib3"):
    logging.getLogger(_sdk).setLevel(max(logging.INFO, logging.getLogger(_sdk).getEffectiveLevel()))
