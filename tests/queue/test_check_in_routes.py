"""At the door, through template.yaml's routes on moto: temperature, check-in, refusal, check-out, the boards."""

import json

import boto3
import pytest
import time_machine
from conftest import ADMIN, BOOKED_AT, CITIZEN, MONDAY, OFFICER, REGION, at

TUESDAY = "2026-11-24"


@pytest.fixture(autouse=True)
def clock():
    """The clock stands still at 07:00 WIB on Monday until a test moves it (`clock.move_to`)."""
    with time_machine.travel(BOOKED_AT, tick=False) as traveller:
        yield traveller


def check_in(api, visitor, temperature=36.6, site_id="uji-pintu", claims=OFFICER):
    body = {"temperature_c": temperature, "site_id": site_id}
    return api.post(f"/api/officer/bookings/{visitor.id}/check-in", body, claims=claims)


def check_out(api, visitor, claims=OFFICER):
    return api.post(f"/api/officer/bookings/{visitor.id}/check-out", claims=claims)


def stored(table, booking_id):
    return table.get_item(Key={"pk": f"BOOKING#{booking_id}", "sk": "BOOKING"}, ConsistentRead=True)["Item"]


def queued(aws):
    sqs = boto3.client("sqs", region_name=REGION)
    found = []
    while True:
        messages = sqs.receive_message(QueueUrl=aws.refs["NotificationsQueue"], MaxNumberOfMessages=10)
        if not messages.get("Messages"):
            return found
        found += [json.loads(m["Body"]) for m in messages["Messages"]]
        for message in messages["Messages"]:
            # Taken for good: the tests move the clock past any visibility timeout.
            sqs.delete_message(QueueUrl=aws.refs["NotificationsQueue"], ReceiptHandle=message["ReceiptHandle"])


def test_a_visitor_without_fever_is_checked_in_and_counted_inside(api, visitors, bookings_table, clock):
    # Given a visit at 09:00, and the visitor at the door at 08:55
    visitor = visitors.book("09:00")
    clock.move_to(at("08:55"))
    # When the officer scans the QR and reads 36.6 °C
    answer = check_in(api, visitor, 36.6)
    # Then
    assert answer.status == 200, answer.body
    body = answer.body
    assert body["status"] == "CHECKED_IN" and body["id"] == visitor.id and body["ticket_code"] == visitor.ticket_code
    assert (body["site_id"], body["counter_id"], body["date"], body["start"], body["end"]) == (
        "uji-pintu",
        "ptsp",
        MONDAY,
        "09:00",
        "09:30",
    )
    assert body["temperature_c"] == 36.6 and body["occupancy"] == {"inside": 1, "cap": 2}
    assert body["checked_in_at"] == "2026-11-23T08:55:00+07:00"
    # And the booking records the reading and who took it
    item = stored(bookings_table, visitor.id)
    assert item["status"] == "CHECKED_IN" and float(item["temperature_c"]) == 36.6
    assert item["checked_in_by"] == {"sub": "0f1e-officer", "username": "officer-1", "email": "petugas@example.go.id"}


def test_an_admin_may_check_in_too_but_not_a_token_without_either_group(api, visitors, clock):
    visitor = visitors.book("09:00")
    clock.move_to(at("08:55"))
    assert check_in(api, visitor, claims=CITIZEN).status == 403
    no_token = api.post(f"/api/officer/bookings/{visitor.id}/check-in", {"temperature_c": 36.6, "site_id": "x"})
    assert no_token.status == 401
    assert check_in(api, visitor, claims=ADMIN).status == 200


@pytest.mark.parametrize("temperature", [33.9, 43.1, 0, 98.6])
def test_an_implausible_reading_is_refused_with_words_for_the_officer(api, visitors, clock, temperature):
    # Given
    visitor = visitors.book("09:00")
    clock.move_to(at("08:55"))
    # When
    answer = check_in(api, visitor, temperature)
    # Then nothing changed, and the field is named
    assert answer.status == 422
    [problem] = answer.body["error"]["details"]
    assert problem["field"] == "temperature_c" and "periksa kembali suhu" in problem["message"].lower()
    assert "check the reading" in problem["message_en"].lower()
    assert check_in(api, visitor, 36.6).status == 200


