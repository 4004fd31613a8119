"""The visit routes through template.yaml's routes on moto: book, see, move, cancel, wait, and the policy knob."""

import datetime as dt
import json

import boto3
import pytest
import time_machine

from devstack.seed import seed_catalogue

REGION = "ap-southeast-3"
# Monday 23 Nov 2026, 08:00 WIB
NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
NIK = "3171010101900001"
OTHER_NIK = "3171010101900002"
ADMIN = {"username": "admin-1", "cognito:groups": "[officer admin]"}
OFFICER = {"username": "officer-1", "cognito:groups": "[officer]"}


@pytest.fixture(autouse=True)
def pinned_clock():
    """Every request here happens on Monday 23 Nov 2026 at 08:00 WIB."""
    with time_machine.travel(NOW, tick=False):
        yield


def visit(nik=NIK, **changes):
    """A booking request at a kelurahan office on Tuesday at 09:00, healthy."""
    return {
        "site_id": "kel-3171011001",
        "counter_id": "ptsp",
        "date": "2026-11-24",
        "start": "09:00",
        "nik": nik,
        "name": "Siti Aminah",
        "email": "siti@example.com",
        "locale": "id",
        "health": {"fever": False, "cough": False, "flu": False},
        **changes,
    }


def book(api, body, key="booking-key-0001"):
    return api.post("/api/bookings", body, headers={"Idempotency-Key": key})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def outbox_events(aws):
    table = boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["NotificationOutboxTable"])
    return sorted(json.loads(i["body"])["event"] for i in table.scan()["Items"])


def queued_events(aws):
    sqs = boto3.client("sqs", region_name=REGION)
    messages = sqs.receive_message(QueueUrl=aws.refs["NotificationsQueue"], MaxNumberOfMessages=10)
    return sorted(json.loads(m["Body"])["event"] for m in messages.get("Messages", []))


def test_a_kelurahan_office_lists_its_slots_from_opening_to_closing(api, catalogue):
    # When
    answer = api.get("/api/sites/kel-3171011001/slots", query={"date": "2026-11-24"})
    # Then 17 half-hour slots from 07:30, each for 2 people, all free
    assert answer.status == 200
    slots = answer.body["slots"]
    assert [s["start"] for s in slots][:2] == ["07:30", "08:00"] and slots[-1]["end"] == "16:00"
    assert len(slots) == 17 and all(s["capacity"] == 2 and s["available"] == 2 for s in slots)


def test_sundays_holidays_and_days_past_the_horizon_have_no_slots(api, catalogue):
    for day in ("2026-11-29", "2026-12-25", "2026-12-08", "2026-11-22"):
        answer = api.get("/api/sites/kel-3171011001/slots", query={"date": day})
        assert answer.status == 200 and answer.body["slots"] == [], day


def test_booking_answers_a_ticket_with_a_qr_and_a_token_and_queues_the_confirmation(api, catalogue, aws):
    # When
    answer = book(api, visit())
    # Then
    assert answer.status == 201, answer.body
    body = answer.body
    assert body["status"] == "BOOKED" and body["ticket_code"].startswith("PTSP-0900-")
    assert body["qr_svg"].startswith("<svg") and body["access_token"]
    assert NIK not in json.dumps(body)
    assert queued_events(aws) == ["booking.confirmed"]
    # And the slot shows one place fewer
    slots = api.get("/api/sites/kel-3171011001/slots", query={"date": "2026-11-24"}).body["slots"]
    assert next(s for s in slots if s["start"] == "09:00")["available"] == 1


def test_the_same_idempotency_key_books_once(api, catalogue):
    first, again = book(api, visit()), book(api, visit())
    assert first.status == again.status == 201
    assert first.body["id"] == again.body["id"] and first.body["access_token"] == again.body["access_token"]


def test_any_symptom_is_refused_with_advice_to_stay_home(api, catalogue):
    answer = book(api, visit(health={"fever": False, "cough": True, "flu": False}))
    assert answer.status == 422
    error = answer.body["error"]
    assert error["code"] == "health_declaration"
    assert "consult.html" in error["details"]["advice"]["links"][1]
    assert [f["field"] for f in error["details"]["fields"]] == ["health.cough"]


def test_a_full_slot_is_refused_with_the_nearest_free_slots(api, catalogue):
    # Given the two places of 09:00 taken
    assert book(api, visit(), "k-00000001").status == 201
    assert book(api, visit(OTHER_NIK), "k-00000002").status == 201
    # When a third person asks for it
    answer = book(api, visit("3171010101900003"), "k-00000003")
    # Then
    assert answer.status == 409
    assert answer.body["error"]["code"] == "slot_full"
    starts = [a["start"] for a in answer.body["error"]["details"]["alternatives"]]
    assert sorted(starts[:2]) == ["08:30", "09:30"] and len(starts) == 3


