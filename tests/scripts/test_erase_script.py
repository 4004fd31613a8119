"""`make erase`: the operator's command runs the erasure rules on a stack's own tables, asking for the NIK unseen."""

import datetime as dt

import boto3
import time_machine

from functions.shared.clock import JAKARTA
from scripts import erase

REGION = "ap-southeast-3"


def test_the_nik_is_asked_twice_until_both_are_the_same_sixteen_digits(capsys):
    # Given an operator who mistypes once, then differs, then gets it right
    answers = iter(["3171-0101", "3171010101900001", "3171010101900009", "3171010101900001", "3171010101900001"])
    # When
    nik = erase.read_nik(prompt=lambda _: next(answers))
    # Then
    assert nik == "3171010101900001"
    assert "3171" not in capsys.readouterr().err


def test_the_script_erases_through_the_stacks_own_tables_and_records_it(aws, monkeypatch):
    # Given the stack's resources by logical id (as the outputs or the local stack's state name them)
    stores = erase.stores_for(aws.refs, boto3.session.Session(region_name=REGION))
    monkeypatch.setattr(erase, "_local_stores", lambda: stores)
    monkeypatch.setattr(erase, "read_nik", lambda: "3171010101900001")
    monkeypatch.setenv("USER", "operator-1")
    # When
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=JAKARTA), tick=False):
        erase.main(["--reason", "Surat permintaan 12/PDP/2026"])
    # Then the request is recorded, by whom and why, with nothing erased (nobody was stored)
    (record,) = boto3.resource("dynamodb", region_name=REGION).Table(aws.refs["ErasuresTable"]).scan()["Items"]
    assert record["by"] == "operator:operator-1" and record["reason"] == "Surat permintaan 12/PDP/2026"
    assert set(record["counts"].values()) == {0}