def test_a_fever_refuses_the_visit_frees_its_place_and_tells_the_visitor_without_the_reading(
    api, visitors, bookings_table, aws, clock
):
    # Given the 09:00 slot full (3 people), its two room windows' share taken, and a waitlist
    first = visitors.book("09:00")
    visitors.book("09:00")
    slots_before = api.get("/api/sites/uji-pintu/slots", query={"date": MONDAY, "counter_id": "ptsp"}).body["slots"]
    assert next(s for s in slots_before if s["start"] == "09:00")["available"] == 0
    queued(aws)  # the confirmations
    clock.move_to(at("08:50"))
    # When the first visitor reads 37.5 °C at the door
    answer = check_in(api, first, 37.5)
    # Then
    assert answer.status == 200, answer.body
    assert answer.body["status"] == "REFUSED" and answer.body["temperature_c"] == 37.5
    assert answer.body["occupancy"] == {"inside": 0, "cap": 2} and answer.body["checked_in_at"] is None
    item = stored(bookings_table, first.id)
    assert item["status"] == "REFUSED" and item["checked_in_by"]["sub"] == "0f1e-officer"
    # And the place is free again, as a cancellation frees it (slot and window; the person's guard too)
    slots_after = api.get("/api/sites/uji-pintu/slots", query={"date": MONDAY, "counter_id": "ptsp"}).body["slots"]
    assert next(s for s in slots_after if s["start"] == "09:00")["available"] == 1
    assert not bookings_table.get_item(Key={"pk": item["guard_pk"], "sk": "GUARD"}, ConsistentRead=True).get("Item")
    # And the visitor is told, in their language, with no temperature in the message
    [message] = queued(aws)
    assert message["event"] == "booking.refused" and message["to"] == "warga1@example.com"
    assert "temperature_c" not in message["facts"] and "37.5" not in json.dumps(message["facts"])
    assert "name" not in message["facts"]


def test_just_below_the_fever_line_is_let_in(api, visitors, clock):
    visitor = visitors.book("09:00")
    clock.move_to(at("08:50"))
    assert check_in(api, visitor, 37.4).body["status"] == "CHECKED_IN"


def test_a_refusal_hands_the_place_to_the_first_on_the_waitlist_while_the_slot_is_ahead(api, visitors, aws, clock):
    # Given the 10:00 slot full (the room's share of its window: two), then a third person waiting
    people = [visitors.book("10:00") for _ in range(2)]
    body = {
        "site_id": "uji-pintu",
        "counter_id": "ptsp",
        "date": MONDAY,
        "start": "10:00",
        "nik": "3171010101909999",
        "name": "Menunggu",
        "email": "menunggu@example.com",
        "locale": "en",
        "health": {"fever": False, "cough": False, "flu": False},
    }
    waiting = api.post("/api/bookings/waitlist", body)
    assert waiting.status == 201, waiting.body
    queued(aws)
    # When the first comes early (09:20) with a fever
    clock.move_to(at("09:20"))
    assert check_in(api, people[0], 38.2).body["status"] == "REFUSED"
    # Then the waiting person has the place and is told
    holder = {"Authorization": f"Bearer {waiting.body['access_token']}"}
    seen = api.get(f"/api/bookings/{waiting.body['id']}", headers=holder)
    assert seen.body["status"] == "BOOKED"
    assert sorted(m["event"] for m in queued(aws)) == ["booking.refused", "booking.waitlist_promoted"]


def test_a_ticket_for_another_day_or_site_or_already_used_or_unknown_is_refused_by_name(api, visitors, clock):
    # Given a visit today and one tomorrow
    today, tomorrow = visitors.book("09:00"), visitors.book("09:00", day=TUESDAY)
    clock.move_to(at("08:55"))
    # Then
    wrong_day = check_in(api, tomorrow)
    assert wrong_day.status == 409 and wrong_day.body["error"]["code"] == "wrong_day"
    wrong_site = check_in(api, today, site_id="mpp-dki")
    assert wrong_site.status == 409 and wrong_site.body["error"]["code"] == "wrong_site"
    assert check_in(api, today).status == 200
    again = check_in(api, today)
    assert again.status == 409 and again.body["error"]["code"] == "already_used"
    assert again.body["error"]["details"] == {"status": "CHECKED_IN"}
    unknown = api.post(
        "/api/officer/bookings/BK-0000000000/check-in", {"temperature_c": 36.5, "site_id": "uji-pintu"}, claims=OFFICER
    )
    assert unknown.status == 404


