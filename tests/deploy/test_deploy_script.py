"""`make deploy STAGE=<stage>`: the plan it runs, in order, and the steps that touch AWS, against moto."""

import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

ROOT = Path(__file__).resolve().parents[2]
REGION = "ap-southeast-3"


def _load_deploy_script():
    spec = importlib.util.spec_from_file_location("deploy_script", ROOT / "scripts" / "deploy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


deploy = _load_deploy_script()


@pytest.fixture
def samconfig(tmp_path: Path) -> Path:
    path = tmp_path / "samconfig.toml"
    path.write_text(
        "version = 0.1\n"
        "[qa.deploy.parameters]\n"
        'stack_name = "satupintu-qa"\n'
        'region = "ap-southeast-3"\n'
        'capabilities = "CAPABILITY_IAM"\n'
        'parameter_overrides = ["AlarmEmail=ops@example.org", "Stage=ignored", "WebAclArn=ignored"]\n'
        "[old.deploy.parameters]\n"
        'stack_name = "satupintu-old"\n'
        'region = "ap-southeast-1"\n'
        'parameter_overrides = "AlarmEmail=a@example.org LogLevel=DEBUG"\n'
    )
    return path


def test_the_plan_deploys_the_edge_first_then_the_stack_with_its_web_acl_then_seeds_publishes_and_invalidates(
    samconfig,
):
    # Given
    stage = deploy.read_stage("qa", samconfig)

    # When
    steps = deploy.plan(stage, sam="sam", python="python")

    # Then the commands, in order
    assert [step.command for step in steps if step.command] == [
        (
            "sam", "deploy", "--template-file", "edge/waf.yaml", "--stack-name", "satupintu-qa-edge",
            "--region", "us-east-1", "--parameter-overrides", "Stage=qa",
            "--no-fail-on-empty-changeset", "--no-confirm-changeset",
        ),
        (
            "sam", "deploy", "--config-env", "qa", "--no-fail-on-empty-changeset", "--no-confirm-changeset",
            "--parameter-overrides", "Stage=qa", "AlarmEmail=ops@example.org", "WebAclArn={edge.WebAclArn}",
        ),
        ("python", "-m", "devstack.seed", "--stage", "qa", "--stack-name", "satupintu-qa"),
    ]  # fmt: skip
    # and every step, commands and actions, in order
    assert [step.describe.split(" ")[0] for step in steps] == [
        "Edge:", "Read", "Stack", "Read", "Seed", "Publish", "Invalidate",
    ]  # fmt: skip
    assert steps[4].env == (("AWS_DEFAULT_REGION", REGION),)


def test_overrides_written_as_one_string_are_split_like_sam_does(samconfig):
    # When
    stage = deploy.read_stage("old", samconfig)

    # Then
    assert stage.parameter_overrides == ("Stage=old", "AlarmEmail=a@example.org", "LogLevel=DEBUG")
    assert stage.region == "ap-southeast-1"


def test_a_stage_samconfig_lacks_is_refused_naming_those_it_has(samconfig):
    # When
    with pytest.raises(SystemExit) as stopped:
        deploy.read_stage("prod", samconfig)

    # Then
    assert "[prod.deploy.parameters]" in str(stopped.value) and "old, qa" in str(stopped.value)


def test_the_dry_run_prints_the_plan_and_runs_nothing(samconfig, capsys):
    # When (no AWS credentials, no SAM CLI: a dry run needs neither)
    code = deploy.main(["--stage", "qa", "--config", str(samconfig), "--dry-run", "--sam", "no-such-sam"])

    # Then
    out = capsys.readouterr().out
    assert code == 0
    assert out.index("[1/7] Edge") < out.index("[3/7] Stack") < out.index("[7/7] Invalidate")
    assert "no-such-sam deploy --config-env qa" in out and "'WebAclArn={edge.WebAclArn}'" in out


def test_the_projects_samconfig_has_a_stage_per_environment_each_in_jakarta_with_an_alarm_email():
    for name in ("dev", "staging", "prod"):
        # When
        stage = deploy.read_stage(name)

        # Then
        assert stage.stack_name == f"satupintu-{name}"
        assert stage.region == REGION
        assert any(o.startswith("AlarmEmail=") and "@" in o for o in stage.parameter_overrides)


def test_make_deploy_dry_run_prints_the_plan_without_building():
    # When
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", ".venv-sam/.installed",
         "deploy", "STAGE=dev", "DRY_RUN=1", f"PY={sys.executable}"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip

    # Then
    assert result.returncode == 0, result.stderr
    assert "sam build" not in result.stdout
    assert "[1/7] Edge: web ACL stack satupintu-dev-edge in us-east-1" in result.stdout


def test_a_failing_command_stops_the_deploy_with_its_exit_code(capsys):
    # Given a plan whose second command fails
    steps = [
        deploy.Step("first", (sys.executable, "-c", "pass")),
        deploy.Step("second", (sys.executable, "-c", "raise SystemExit(3)")),
        deploy.Step("third", (sys.executable, "-c", "print('ran')")),
    ]

    # When
    code = deploy.run(steps, dry_run=False)

    # Then
    assert code == 3
    assert "ran" not in capsys.readouterr().out


def test_outputs_read_by_one_step_fill_the_commands_of_the_next(tmp_path):
    # Given
    marker = tmp_path / "arn.txt"
    steps = [
        deploy.Step("read", action=lambda ctx: ctx.outputs.__setitem__("edge", {"WebAclArn": "arn:aws:wafv2:x"})),
        deploy.Step("use", (sys.executable, "-c", f"open({str(marker)!r}, 'w').write('{{edge.WebAclArn}}')")),
    ]

    # When
    code = deploy.run(steps, dry_run=False)

    # Then
    assert code == 0 and marker.read_text() == "arn:aws:wafv2:x"


@pytest.fixture
def site_bucket(aws_credentials):
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": REGION})
        yield s3


def test_publishing_makes_the_bucket_hold_exactly_the_site_and_a_second_run_uploads_nothing(site_bucket, tmp_path):
    # Given a site, and a bucket holding a page the site no longer has
    site = tmp_path / "frontend"
    (site / "js").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>Satu Pintu</title>")
    (site / "js" / "app.js").write_text("export const x = 1;")
    (site / "README.md").write_text("about the site")
    (site / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    site_bucket.put_object(Bucket="site", Key="old.html", Body=b"gone")

    # When
    first = deploy.publish_site(site_bucket, "site", site)
    second = deploy.publish_site(site_bucket, "site", site)

    # Then
    assert first == (3, 1, 0)
    assert second == (0, 0, 3)
    keys = sorted(o["Key"] for o in site_bucket.list_objects_v2(Bucket="site")["Contents"])
    assert keys == ["favicon.svg", "index.html", "js/app.js"]
    icon = site_bucket.get_object(Bucket="site", Key="favicon.svg")
    assert icon["ContentType"] == "image/svg+xml; charset=utf-8" and icon["CacheControl"] == "public, max-age=3600"
    page = site_bucket.get_object(Bucket="site", Key="index.html")
    assert page["ContentType"] == "text/html; charset=utf-8" and page["CacheControl"] == "no-cache"
    script = site_bucket.get_object(Bucket="site", Key="js/app.js")
    assert script["ContentType"] == "text/javascript; charset=utf-8" and script["CacheControl"] == "no-cache"
    assert hashlib.md5(page["Body"].read(), usedforsecurity=False).hexdigest() == page["ETag"].strip('"')


def test_a_changed_file_is_uploaded_again(site_bucket, tmp_path):
    # Given
    site = tmp_path / "frontend"
    site.mkdir()
    (site / "index.html").write_text("one")
    deploy.publish_site(site_bucket, "site", site)
    (site / "index.html").write_text("two")

    # When
    counts = deploy.publish_site(site_bucket, "site", site)

    # Then
    assert counts == (1, 0, 0)
    assert site_bucket.get_object(Bucket="site", Key="index.html")["Body"].read() == b"two"


def test_the_project_site_is_published_without_its_readme():
    # When
    keys = deploy.site_files(deploy.SITE_DIR)

    # Then
    assert "index.html" in keys and "README.md" not in keys
    assert all(not key.startswith("/") for key in keys)


def test_the_distribution_is_invalidated_whole(aws_credentials):
    with mock_aws():
        # Given
        cloudfront = boto3.client("cloudfront", region_name=REGION)
        distribution = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "test",
                "Comment": "",
                "Enabled": True,
                "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": "site.s3.amazonaws.com",
                                                      "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
                "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                         "MinTTL": 0, "ForwardedValues": {"QueryString": False,
                                                                          "Cookies": {"Forward": "none"}}},
            }
        )["Distribution"]["Id"]  # fmt: skip

        # When
        invalidation_id = deploy.invalidate(cloudfront, distribution, now=lambda: 1_800_000_000)

        # Then
        batch = cloudfront.get_invalidation(DistributionId=distribution, Id=invalidation_id)["Invalidation"]
        assert batch["InvalidationBatch"]["Paths"]["Items"] == ["/*"]
        assert batch["InvalidationBatch"]["CallerReference"] == "deploy-1800000000"


def test_stack_outputs_are_read_as_a_mapping(aws_credentials):
    with mock_aws():
        # Given
        cloudformation = boto3.client("cloudformation", region_name="us-east-1")
        template = {
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {"WebAclArn": {"Value": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1"}},
        }
        cloudformation.create_stack(StackName="satupintu-qa-edge", TemplateBody=json.dumps(template))

        # When
        outputs = deploy.stack_outputs("satupintu-qa-edge", "us-east-1", cloudformation)

        # Then
        assert outputs == {"WebAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1"}


def test_make_seed_and_redrive_take_a_stages_stack_name_and_region_from_samconfig(samconfig, capsys):
    # When
    deploy.main(["--stage", "old", "--config", str(samconfig), "--show", "region"])
    deploy.main(["--stage", "old", "--config", str(samconfig), "--show", "stack_name"])

    # Then
    assert capsys.readouterr().out.split() == ["ap-southeast-1", "satupintu-old"]
