"""`make deploy STAGE=<stage>`: the edge web ACL, the stack, the catalogue, the site, a fresh CDN — in one go.

The stage's settings come from samconfig.toml (`[<stage>.deploy.parameters]`: stack name, region, capabilities,
parameter overrides such as AlarmEmail). In order:

1. the edge stack (edge/waf.yaml: a WAF web ACL of scope CLOUDFRONT) in us-east-1, where such ACLs must live;
2. the stack itself (the template `make build` built), with the web ACL's ARN as its WebAclArn parameter;
3. the catalogue and the service points (`make seed`'s own code);
4. frontend/ to the site bucket: what changed is uploaded, what is gone is deleted;
5. one invalidation of the whole distribution.

Every step is safe to repeat: a deploy that changes nothing is not an error (`--no-fail-on-empty-changeset`), the
seed overwrites, the upload skips files whose content the bucket already has. `--dry-run` prints the plan and
touches nothing (no AWS credentials needed).
"""

import argparse
import contextlib
import hashlib
import mimetypes
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "samconfig.toml"
EDGE_TEMPLATE = "edge/waf.yaml"
EDGE_REGION = "us-east-1"  # CloudFront's web ACLs live here, whatever the stack's region
SITE_DIR = ROOT / "frontend"
# Files in frontend/ that are about the site, not part of it.
NOT_PUBLISHED = frozenset({"README.md"})
# Pages, styles and scripts (the service worker too) are revalidated after a deploy; images may be cached a while.
REVALIDATE = re.compile(r"\.(html|css|js|mjs|json|webmanifest)$")
_PLACEHOLDER = re.compile(r"\{(edge|stack)\.(\w+)\}")


@dataclass(frozen=True)
class Stage:
    """One section of samconfig.toml: where and how a stage is deployed."""

    name: str
    stack_name: str
    region: str
    parameter_overrides: tuple[str, ...]

    @property
    def edge_stack_name(self) -> str:
        """The us-east-1 stack holding the stage's web ACL."""
        return f"{self.stack_name}-edge"


def read_stage(name: str, config: Path = CONFIG) -> Stage:
    """Return a stage's deploy settings from samconfig.toml.

    :raises SystemExit: the stage has no section, or its section lacks the stack name or region.
    """
    sections = tomllib.loads(config.read_text())
    params = sections.get(name, {}).get("deploy", {}).get("parameters")
    if not params:
        known = sorted(k for k, v in sections.items() if isinstance(v, dict) and "deploy" in v)
        sys.exit(f"samconfig.toml has no [{name}.deploy.parameters] (stages: {', '.join(known)}).")
    overrides = params.get("parameter_overrides", [])
    if isinstance(overrides, str):
        overrides = shlex.split(overrides)
    overrides = [o for o in overrides if not o.startswith(("Stage=", "WebAclArn="))]
    return Stage(
        name=name,
        stack_name=params["stack_name"],
        region=params["region"],
        parameter_overrides=(f"Stage={name}", *overrides),
    )


@dataclass
class Context:
    """What the steps learn as they run: each stack's outputs."""

    outputs: dict[str, dict[str, str]] = field(default_factory=dict)

    def fill(self, text: str) -> str:
        """Replace `{edge.X}` and `{stack.X}` with the outputs read so far."""
        return _PLACEHOLDER.sub(lambda m: self.outputs[m.group(1)][m.group(2)], text)


@dataclass(frozen=True)
class Step:
    """One thing the deploy does: a command, or an action on AWS described in words."""

    describe: str
    command: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    action: Callable[[Context], None] | None = None

    def render(self) -> str:
        """The step as the plan prints it."""
        if self.command:
            env = " ".join(f"{k}={v}" for k, v in self.env)
            return f"{self.describe}\n    {env + ' ' if env else ''}{shlex.join(self.command)}"
        return self.describe