@pytest.mark.parametrize(("ending", "status"), [("cancel", "CANCELLED"), ("refuse", "REFUSED"), ("done", "DONE")])
def test_a_ticket_that_ended_cannot_enter(api, visitors, clock, ending, status):
    # Given a visit that ended one way or another
    visitor = visitors.book("09:00")
    clock.move_to(at("08:55"))
    if ending == "cancel":
        api.delete(f"/api/bookings/{visitor.id}", headers={"Authorization": f"Bearer {visitor.token}"})
    elif ending == "refuse":
        check_in(api, visitor, 38.0)
    else:
        check_in(api, visitor)
        check_out(api, visitor)
    # When it is shown again
    answer = check_in(api, visitor)
    # Then
    assert answer.status == 409 and answer.body["error"]["code"] == "already_used"
    assert answer.body["error"]["details"]["status"] == status


def test_a_full_room_turns_the_next_visitor_away_until_someone_leaves(api, visitors, bookings_table, clock):
    # Given three visitors of different windows, all at the door at 09:00, and a room for two
    early, middle, late = visitors.book("08:00"), visitors.book("08:30"), visitors.book("09:00")
    clock.move_to(at("09:00"))
    assert check_in(api, early).status == 200
    assert check_in(api, middle).status == 200
    # When the third is measured
    full = check_in(api, late)
    # Then
    assert full.status == 409
    error = full.body["error"]
    assert error["code"] == "room_full" and error["details"] == {"inside": 2, "cap": 2}
    assert error["message"] and error["message_en"] and error["message"] != error["message_en"]
    assert stored(bookings_table, late.id)["status"] == "BOOKED"
    # And once someone leaves, the third goes in
    out = check_out(api, early)
    assert out.status == 200 and out.body == {"id": early.id, "status": "DONE", "occupancy": {"inside": 1, "cap": 2}}
    assert check_in(api, late).body["occupancy"] == {"inside": 2, "cap": 2}


def test_check_out_of_someone_not_inside_is_refused(api, visitors, clock):
    visitor = visitors.book("09:00")
    clock.move_to(at("08:55"))
    refused = check_out(api, visitor)
    assert refused.status == 409 and refused.body["error"]["code"] == "not_inside"
    assert refused.body["error"]["details"] == {"status": "BOOKED"}
    assert api.post("/api/officer/bookings/BK-0000000000/check-out", claims=OFFICER).status == 404
    check_in(api, visitor)
    assert check_out(api, visitor).status == 200
    assert check_out(api, visitor).body["error"]["code"] == "not_inside"


def test_a_typed_ticket_code_finds_todays_booking_at_the_site(api, visitors, clock):
    # Given
    visitor = visitors.book("09:00")
    clock.move_to(at("08:55"))
    # When the officer types the code (in lower case, with spaces around)
    body = {"ticket_code": f"  {visitor.ticket_code.lower()} ", "temperature_c": 36.4}
    answer = api.post("/api/officer/sites/uji-pintu/check-in", body, claims=OFFICER)
    # Then
    assert answer.status == 200, answer.body
    assert answer.body["id"] == visitor.id and answer.body["status"] == "CHECKED_IN"
    # And a code nobody holds today here, or a bad reading, is refused
    other = {"ticket_code": "PTSP-0900-ZZZZ", "temperature_c": 36.4}
    assert api.post("/api/officer/sites/uji-pintu/check-in", other, claims=OFFICER).status == 404
    elsewhere = {"ticket_code": visitor.ticket_code, "temperature_c": 36.4}
    assert api.post("/api/officer/sites/mpp-dki/check-in", elsewhere, claims=OFFICER).status == 404
    bad = {"ticket_code": visitor.ticket_code, "temperature_c": 50}
    assert api.post("/api/officer/sites/uji-pintu/check-in", bad, claims=OFFICER).status == 422


