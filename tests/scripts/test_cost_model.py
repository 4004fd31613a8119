"""The cost model's arithmetic: usage from the steps, dollars from the list prices, tables that add up."""

import re

import pytest

from scripts import cost_model
from scripts.cost_model import PRICES, Journey, Step, cost, journey_usage, total_usd


def test_a_step_made_by_half_the_journeys_counts_half_per_journey():
    # Given one write-heavy step made by every journey and a one-second call made by half of them
    journey = Journey("x", (Step("write", wru=10), Step("call", share=0.5, lambda_ms=1000, api=1)))
    # When
    used = journey_usage(journey, journeys=1000)
    # Then
    assert used["dynamodb_wru"] == 10_000
    assert used["lambda_requests"] == 500 and used["lambda_gb_s"] == pytest.approx(500 * cost_model.MEMORY_GB)
    # An API request is also a CloudFront request (the API is served under /api through the distribution)
    assert used["api_requests"] == 500 and used["cloudfront_requests"] == 500


def test_dollars_are_the_amount_times_the_price_per_unit():
    amounts = dict.fromkeys(cost_model.RESOURCES, 0.0) | {"ses_emails": 3_000, "dynamodb_wru": 2_000_000}
    dollars = cost(amounts)
    assert dollars["ses_emails"] == pytest.approx(3 * PRICES["ses_emails"].usd)
    assert dollars["dynamodb_wru"] == pytest.approx(2 * PRICES["dynamodb_wru"].usd)
    assert sum(dollars.values()) == pytest.approx(0.30 + 2 * 0.7125)


def test_the_total_scales_with_the_number_of_journeys():
    one = total_usd(cost_model.APPLICATION, 1)
    assert total_usd(cost_model.APPLICATION, 100_000) == pytest.approx(100_000 * one)
    assert one > 0


def test_every_application_that_is_decided_sends_its_emails_and_every_issued_one_is_signed_once():
    used = journey_usage(cost_model.APPLICATION, 100_000)
    assert used["kms_sign"] == pytest.approx(100_000 * 195_005 / 267_188)
    # submitted, decided (approved or rejected), issued, and the returned ones twice more
    expected = 1 + cost_model.DECIDED + cost_model.ISSUED + 2 * cost_model.RETURNED
    assert used["ses_emails"] == pytest.approx(100_000 * expected)


def test_the_printed_table_adds_up_to_its_total():
    table = cost_model.journey_table(cost_model.BOOKING)
    rows = [re.findall(r"\$([\d,]+\.\d\d) \|$", line) for line in table.splitlines()[2:-1]]
    listed = sum(float(found[0].replace(",", "")) for found in rows if found)
    total = float(re.search(r"\*\*\$([\d,]+\.\d\d)\*\*", table).group(1).replace(",", ""))
    assert listed == pytest.approx(total, abs=0.01 * len(rows))


def test_docs_cost_md_shows_the_tables_the_model_prints_now(capsys):
    # Given the doc as committed
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "cost.md").read_text()
    # When the model prints its tables
    cost_model.main([])
    printed = capsys.readouterr().out
    # Then every table and figure it prints is in the doc (run `make cost` and paste them after a change)
    for block in printed.split("\n\n")[1:]:
        assert block.strip() in doc, block[:80]
