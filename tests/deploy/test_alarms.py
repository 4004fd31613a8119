"""The alarms reach a person: each publishes to an e-mailed topic CloudWatch can use, and watches what it says."""

import re
from pathlib import Path

import pytest

from devstack.template import functions, load_template, queue_sources, resources_of_type

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]
ALARMS = resources_of_type(TEMPLATE, "AWS::CloudWatch::Alarm")


def _metric_stats(alarm: dict) -> list[dict]:
    """Every metric an alarm reads: its own, or each MetricStat of its metric math."""
    props = alarm["Properties"]
    if "MetricName" in props:
        return [{"Namespace": props["Namespace"], "MetricName": props["MetricName"], "Dimensions": props["Dimensions"]}]
    return [m["MetricStat"]["Metric"] for m in props["Metrics"] if "MetricStat" in m]


@pytest.mark.parametrize("logical_id", sorted(ALARMS))
def test_every_alarm_tells_the_alarm_topic_when_it_fires_and_when_it_clears(logical_id):
    props = ALARMS[logical_id]["Properties"]
    assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert props["OKActions"] == [{"Ref": "AlarmTopic"}]
    assert props["TreatMissingData"] == "notBreaching"
    assert props["AlarmDescription"]


def test_the_alarm_topic_e_mails_the_alarm_email_parameter():
    subscription = RESOURCES["AlarmSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"] == {"TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email",
                                          "Endpoint": {"Ref": "AlarmEmail"}}  # fmt: skip


def test_cloudwatch_may_use_the_alarm_topics_key_so_an_alarm_can_publish_at_all():
    # Given the topic's key (the AWS managed SNS key would refuse CloudWatch, and the alarm would say nothing)
    key_ref = RESOURCES["AlarmTopic"]["Properties"]["KmsMasterKeyId"]
    assert key_ref == {"Ref": "AlarmTopicKey"}
    statements = RESOURCES["AlarmTopicKey"]["Properties"]["KeyPolicy"]["Statement"]

    # Then
    cloudwatch = [s for s in statements if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert len(cloudwatch) == 1 and cloudwatch[0]["Effect"] == "Allow"
    assert set(cloudwatch[0]["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert RESOURCES["AlarmTopicKey"]["Properties"]["EnableKeyRotation"] is True


@pytest.mark.parametrize("metric_name", ["Errors", "Throttles"])
def test_every_function_is_watched_for_errors_and_throttles(metric_name):
    # Given
    watched = {
        dimension["Value"]["Ref"]
        for alarm in ALARMS.values()
        for metric in _metric_stats(alarm)
        if metric["Namespace"] == "AWS/Lambda" and metric["MetricName"] == metric_name
        for dimension in metric["Dimensions"]
        if dimension["Name"] == "FunctionName"
    }

    # Then
    assert watched == set(functions(TEMPLATE))


def test_the_api_is_watched_for_5xx():
    metrics = [m for alarm in ALARMS.values() for m in _metric_stats(alarm) if m["Namespace"] == "AWS/ApiGateway"]
    assert [(m["MetricName"], m["Dimensions"]) for m in metrics] == [
        ("5xx", [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}])
    ]


def test_the_issuing_workers_queue_is_watched_for_its_oldest_message():
    # Given the queue the issue function consumes
    (source,) = [s for s in queue_sources(TEMPLATE) if s.function == "IssueFunction"]

    # Then
    ages = [
        alarm["Properties"]
        for alarm in ALARMS.values()
        if alarm["Properties"].get("MetricName") == "ApproximateAgeOfOldestMessage"
    ]
    assert [a["Dimensions"][0]["Value"] for a in ages] == [{"Fn::GetAtt": [source.queue, "QueueName"]}]
    # older than a job ever is when the worker is healthy, younger than five failed tries (5 x the visibility)
    visibility = RESOURCES[source.queue]["Properties"]["VisibilityTimeout"]
    assert 60 < ages[0]["Threshold"] < 5 * visibility


def test_the_booking_refusal_alarm_reads_the_metrics_the_queue_function_publishes_where_it_publishes_them():
    # Given
    props = ALARMS["BookingRefusalRateAlarm"]["Properties"]
    metrics = _metric_stats(ALARMS["BookingRefusalRateAlarm"])
    namespace = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]
    service = RESOURCES["QueueFunction"]["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
    source = (ROOT / "functions" / "queue" / "booking.py").read_text()

    # Then the metrics are the queue function's own: namespace, service dimension (Powertools adds it), names
    assert {m["MetricName"] for m in metrics} == {"BookingsMade", "BookingsRefused"}
    for metric in metrics:
        assert metric["Namespace"] == namespace
        assert metric["Dimensions"] == [{"Name": "service", "Value": service}]
        assert re.search(rf'add_metric\(name="{metric["MetricName"]}"', source)
    # and the expression is a share of the attempts, alarmed on only with real traffic
    (expression,) = [m["Expression"] for m in props["Metrics"] if "Expression" in m]
    assert "refused / " in expression.replace("FILL(refused, 0)", "refused")
    assert ">= 20" in expression
    assert 0 < props["Threshold"] < 1 and props["EvaluationPeriods"] == props["DatapointsToAlarm"] == 3
