"""The shared Metrics outside a handler: a full buffer flushes rather than fails the rule that counted."""

import json

import pytest

from functions.shared.observability import metrics


def test_a_hundred_values_of_one_metric_flush_under_the_templates_namespace(capsys: pytest.CaptureFixture[str]) -> None:
    # A rule called many times in one process (the booking state machine) fills Powertools' buffer of 100 values.
    for _ in range(100):
        metrics.add_metric(name="BookingsMade", unit="Count", value=1)

    flushed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert len(flushed) == 1
    [directive] = flushed[0]["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "SatuPintu"
    assert len(flushed[0]["BookingsMade"]) == 100
