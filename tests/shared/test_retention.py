"""The retention policy: each period's end as the writers compute it, and template.yaml enforcing it."""

import datetime as dt

import pytest

from devstack.template import load_template, resources_of_type
from functions.shared import bookings, retention
from functions.shared.applications import ApplicationRecord, HistoryEntry, Status, Tables, transition
from functions.shared.clock import JAKARTA
from functions.shared.notifications import Notification, NotificationEvent, outbox_put

AT = dt.datetime(2026, 12, 2, 10, 0, tzinfo=JAKARTA)
TEMPLATE = load_template()


def _epoch(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=JAKARTA).timestamp())


class _RecordingDb:
    """A DynamoDB client that keeps the transactions it is given and commits them all."""

    def __init__(self) -> None:
        self.transactions: list[list[dict]] = []

    def transact_write_items(self, TransactItems: list[dict], **_: object) -> dict:
        self.transactions.append(TransactItems)
        return {}


def _application(status: Status) -> ApplicationRecord:
    return ApplicationRecord.model_validate(
        {
            "id": "SP-2612-7K3M9Q",
            "service_id": "iptm_perpanjangan",
            "status": status,
            "applicant": {"nik": "3171010101900001", "name": "Siti", "email": "s@example.id", "phone": "0812"},
            "history": [HistoryEntry(status=status, at="2026-12-01T10:00:00.000+07:00", actor="applicant")],
            "submitted_at": "2026-12-01T10:00:00.000+07:00",
            "updated_at": "2026-12-01T10:00:00.000+07:00",
        }
    )


def _moved(current: Status, to: Status, **kwargs: object) -> tuple[dict, ApplicationRecord]:
    db = _RecordingDb()
    record = transition(db, Tables("apps", "stats"), _application(current), to, actor="petugas", at=AT, **kwargs)
    return db.transactions[0][0]["Update"], record


def test_every_period_says_why_and_from_when():
    assert len({p.name for p in retention.PERIODS}) == len(retention.PERIODS)
    for period in retention.PERIODS:
        assert period.keep > dt.timedelta(0) and len(period.reason) > 40 and period.counts_from, period.name


@pytest.mark.parametrize("decision", [Status.REJECTED, Status.ISSUED])
def test_a_decided_application_expires_five_years_after_the_decision(decision):
    # Given an application decided on 2 Dec 2026 at 10:00 WIB
    current = Status.IN_REVIEW if decision == Status.REJECTED else Status.APPROVED
    # When
    update, record = _moved(current, decision)
    # Then 5 x 365 days later (29 Feb 2028 in between: 1 Dec 2031)
    expected = _epoch(2031, 12, 1, 10, 0)
    assert update["ExpressionAttributeValues"][":expires"] == {"N": str(expected)}
    assert record.expires_at_epoch == expected


def test_an_issued_permit_keeps_its_file_five_years_past_its_last_valid_day():
    update, _ = _moved(Status.APPROVED, Status.ISSUED, valid_until="2029-12-02")
    expected = _epoch(2029, 12, 2, 23, 59, 59) + 5 * 365 * 86_400
    assert update["ExpressionAttributeValues"][":expires"] == {"N": str(expected)}


def test_a_returned_application_waits_a_year_and_a_completed_one_no_longer_expires():
    returned, _ = _moved(Status.IN_REVIEW, Status.RETURNED)
    assert returned["ExpressionAttributeValues"][":expires"] == {"N": str(_epoch(2027, 12, 2, 10, 0))}
    completed, record = _moved(Status.RETURNED, Status.SUBMITTED)
    assert completed["UpdateExpression"].endswith("REMOVE #expires") and record.expires_at_epoch is None


def test_an_application_in_review_has_no_expiry():
    update, _ = _moved(Status.SUBMITTED, Status.IN_REVIEW)
    assert "REMOVE #expires" in update["UpdateExpression"] and ":expires" not in update["ExpressionAttributeValues"]


def _booking(status: str = "CHECKED_IN") -> dict:
    return {"id": "BK-0000000001", "status": status, "version": 3, "date": "2026-12-03"}


@pytest.mark.parametrize(
    ("status", "days"),
    [(bookings.Status.DONE, 30), (bookings.Status.CANCELLED, 30), (bookings.Status.REFUSED, 7)],
)
def test_a_booking_expires_a_month_after_its_visit_and_a_refused_one_within_a_week(status, days):
    # When a visit on 3 Dec 2026 ends in `status`
    update = bookings.status_change("t", _booking(), status, "2026-12-03T09:00:00+07:00", {"temperature_c": 38.1})
    # Then the booking item, temperature and all, expires that many days after the visit day
    values = update["Update"]["ExpressionAttributeValues"]
    expected = _epoch(2026, 12, 3, 23, 59, 59) + days * 86_400
    assert {"N": str(expected)} in values.values()


def test_a_moved_booking_expires_after_its_new_day():
    update = bookings.status_change("t", _booking("BOOKED"), bookings.Status.BOOKED, "x", {"date": "2026-12-10"})
    expected = _epoch(2026, 12, 10, 23, 59, 59) + 30 * 86_400
    assert {"N": str(expected)} in update["Update"]["ExpressionAttributeValues"].values()


