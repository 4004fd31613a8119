"""Translate template.yaml into plain CloudFormation JSON with the SAM translator, as CloudFormation would.

Run it with SAM CLI's own interpreter (`.venv-sam/bin/python`): the translator ships with SAM CLI and pins its own
pydantic, so it is kept out of the project's environment. The functions' code is given as one S3 object (the build,
zipped), like `sam deploy` does after uploading it. Needs no AWS account: no managed policy is looked up by name.

    .venv-sam/bin/python scripts/sam_translate.py --code s3://bucket/build.zip Stage=dev AlarmEmail=ops@example.org
"""

import argparse
import json
import sys
from pathlib import Path

from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parent.parent


def translate(template_text: str, code_uri: str, parameters: dict[str, str], region: str) -> dict:
    """Return the template with every AWS::Serverless resource expanded; functions' code at `code_uri`."""
    import boto3

    template = yaml_parse(template_text)
    template.setdefault("Globals", {}).setdefault("Function", {})["CodeUri"] = code_uri
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"].pop("CodeUri", None)
    translator = Translator(
        managed_policy_map=None, sam_parser=Parser(), plugins=[], boto_session=boto3.session.Session(region_name=region)
    )
    # The template names no AWS managed policy, so the map of their ARNs is never needed (and never fetched).
    return translator.translate(sam_template=template, parameter_values=parameters, get_managed_policy_map=dict)


def main() -> int:
    """Print the translated template as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("parameters", nargs="*", help="Name=value template parameters")
    parser.add_argument("--template", type=Path, default=ROOT / "template.yaml")
    parser.add_argument("--code", required=True, help="s3://bucket/key of the zipped build")
    parser.add_argument("--region", default="ap-southeast-3")
    args = parser.parse_args()
    parameters = dict(p.split("=", 1) for p in args.parameters)
    json.dump(translate(args.template.read_text(), args.code, parameters, args.region), sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
