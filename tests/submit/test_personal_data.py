"""The NIK stays in the applications table: never in a log line, an S3 key, a queue message or an answer."""

import logging

import boto3

from tests.kits.submit_kit import REGION, VALID_NIK


def test_the_nik_reaches_no_log_key_message_or_response(citizen, aws, capfd, caplog, queued):
    # Given: the function's own and Powertools' logs at their most talkative (the SDK's wire log is not
    # the function's: it would print every request body, so it stays off, as Lambda leaves it)
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="aws_lambda_powertools")
    body = citizen.body()
    wrong = {**body, "applicant": {**body["applicant"], "nik": "3171010101900000"}}
    # When: a refused and an accepted submission, a replay, and the tracking page
    answers = [citizen.submit(wrong), citizen.submit(body, key="key-pd-0001"), citizen.submit(body, key="key-pd-0001")]
    receipt = answers[1].body
    answers.append(citizen.track(receipt["id"], receipt["access_token"]))
    # Then
    logs = capfd.readouterr()
    assert VALID_NIK not in logs.out + logs.err + caplog.text
    assert "3171010101900000" not in logs.out + logs.err + caplog.text
    assert all(VALID_NIK not in str(a.body) and VALID_NIK not in str(a.headers) for a in answers)
    s3 = boto3.client("s3", region_name=REGION)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=aws.refs["UploadsBucket"]).get("Contents", [])]
    assert keys and not any(VALID_NIK in key for key in keys)
    assert VALID_NIK not in str(queued())