def test_the_boards_show_who_is_inside_and_todays_counts_without_personal_data(api, visitors, clock):
    # Given four visits today: one in, one refused, one cancelled, one still to come
    inside, feverish, cancelled, _later = (visitors.book(s) for s in ("08:30", "09:00", "09:00", "11:00"))
    api.delete(f"/api/bookings/{cancelled.id}", headers={"Authorization": f"Bearer {cancelled.token}"})
    clock.move_to(at("09:05"))
    check_in(api, inside)
    check_in(api, feverish, 39.0)
    # When
    officer = api.get("/api/officer/sites/uji-pintu/occupancy", claims=OFFICER)
    public = api.get("/api/sites/uji-pintu/occupancy")
    # Then the officer sees the day's counts (the cancelled visit no longer counts as booked)
    assert officer.status == 200
    assert officer.body == {
        "site_id": "uji-pintu",
        "inside": 1,
        "cap": 2,
        "checked_in_today": 1,
        "refused_today": 1,
        "no_show_today": 0,
        "booked_today": 3,
        "updated_at": "2026-11-23T09:05:00+07:00",
    }
    assert officer.headers["Cache-Control"] == "no-store"
    # And the entrance board, the room only, briefly cacheable
    assert public.status == 200
    assert public.body == {
        "site_id": "uji-pintu",
        "site_name": "Kantor Kelurahan Uji Pintu",
        "inside": 1,
        "cap": 2,
        "updated_at": "2026-11-23T09:05:00+07:00",
    }
    assert public.headers["Cache-Control"] == "public, max-age=10"
    assert api.get("/api/officer/sites/uji-pintu/occupancy").status == 401
    assert api.get("/api/sites/no-such-site/occupancy").status == 404


def test_yesterdays_count_never_leaks_into_today(api, visitors, clock):
    # Given someone checked in on Monday and never checked out
    visitor = visitors.book("09:00")
    clock.move_to(at("09:00"))
    check_in(api, visitor)
    # When Tuesday begins (before any sweep)
    clock.move_to(at("07:00", TUESDAY))
    board = api.get("/api/sites/uji-pintu/occupancy").body
    # Then the room is empty today
    assert board["inside"] == 0 and board["cap"] == 2


def test_visit_statistics_per_site_and_counter_for_a_day(api, visitors, clock):
    # Given on Monday: two at the permit counter (one in, one refused), one at the tax counter, one cancelled
    permit_in, permit_refused = visitors.book("09:00"), visitors.book("09:30")
    visitors.book("09:00", counter="pajak")
    gone = visitors.book("10:00", counter="pajak")
    api.delete(f"/api/bookings/{gone.id}", headers={"Authorization": f"Bearer {gone.token}"})
    visitors.book("09:00", day=TUESDAY)
    clock.move_to(at("09:00"))
    check_in(api, permit_in)
    check_in(api, permit_refused, 38.0)
    # When
    answer = api.get("/api/stats/visits", query={"date": MONDAY})
    # Then
    assert answer.status == 200
    assert answer.body == {
        "date": MONDAY,
        "sites": [
            {
                "site_id": "uji-pintu",
                "site_name": "Kantor Kelurahan Uji Pintu",
                "booked": 3,
                "checked_in": 1,
                "refused": 1,
                "no_show": 0,
                "counters": [
                    {
                        "counter_id": "pajak",
                        "name_id": "Loket Pajak",
                        "name_en": "Tax counter",
                        "booked": 1,
                        "checked_in": 0,
                        "refused": 0,
                        "no_show": 0,
                    },
                    {
                        "counter_id": "ptsp",
                        "name_id": "Loket Perizinan",
                        "name_en": "Permit counter",
                        "booked": 2,
                        "checked_in": 1,
                        "refused": 1,
                        "no_show": 0,
                    },
                ],
            }
        ],
    }
    assert answer.headers["Cache-Control"].startswith("public")
    # And a site filter, a day with nothing, and a bad date
    assert api.get("/api/stats/visits", query={"date": MONDAY, "site_id": "mpp-dki"}).body == {
        "date": MONDAY,
        "sites": [],
    }
    assert api.get("/api/stats/visits", query={"date": TUESDAY}).body["sites"][0]["booked"] == 1
    assert api.get("/api/stats/visits", query={"date": "2026-13-45"}).status == 422