def plan(stage: Stage, sam: str = "sam", python: str = sys.executable, site: Path = SITE_DIR) -> list[Step]:
    """Return the steps that deploy a stage, in order. Values known only once a stack exists are placeholders."""
    no_fuss = ("--no-fail-on-empty-changeset", "--no-confirm-changeset")
    edge = (sam, "deploy", "--template-file", EDGE_TEMPLATE, "--stack-name", stage.edge_stack_name)
    edge += ("--region", EDGE_REGION, "--parameter-overrides", f"Stage={stage.name}", *no_fuss)
    main = (sam, "deploy", "--config-env", stage.name, *no_fuss)
    main += ("--parameter-overrides", *stage.parameter_overrides, "WebAclArn={edge.WebAclArn}")
    return [
        Step(f"Edge: web ACL stack {stage.edge_stack_name} in {EDGE_REGION}", edge),
        Step(
            f"Read the outputs of {stage.edge_stack_name} ({EDGE_REGION})",
            action=lambda ctx: ctx.outputs.__setitem__("edge", stack_outputs(stage.edge_stack_name, EDGE_REGION)),
        ),
        Step(f"Stack {stage.stack_name} in {stage.region}", main),
        Step(
            f"Read the outputs of {stage.stack_name} ({stage.region})",
            action=lambda ctx: ctx.outputs.__setitem__("stack", stack_outputs(stage.stack_name, stage.region)),
        ),
        Step(
            "Seed the catalogue and the service points",
            (python, "-m", "devstack.seed", "--stage", stage.name, "--stack-name", stage.stack_name),
            env=(("AWS_DEFAULT_REGION", stage.region),),
        ),
        Step(
            f"Publish {site.name}/ to s3://{{stack.SiteBucketName}} (changed files up, stale ones deleted)",
            action=lambda ctx: print(
                "    {} uploaded, {} deleted, {} unchanged".format(
                    *publish_site(_client("s3", stage.region), ctx.fill("{stack.SiteBucketName}"), site)
                )
            ),
        ),
        Step(
            "Invalidate /* on CloudFront distribution {stack.DistributionId}",
            action=lambda ctx: invalidate(_client("cloudfront", stage.region), ctx.fill("{stack.DistributionId}")),
        ),
    ]


def _client(service: str, region: str) -> Any:
    import boto3

    return boto3.client(service, region_name=region)


def stack_outputs(stack_name: str, region: str, cloudformation: Any = None) -> dict[str, str]:
    """Return a stack's outputs as {key: value}."""
    cloudformation = cloudformation or _client("cloudformation", region)
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def site_files(site: Path) -> dict[str, Path]:
    """Return {object key: file} for everything the site publishes."""
    return {
        path.relative_to(site).as_posix(): path
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.relative_to(site).as_posix() not in NOT_PUBLISHED
    }


def publish_site(s3: Any, bucket: str, site: Path) -> tuple[int, int, int]:
    """Make the bucket hold exactly the site's files; return (uploaded, deleted, unchanged).

    A file whose MD5 equals the object's ETag (single-part uploads, as here) is not uploaded again.
    """
    existing: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        existing.update({o["Key"]: o["ETag"].strip('"') for o in page.get("Contents", [])})
    uploaded = unchanged = 0
    for key, path in site_files(site).items():
        body = path.read_bytes()
        if existing.get(key) == hashlib.md5(body, usedforsecurity=False).hexdigest():
            unchanged += 1
            continue
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in {"application/javascript", "image/svg+xml"}:
            content_type += "; charset=utf-8"
        cache = "no-cache" if REVALIDATE.search(key) else "public, max-age=3600"
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, CacheControl=cache)
        uploaded += 1
    stale = sorted(set(existing) - set(site_files(site)))
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start : start + 1000]]})
    return uploaded, len(stale), unchanged


def invalidate(cloudfront: Any, distribution_id: str, now: Callable[[], float] = time.time) -> str:
    """Invalidate every path of a distribution; return the invalidation's id."""
    result = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"deploy-{now():.0f}"},
    )
    return result["Invalidation"]["Id"]


def run(steps: Sequence[Step], dry_run: bool) -> int:
    """Print each step and, unless a dry run, do it; stop at the first that fails."""
    ctx = Context()
    for number, step in enumerate(steps, 1):
        text = step.render()
        with contextlib.suppress(KeyError):  # a dry run, or a value a later step reads
            text = ctx.fill(text)
        print(f"[{number}/{len(steps)}] {text}", flush=True)
        if dry_run:
            continue
        if step.command:
            command = [ctx.fill(part) for part in step.command]
            result = subprocess.run(command, cwd=ROOT, env={**os.environ, **dict(step.env)}, check=False)
            if result.returncode:
                print(f"Langkah {number} gagal / step {number} failed (exit {result.returncode}).", file=sys.stderr)
                return result.returncode
        elif step.action:
            step.action(ctx)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Deploy one stage, or print its plan with --dry-run."""
    parser = argparse.ArgumentParser(prog="scripts/deploy.py", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stage", required=True, help="a section of samconfig.toml, e.g. dev or prod")
    parser.add_argument("--sam", default="sam", help="the SAM CLI to run")
    parser.add_argument("--config", type=Path, default=CONFIG, help="samconfig.toml")
    parser.add_argument("--dry-run", action="store_true", help="print the steps, run nothing")
    parser.add_argument("--show", choices=["stack_name", "region"], help="print one setting of the stage and stop")
    args = parser.parse_args(argv)
    stage = read_stage(args.stage, args.config)
    if args.show:
        print(getattr(stage, args.show))
        return 0
    return run(plan(stage, sam=args.sam), args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
