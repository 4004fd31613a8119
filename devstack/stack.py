"""The whole local stack: moto, resources from template.yaml, seed data, gateway, pollers, schedules, users."""

import datetime as dt
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from devstack import resources as res
from devstack.dynamodb_local import DynamoDBLocal
from devstack.gateway import Gateway, security_headers
from devstack.jwt_authorizer import JwtAuthorizer
from devstack.lambda_runtime import CLOCK_SHIFT_VARIABLE, WorkerFunctions, worker_environment
from devstack.mailbox import Mailbox
from devstack.moto_server import MotoServer
from devstack.pollers import QueuePoller, Scheduler
from devstack.template import ROOT, functions, http_routes, load_template, queue_sources, schedule_sources
from devstack.totp import enrol_totp

REGION = res.REGION
OFFICER = {"username": "petugas@satupintu.local", "password": "Petugas-Lokal-2026"}
ADMIN = {"username": "admin@satupintu.local", "password": "Admin-Lokal-2026"}
# An officer who has set up a TOTP app, so the console's sign-in meets the challenge the deployed pool always asks.
# (moto lets a user without one sign in with the password alone, where Cognito would first ask to set one up.)
TOTP_OFFICER = {"username": "petugas-totp@satupintu.local", "password": "Petugas-Totp-2026"}


@dataclass
class StackOptions:
    """How to run the stack: ports (0 picks a free one), stage name, whether to seed, instances per function."""

    host: str = "127.0.0.1"
    port: int = 3000
    aws_port: int = 5100
    stage: str = "local"
    seed: bool = True
    retry_delay_s: int = 2
    # How many instances of one function may run at once (each a process of about 70-90 MB).
    concurrency: int = 2
    # Run the functions as if the stack had started at this moment (their clock then ticks on): a given day's
    # office hours, for a demonstration or a test of the visit day, whatever the machine's date.
    clock_at: dt.datetime | None = None
    # Where the tables live: "moto" (one request at a time) or "dynamodb-local" (Amazon's engine, concurrent writers).
    dynamodb: str = "moto"


