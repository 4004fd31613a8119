"""The issue function's entry point: issue jobs from SQS, and HTTP events through a resolver built on first use."""

import json

from functions.issue import app


def test_an_http_event_is_routed_by_the_resolver_built_on_first_use(aws, lambda_context):
    # Given a warm instance that has only run the worker so far
    app.http_app.cache_clear()
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/documents/no-such-route",
        "rawQueryString": "",
        "headers": {},
        "requestContext": {"http": {"method": "GET", "path": "/api/documents/no-such-route"}, "stage": "$default"},
        "isBase64Encoded": False,
    }
    # When
    result = app.lambda_handler(event, lambda_context)
    # Then the shared resolver answers, in the API's error shape, and is kept for the next event
    assert result["statusCode"] == 404
    assert json.loads(result["body"])["error"]["code"] == "not_found"
    assert app.http_app() is app.http_app()


def test_an_issue_job_that_cannot_be_read_is_reported_failed_so_it_is_kept(aws, lambda_context):
    # Given
    event = {
        "Records": [
            {
                "messageId": "job-0001",
                "receiptHandle": "r",
                "body": "{}",
                "attributes": {},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-southeast-3:123456789012:issue-jobs",
            }
        ]
    }
    # When
    result = app.lambda_handler(event, lambda_context)
    # Then: reported as a failure, so SQS delivers it again and in the end keeps it in the dead-letter queue
    assert result == {"batchItemFailures": [{"itemIdentifier": "job-0001"}]}
