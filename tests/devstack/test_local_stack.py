"""Smoke test: the local stack starts as `make dev` starts it, answers over HTTP, stops on Ctrl-C, starts again."""

import json
import time
from pathlib import Path

import pytest
import requests

from devstack.process import start_stack, stop_stack

pytestmark = pytest.mark.stack


def test_the_stack_serves_the_catalogue_sites_site_and_mailbox_then_stops_cleanly_twice(tmp_path):
    for run in (1, 2):
        # Given
        state = tmp_path / f"stack-{run}.json"
        stack = start_stack(state, tmp_path / f"stack-{run}.log")
        try:
            info = stack.info
            # Then: the state file has what DESIGN.md lists
            for field in (
                "site_url",
                "api_url",
                "mailbox_url",
                "aws_endpoint_url",
                "region",
                "user_pool_id",
                "user_pool_client_id",
                "officer",
                "admin",
            ):
                assert info[field], field
            assert info["api_url"] == info["site_url"].rstrip("/") + "/api"
            assert all(url.startswith("http://127.0.0.1:") for url in (info["site_url"], info["aws_endpoint_url"]))

            services = requests.get(f"{stack.api_url}/services", timeout=10).json()["services"]
            assert len(services) >= 20
            assert len(requests.get(f"{stack.api_url}/sites", timeout=10).json()["sites"]) == 318
            home = requests.get(stack.site_url, timeout=10)
            assert home.status_code == 200 and "<html" in home.text.lower()
            assert requests.get(f"{stack.mailbox_url}.json", timeout=10).json() == []
            assert requests.get(f"{stack.api_url}/no-such-route", timeout=10).status_code == 404
            document = requests.get(f"{stack.api_url}/openapi.json", timeout=10).json()
            assert document["openapi"].startswith("3.")
            processes = stack.process_ids()
            assert len(processes) > 1, "the functions run in processes of their own"
        finally:
            # When: Ctrl-C
            code = stop_stack(stack)
        # Then
        assert code == 0, stack.log_path.read_text()[-3000:]
        assert not state.exists(), "the state file is removed on a clean stop"
        assert not [pid for pid in processes if Path(f"/proc/{pid}").exists()], "no function instance outlives it"


def test_officer_login_from_the_state_file_gets_a_token_the_gateway_accepts(local_stack):
    # Given
    info = local_stack.info
    cognito = local_stack.client("cognito-idp")
    # When
    result = cognito.initiate_auth(
        ClientId=info["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": info["officer"]["username"], "PASSWORD": info["officer"]["password"]},
    )["AuthenticationResult"]
    # Then
    claims = json.loads(__import__("base64").urlsafe_b64decode(result["AccessToken"].split(".")[1] + "==").decode())
    assert "officer" in claims["cognito:groups"]


def test_the_gateway_gzips_text_as_cloudfront_does(local_stack):
    # When
    plain = requests.get(f"{local_stack.api_url}/sites", headers={"Accept-Encoding": "identity"}, timeout=10)
    zipped = requests.get(f"{local_stack.api_url}/sites", headers={"Accept-Encoding": "gzip"}, timeout=10)
    # Then
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.json() == plain.json()
    assert int(zipped.headers["Content-Length"]) < len(plain.content) / 3


def _environment(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    return dict(entry.split("=", 1) for entry in raw.split("\0") if "=" in entry)


def test_each_function_runs_in_processes_of_its_own_with_its_own_environment(local_stack):
    # Given: a route of the submit function and one of the queue function answered
    assert requests.get(f"{local_stack.api_url}/services", timeout=30).status_code == 200
    assert requests.get(f"{local_stack.api_url}/sites/mpp-dki", timeout=30).status_code == 200
    # When: the stack's processes are listed (the warm instances may still be starting)
    deadline = time.monotonic() + 30
    while True:
        instances = {
            pid: env
            for pid in local_stack.process_ids()[1:]
            if "AWS_LAMBDA_FUNCTION_NAME" in (env := _environment(pid))
        }
        names = {env["AWS_LAMBDA_FUNCTION_NAME"] for env in instances.values()}
        if names >= {"SubmitFunction", "QueueFunction", "IssueFunction", "NotifyFunction"}:
            break
        assert time.monotonic() < deadline, names
        time.sleep(0.5)
    # Then: every instance has its function's service name and the template's metric namespace
    for env in instances.values():
        assert env["POWERTOOLS_SERVICE_NAME"] == env["AWS_LAMBDA_FUNCTION_NAME"].removesuffix("Function").lower()
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "SatuPintu"
        assert env["AWS_ENDPOINT_URL"] == local_stack.info["aws_endpoint_url"]
        # ... and only its own function's variables: the sender address is the notify function's alone
        assert ("SENDER_EMAIL" in env) == (env["AWS_LAMBDA_FUNCTION_NAME"] == "NotifyFunction")
    assert local_stack.process.pid not in instances