class LocalStack:
    """Starts and stops everything `make dev` runs, all on loopback."""

    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        self.template = load_template()
        self.moto: MotoServer | None = None
        self.dynamodb_local: DynamoDBLocal | None = None
        self.functions: WorkerFunctions | None = None
        self.gateway: Gateway | None = None
        self.pollers: list[QueuePoller] = []
        self.scheduler: Scheduler | None = None
        self.resources: res.LocalResources | None = None
        self.info: dict[str, Any] = {}

    def start(self) -> dict[str, Any]:
        """Bring the stack up and return what `.local/stack.json` holds."""
        opts = self.options
        # moto checks TOTP codes only when asked to; the pool requires them (template.yaml), so the stack asks.
        os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"
        self.moto = MotoServer(opts.host, opts.aws_port)
        self.moto.start()
        chosen_log_level = os.environ.get("POWERTOOLS_LOG_LEVEL")
        aws_environment = res.fake_aws_environment(self.moto.url, chosen_log_level or "WARNING")
        if opts.dynamodb == "dynamodb-local":
            self.dynamodb_local = DynamoDBLocal()
            self.dynamodb_local.wait_ready()
            # boto3's endpoint for one service: DynamoDB there, everything else on moto.
            aws_environment["AWS_ENDPOINT_URL_DYNAMODB"] = self.dynamodb_local.endpoint
        elif opts.dynamodb != "moto":
            raise ValueError(f"unknown DynamoDB {opts.dynamodb!r} (moto or dynamodb-local)")
        os.environ.update(aws_environment)
        session = boto3.session.Session(region_name=REGION)

        # The gateway's socket first, so the site URL (and the e-mail links) know its port.
        self.functions = WorkerFunctions(self.template, opts.concurrency)
        mailbox = Mailbox(res.ACCOUNT_ID, REGION)
        self.gateway = Gateway(self.functions, ROOT / "frontend", mailbox, opts.host, opts.port)
        site_url = self.gateway.url

        # The functions run in their own processes, each with its own environment: this one needs none of it.
        # TTL stays off when DynamoDB Local (which expires by this machine's clock) serves a stack with its own clock.
        expire_items = opts.clock_at is None or self.dynamodb_local is None
        self.resources, resolver, _ = res.provision(
            session, self.template, opts.stage, site_url, expire_items=expire_items
        )
        # Each function's own variables, as Lambda gives them; a log level chosen for `make dev` wins.
        log_level = {"POWERTOOLS_LOG_LEVEL": chosen_log_level} if chosen_log_level else {}
        # One shift for every instance, however late it starts, so all the functions read the same time.
        clock = {CLOCK_SHIFT_VARIABLE: str(opts.clock_at.timestamp() - time.time())} if opts.clock_at else {}
        self.functions.configure(
            {
                name: worker_environment(
                    name,
                    self.template,
                    {
                        **aws_environment,
                        **res.function_environment(self.template, resolver, name),
                        **log_level,
                        **clock,
                    },
                )
                for name in functions(self.template)
            }
        )

        pool_id = self.resources.refs["UserPool"]
        client_id = self.resources.refs["UserPoolClient"]
        authorizers = {
            name: JwtAuthorizer(
                resolver.resolve(spec["JwtConfiguration"]["issuer"]),
                resolver.resolve(spec["JwtConfiguration"]["audience"]),
                f"{self.moto.url}/{pool_id}/.well-known/jwks.json",
            )
            for name, spec in self.template["Resources"]["HttpApi"]["Properties"]["Auth"]["Authorizers"].items()
        }
        headers_policy = resolver.resolve(self.template["Resources"]["SecurityHeadersPolicy"]["Properties"])
        self.gateway.configure(http_routes(self.template), authorizers, security_headers(headers_policy, self.moto.url))
        totp_secret = self._create_users(session.client("cognito-idp"), pool_id, client_id)
        if opts.seed:
            from devstack.seed import seed_catalogue

            seed_catalogue(session.resource("dynamodb").Table(self.resources.refs["CatalogueTable"]))

        sqs = session.client("sqs")
        for source in queue_sources(self.template):
            poller = QueuePoller(
                source,
                self.resources.refs[source.queue],
                self.resources.attrs[(source.queue, "Arn")],
                sqs,
                self.functions,
                opts.retry_delay_s,
            )
            self.pollers.append(poller)
        self.scheduler = Scheduler(schedule_sources(self.template), self.functions)
        self.gateway.start()
        for poller in self.pollers:
            poller.start()
        self.scheduler.start()
        self.functions.warm()

        self.info = {
            "site_url": f"{site_url}/",
            "api_url": f"{site_url}/api",
            "mailbox_url": f"{site_url}/_mailbox",
            "aws_endpoint_url": self.moto.url,
            "dynamodb_endpoint_url": self.dynamodb_local.endpoint if self.dynamodb_local else self.moto.url,
            "region": REGION,
            "user_pool_id": pool_id,
            "user_pool_client_id": client_id,
            "officer": OFFICER,
            "admin": ADMIN,
            "totp_officer": {**TOTP_OFFICER, "totp_secret": totp_secret},
            "stage": opts.stage,
            "clock_at": opts.clock_at.isoformat() if opts.clock_at else None,
            "resources": {k: v for k, v in self.resources.refs.items() if k not in {"SiteDistribution", "HttpApi"}},
        }
        return self.info

    def _create_users(self, cognito: Any, pool_id: str, client_id: str) -> str:
        """Create the ready-made officer, admin and TOTP officer; return the TOTP officer's authenticator secret."""
        for user, groups in ((OFFICER, ["officer"]), (ADMIN, ["officer", "admin"]), (TOTP_OFFICER, ["officer"])):
            cognito.admin_create_user(
                UserPoolId=pool_id,
                Username=user["username"],
                UserAttributes=[
                    {"Name": "email", "Value": user["username"]},
                    {"Name": "email_verified", "Value": "true"},
                ],
                MessageAction="SUPPRESS",
            )
            cognito.admin_set_user_password(
                UserPoolId=pool_id, Username=user["username"], Password=user["password"], Permanent=True
            )
            for group in groups:
                cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=user["username"], GroupName=group)
        return enrol_totp(cognito, pool_id, client_id, TOTP_OFFICER["username"], TOTP_OFFICER["password"])

    def write_state(self, path: Path) -> None:
        """Write the stack's URLs and logins where tools and tests read them."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.info, indent=2))
        tmp.replace(path)

    def stop(self) -> None:
        """Stop everything, in the reverse order."""
        if self.scheduler:
            self.scheduler.stop()
        for poller in self.pollers:
            poller.stop()
        for poller in self.pollers:
            poller.join(timeout=5)
        if self.gateway:
            self.gateway.stop()
        if self.functions:
            self.functions.close()
        if self.moto:
            self.moto.stop()
        if self.dynamodb_local:
            self.dynamodb_local.stop()