def test_a_person_books_once_per_site_and_day(api, catalogue):
    assert book(api, visit(), "k-00000001").status == 201
    answer = book(api, visit(start="10:00"), "k-00000002")
    assert answer.status == 409 and answer.body["error"]["code"] == "already_booked"


def test_the_holder_sees_moves_and_cancels_the_booking_and_nobody_else_can(api, catalogue, aws):
    made = book(api, visit()).body
    token, path = made["access_token"], f"/api/bookings/{made['id']}"
    # Another token sees nothing
    assert api.get(path, headers=bearer("x" * 43)).status == 404
    assert api.get(path).status == 401
    # The holder sees it
    seen = api.get(path, headers=bearer(token))
    assert seen.status == 200 and seen.body["start"] == "09:00" and seen.body["qr_svg"]
    # Moves it to Wednesday 10:00, in one go
    moved = api.post(f"{path}/move", {"date": "2026-11-25", "start": "10:00"}, headers=bearer(token))
    assert moved.status == 200 and (moved.body["date"], moved.body["start"]) == ("2026-11-25", "10:00")
    slots = api.get("/api/sites/kel-3171011001/slots", query={"date": "2026-11-24"}).body["slots"]
    assert next(s for s in slots if s["start"] == "09:00")["available"] == 2
    # And cancels it
    cancelled = api.delete(path, headers=bearer(token))
    assert cancelled.status == 200 and cancelled.body == {"id": made["id"], "status": "CANCELLED"}
    assert api.get(path, headers=bearer(token)).body["status"] == "CANCELLED"
    assert api.delete(path, headers=bearer(token)).status == 409
    # And the same person may book that day again
    assert book(api, visit(), "k-00000009").status == 201


def test_a_cancellation_books_the_first_on_the_waitlist_and_tells_them(api, catalogue, aws):
    # Given a full 09:00 slot and a person waiting for it
    first = book(api, visit(), "k-00000001").body
    book(api, visit(OTHER_NIK), "k-00000002")
    still_free = api.post("/api/bookings/waitlist", visit("3171010101900004", start="10:00"))
    assert still_free.status == 409 and still_free.body["error"]["code"] == "slot_available"
    waiting = api.post("/api/bookings/waitlist", visit("3171010101900003", email="rina@example.com"))
    assert waiting.status == 201 and waiting.body["status"] == "WAITLISTED" and waiting.body["position"] == 1
    queued_events(aws)
    # When the first booker cancels
    assert api.delete(f"/api/bookings/{first['id']}", headers=bearer(first["access_token"])).status == 200
    # Then the waiting person holds the place, and both are told
    promoted = api.get(f"/api/bookings/{waiting.body['id']}", headers=bearer(waiting.body["access_token"]))
    assert promoted.body["status"] == "BOOKED" and promoted.body["qr_svg"]
    assert queued_events(aws) == ["booking.cancelled", "booking.waitlist_promoted"]
    slots = api.get("/api/sites/kel-3171011001/slots", query={"date": "2026-11-24"}).body["slots"]
    assert next(s for s in slots if s["start"] == "09:00")["available"] == 0


def test_only_an_admin_sets_the_cap_and_new_bookings_follow_it_at_once(api, catalogue, aws):
    # Given a mall window with 3 people booked across counters
    for n, counter in enumerate(["ptsp", "sim", "pajak"], start=1):
        body = visit(f"317101010190000{n}", site_id="mpp-dki", counter_id=counter)
        assert book(api, body, f"k-0000000{n}").status == 201
    policy = {"capacity": 4, "occupancy_cap_percent": 50}
    # An officer who is not an admin may not, and nobody without a token
    assert api.request("PATCH", "/api/officer/sites/mpp-dki", json_body=policy, claims=OFFICER).status == 403
    assert api.request("PATCH", "/api/officer/sites/mpp-dki", json_body=policy).status == 401
    # When an admin sets 4 people at 50 %
    answer = api.request("PATCH", "/api/officer/sites/mpp-dki", json_body=policy, claims=ADMIN)
    # Then the window now over the cap is listed, the bookings are kept, and the next booking is refused
    assert answer.status == 200, answer.body
    assert answer.body["site"]["capacity"] == 4
    assert answer.body["windows_over_cap"] == [{"date": "2026-11-24", "start": "09:00", "booked": 3, "cap": 2}]
    refused = book(api, visit("3171010101900009", site_id="mpp-dki", counter_id="stnk"), "k-00000009")
    assert refused.status == 409 and refused.body["error"]["code"] == "window_full"
    # And it is in the audit trail
    table = boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["BookingsTable"])
    audit = [i for i in table.scan()["Items"] if i["pk"] == "AUDIT#SITE#mpp-dki"]
    assert len(audit) == 1 and audit[0]["actor"] == "admin-1"
    assert audit[0]["before"]["capacity"] == 400 and audit[0]["after"]["occupancy_cap_percent"] == 50


