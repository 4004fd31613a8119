"""Officer routes: the caller's Cognito groups, however API Gateway writes them."""

import pytest

from functions.shared.auth import groups_of, require_group
from functions.shared.errors import Forbidden, Unauthorized


@pytest.mark.parametrize(
    ("claim", "groups"),
    [
        ("[officer admin]", {"officer", "admin"}),
        ("[officer]", {"officer"}),
        ('["officer","admin"]', {"officer", "admin"}),
        (["officer"], {"officer"}),
        ("officer,admin", {"officer", "admin"}),
        ("[]", set()),
        ("[officers]", {"officers"}),
    ],
)
def test_groups_are_read_from_every_form_the_claim_takes(claim, groups):
    # Then
    assert groups_of({"cognito:groups": claim}) == groups


def test_an_officer_passes_and_is_named():
    # Then
    assert require_group({"cognito:groups": "[officer]", "username": "petugas"}) == "petugas"
    assert require_group({"cognito:groups": "[admin officer]", "username": "admin"}, "admin") == "admin"


def test_no_claims_is_401_and_no_officer_group_is_403():
    # Then
    with pytest.raises(Unauthorized):
        require_group({})
    with pytest.raises(Unauthorized):
        require_group(None)
    with pytest.raises(Forbidden):
        require_group({"username": "x"})
    with pytest.raises(Forbidden):
        require_group({"cognito:groups": "[officers]", "username": "x"})
    with pytest.raises(Forbidden):
        require_group({"cognito:groups": "[officer]", "username": "x"}, "admin")
