"""Read template.yaml (with CloudFormation's short tags) and resolve its intrinsics for the local stack."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"

_TAGS = ("Ref", "Sub", "GetAtt", "If", "Not", "Equals", "Join", "Select", "Split", "FindInMap", "Condition")


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that turns `!Ref X` into `{"Ref": "X"}` and so on."""


def _make_constructor(tag: str):
    key = tag if tag in {"Ref", "Condition"} else f"Fn::{tag}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}

    return construct


for _tag in _TAGS:
    _CfnLoader.add_constructor(f"!{_tag}", _make_constructor(_tag))


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """Return template.yaml as plain data, intrinsics as their long form."""
    return yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass


def resources_of_type(template: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    """Return {logical id: resource} for every resource of one type."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_name}


@dataclass(frozen=True)
class Route:
    """An HTTP API route declared on a function's events."""

    function: str  # logical id, e.g. SubmitFunction
    method: str
    path: str  # e.g. /api/services/{id}
    authorizer: str | None = None

    @property
    def key(self) -> str:
        """The route key API Gateway reports, e.g. "GET /api/services/{id}"."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class QueueSource:
    """An SQS event source mapping declared on a function."""

    function: str
    queue: str  # logical id of the queue
    batch_size: int
    batching_window_s: int = 0
    report_batch_item_failures: bool = False


@dataclass(frozen=True)
class ScheduleSource:
    """A schedule declared on a function (rate expressions only run locally)."""

    function: str
    name: str
    expression: str
    input: dict[str, Any] = field(default_factory=dict)
    timezone: str = "UTC"


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the template's functions by logical id."""
    return resources_of_type(template, "AWS::Serverless::Function")


def handler_of(template: dict[str, Any], function: str) -> str:
    """Return a function's handler path, e.g. functions.submit.app.lambda_handler."""
    return functions(template)[function]["Properties"]["Handler"]


def _events(template: dict[str, Any], event_type: str):
    for logical_id, resource in functions(template).items():
        for name, event in (resource["Properties"].get("Events") or {}).items():
            if event["Type"] == event_type:
                yield logical_id, name, event.get("Properties", {})


def http_routes(template: dict[str, Any]) -> list[Route]:
    """Return every HttpApi route the template declares."""
    routes = []
    for logical_id, _, props in _events(template, "HttpApi"):
        auth = (props.get("Auth") or {}).get("Authorizer")
        routes.append(Route(logical_id, props["Method"].upper(), props["Path"], auth if auth != "NONE" else None))
    return routes


def queue_sources(template: dict[str, Any]) -> list[QueueSource]:
    """Return every SQS event source the template declares."""
    sources = []
    for logical_id, _, props in _events(template, "SQS"):
        queue = props["Queue"]["Fn::GetAtt"][0]
        sources.append(
            QueueSource(
                logical_id,
                queue,
                int(props.get("BatchSize", 10)),
                int(props.get("MaximumBatchingWindowInSeconds", 0)),
                "ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
            )
        )
    return sources


def schedule_sources(template: dict[str, Any]) -> list[ScheduleSource]:
    """Return every schedule (Schedule or ScheduleV2 event) the template declares."""
    import json

    found = []
    for event_type in ("Schedule", "ScheduleV2"):
        for logical_id, name, props in _events(template, event_type):
            expression = props.get("Schedule") or props.get("ScheduleExpression")
            payload = props.get("Input")
            found.append(
                ScheduleSource(
                    logical_id,
                    name,
                    expression,
                    json.loads(payload) if payload else {},
                    props.get("ScheduleExpressionTimezone", "UTC"),
                )
            )
    return found


class Resolver:
    """Resolves Ref/GetAtt/Sub/If against the physical resources the local stack created."""

    def __init__(
        self,
        template: dict[str, Any],
        parameters: dict[str, str],
        refs: dict[str, str],
        attrs: dict[tuple[str, str], str],
        pseudo: dict[str, str],
    ) -> None:
        self.template = template
        self.parameters = parameters
        self.refs = refs
        self.attrs = attrs
        self.pseudo = pseudo

    def ref(self, name: str) -> str:
        """Resolve `Ref: name`."""
        if name in self.parameters:
            return self.parameters[name]
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.refs:
            return self.refs[name]
        raise KeyError(f"cannot resolve Ref {name} locally")

    def condition(self, name: str) -> bool:
        """Evaluate one of the template's Conditions."""
        return bool(self.resolve(self.template["Conditions"][name]))

    def resolve(self, value: Any) -> Any:
        """Resolve every intrinsic inside a value."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                return self.attrs[(arg[0], arg[1])]
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::If":
                name, yes, no = arg
                return self.resolve(yes if self.condition(name) else no)
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Fn::Equals":
                left, right = (self.resolve(a) for a in arg)
                return left == right
            if key == "Fn::Join":
                sep, items = arg
                return sep.join(str(self.resolve(i)) for i in items)
        return {k: self.resolve(v) for k, v in value.items()}

    def _sub(self, arg: Any) -> str:
        import re

        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        local = {k: self.resolve(v) for k, v in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in local:
                return str(local[name])
            if "." in name:
                logical, attr = name.split(".", 1)
                return str(self.attrs[(logical, attr)])
            return str(self.ref(name))

        return re.sub(r"\$\{([^}!]+)\}", replace, text)