def test_a_reseed_keeps_the_room_figures_an_admin_set(api, catalogue):
    # Given an admin has capped the mall at 4 people, 50 %
    policy = {"capacity": 4, "occupancy_cap_percent": 50}
    assert api.request("PATCH", "/api/officer/sites/mpp-dki", json_body=policy, claims=ADMIN).status == 200
    # When the catalogue is seeded again (every deployment does)
    seed_catalogue(catalogue)
    # Then the mall keeps the admin's figures, and a site nobody set keeps the seed's
    mall = api.get("/api/sites/mpp-dki").body
    assert (mall["capacity"], mall["occupancy_cap_percent"]) == (4, 50)
    assert api.get("/api/sites/kel-3171011001").body["occupancy_cap_percent"] == 50
    assert api.get("/api/sites/kel-3171011001").body["capacity"] != 4


def test_a_day_out_of_hours_or_a_past_slot_is_refused_by_name(api, catalogue):
    closed = book(api, visit(date="2026-11-29"), "k-00000001")
    assert closed.status == 422 and closed.body["error"]["details"][0]["field"] == "date"
    past = book(api, visit(date="2026-11-23", start="07:30"), "k-00000002")
    assert past.status == 422 and past.body["error"]["details"][0]["code"] == "slot_not_bookable"
    unknown = api.get("/api/sites/nowhere/slots", query={"date": "2026-11-24"})
    assert unknown.status == 404


def test_moving_away_from_a_full_slot_hands_the_place_to_the_first_in_line(api, catalogue, aws):
    # Given a full 09:00 slot and a person waiting for it
    first = book(api, visit(), "k-00000001").body
    book(api, visit(OTHER_NIK, email="budi@example.com"), "k-00000002")
    waiting = api.post("/api/bookings/waitlist", visit("3171010101900003", email="rina@example.com")).body
    # When the first booker moves to 11:00
    moved = api.post(
        f"/api/bookings/{first['id']}/move",
        {"date": "2026-11-24", "start": "11:00"},
        headers=bearer(first["access_token"]),
    )
    # Then the waiting person holds 09:00, and 09:00 stays full
    assert moved.status == 200
    promoted = api.get(f"/api/bookings/{waiting['id']}", headers=bearer(waiting["access_token"])).body
    assert promoted["status"] == "BOOKED"
    slots = api.get("/api/sites/kel-3171011001/slots", query={"date": "2026-11-24"}).body["slots"]
    available = {s["start"]: s["available"] for s in slots}
    assert available["09:00"] == 0 and available["11:00"] == 1


def test_an_address_with_a_nik_in_it_books_the_visit_without_the_email(api, catalogue, aws):
    # Given an address whose name is a NIK (a notification refuses to carry one)
    answer = book(api, visit(email=f"{NIK}@example.com"))
    # Then the visit is booked, with its ticket in the answer, and no e-mail is queued
    assert answer.status == 201 and answer.body["ticket_code"]
    assert queued_events(aws) == []


def test_the_bookings_table_never_holds_the_nik_and_a_move_to_another_day_keeps_one_booking_a_day(api, catalogue, aws):
    # Given a booking on Tuesday, moved to Wednesday
    made = book(api, visit()).body
    moved = api.post(
        f"/api/bookings/{made['id']}/move",
        {"date": "2026-11-25", "start": "10:00"},
        headers=bearer(made["access_token"]),
    )
    assert moved.status == 200, moved.body
    # Then the same person can book Tuesday again, and not a second visit on Wednesday
    assert book(api, visit(start="11:00"), "k-00000002").status == 201
    again = book(api, visit(date="2026-11-25", start="11:00"), "k-00000003")
    assert again.status == 409 and again.body["error"]["code"] == "already_booked"
    # And no item of the bookings table holds the NIK: the booking keeps its HMAC, the guard's key another
    items = boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["BookingsTable"]).scan()["Items"]
    assert len([i for i in items if i["sk"] == "BOOKING"]) == 2
    assert NIK not in json.dumps(items, default=str)
    assert all(i["nik_hmac"] and "nik" not in i for i in items if i["sk"] == "BOOKING")