def test_a_persons_guard_lasts_a_day_past_the_visit_and_the_counters_ninety():
    guard = bookings.guard_put("t", {"pk": "GUARD#x", "sk": "GUARD"}, "BK-1", "2026-12-03")["Put"]["Item"]
    assert guard["expires_at_epoch"] == {"N": str(_epoch(2026, 12, 4, 23, 59, 59))}
    assert bookings.expires_after("2026-12-03") == _epoch(2026, 12, 3, 23, 59, 59) + 90 * 86_400


def test_an_outbox_item_expires_in_a_week_the_ledger_in_thirty_days():
    notification = Notification(
        notification_id="booking.confirmed:BK-0000000001:0",
        event=NotificationEvent.BOOKING_CONFIRMED,
        to="s@example.id",
        facts={"booking_id": "BK-1", "ticket_code": "T", "site_name": "S", "date": "2026-12-03", "start": "09:00"},
    )
    item = outbox_put(notification, "outbox", AT)["Put"]["Item"]
    assert item["expires_at_epoch"] == {"N": str(int(AT.timestamp()) + 7 * 86_400)}
    assert retention.ledger_expires_at(AT.timestamp()) == int(AT.timestamp()) + 30 * 86_400


def test_idempotency_records_last_a_day_and_rate_limit_counters_five_minutes_past_their_window():
    from functions.shared import idempotency, rate_limits

    assert idempotency.DEFAULT_EXPIRY_S == 86_400
    assert rate_limits._GRACE_S == 300


# ---------------------------------------------------------------------------------------------------------------
# template.yaml enforces what the code writes
# ---------------------------------------------------------------------------------------------------------------
# Each table holding personal data (or a pseudonym of it), and the TTL attribute its writers set.
PERSONAL_TABLES = {
    "ApplicationsTable": "expires_at_epoch",
    "UploadsTable": "expires_at_epoch",
    "ConsultationsTable": "expires_at_epoch",
    "BookingsTable": "expires_at_epoch",
    "DocumentsTable": "expires_at_epoch",
    "IdempotencyTable": "expiration",
    "NotificationLedgerTable": "expires_at_epoch",
    "NotificationOutboxTable": "expires_at_epoch",
    "RateLimitTable": "expires_at_epoch",
    "DraftsTable": "expires_at_epoch",
}
# Tables without personal data: nothing of a person to expire.
NOT_PERSONAL = {"CatalogueTable", "StatsTable", "ErasuresTable"}


def test_every_table_is_either_free_of_personal_data_or_expires_it_on_the_attribute_the_code_writes():
    tables = resources_of_type(TEMPLATE, "AWS::DynamoDB::Table")
    assert set(tables) == set(PERSONAL_TABLES) | NOT_PERSONAL
    for logical_id, attribute in PERSONAL_TABLES.items():
        ttl = tables[logical_id]["Properties"].get("TimeToLiveSpecification")
        assert ttl == {"AttributeName": attribute, "Enabled": True}, logical_id


def test_every_table_can_be_restored_to_a_point_in_time():
    for logical_id, table in resources_of_type(TEMPLATE, "AWS::DynamoDB::Table").items():
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, (
            logical_id
        )


def _rules(bucket: str) -> dict[str, dict]:
    props = TEMPLATE["Resources"][bucket]["Properties"]
    return {rule["Id"]: rule for rule in props["LifecycleConfiguration"]["Rules"]}


def test_uploads_no_application_took_expire_in_a_day():
    rule = _rules("UploadsBucket")["ExpireAbandonedUploads"]
    assert rule["Status"] == "Enabled" and rule["Prefix"] == "incoming/"
    assert rule["ExpirationInDays"] == retention.INCOMING_UPLOAD_DAYS == 1


def test_a_deleted_permit_pdf_leaves_no_old_version_behind():
    rule = _rules("DocumentsBucket")["ExpireDeletedDocumentVersions"]
    assert rule["Status"] == "Enabled" and rule["Prefix"] == "documents/"
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": retention.NONCURRENT_DOCUMENT_VERSION_DAYS}
    assert rule["ExpiredObjectDeleteMarker"] is True


def test_an_application_removed_by_ttl_has_its_files_deleted_by_the_issue_function():
    table = TEMPLATE["Resources"]["ApplicationsTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "OLD_IMAGE"}
    event = TEMPLATE["Resources"]["IssueFunction"]["Properties"]["Events"]["ApplicationsExpired"]
    assert event["Type"] == "DynamoDB" and event["Properties"]["Stream"] == {
        "Fn::GetAtt": ["ApplicationsTable", "StreamArn"]
    }
    (only,) = event["Properties"]["FilterCriteria"]["Filters"]
    assert '"principalId": ["dynamodb.amazonaws.com"]' in only["Pattern"] and '"REMOVE"' in only["Pattern"]


@pytest.mark.parametrize(
    ("table", "index"), [("ApplicationsTable", "ByNik"), ("BookingsTable", "ByNik"), ("ConsultationsTable", "ByEmail")]
)
def test_a_persons_items_are_found_by_an_index_on_an_hmac(table, index):
    indexes = {i["IndexName"]: i for i in TEMPLATE["Resources"][table]["Properties"]["GlobalSecondaryIndexes"]}
    (key,) = indexes[index]["KeySchema"]
    assert key["AttributeName"] in {"nik_hmac", "email_hmac"} and key["KeyType"] == "HASH"
