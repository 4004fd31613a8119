"""Officers sign in with a TOTP app: the pool requires it, a right code passes the challenge, a wrong one does not."""

import datetime as dt

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError

from devstack.totp import STEP_S, enrol_totp, totp_code

REGION = "ap-southeast-3"
# Ten seconds into a 30-second TOTP step: the code made here is the one the pool checks.
NOW = dt.datetime(2026, 3, 12, 2, 0, 10, tzinfo=dt.UTC)
USER = {"username": "petugas-totp@satupintu.local", "password": "Petugas-Totp-2026"}


@pytest.fixture
def pool(aws, monkeypatch):
    """The template's user pool on moto, with moto checking TOTP codes, and an officer who set up a TOTP app."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_id, client_id = aws.refs["UserPool"], aws.refs["UserPoolClient"]
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=USER["username"],
        UserAttributes=[{"Name": "email", "Value": USER["username"]}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=USER["username"], Password=USER["password"], Permanent=True
    )
    with time_machine.travel(NOW, tick=False):
        secret = enrol_totp(cognito, pool_id, client_id, USER["username"], USER["password"])
    yield cognito, pool_id, client_id, secret
    cognito.admin_delete_user(UserPoolId=pool_id, Username=USER["username"])


def _password_step(cognito, client_id):
    return cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": USER["username"], "PASSWORD": USER["password"]},
    )


def test_the_local_pool_requires_totp_as_the_template_says(pool):
    # Given
    cognito, pool_id, _, _ = pool
    # When
    described = cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    mfa = cognito.get_user_pool_mfa_config(UserPoolId=pool_id)
    # Then
    assert described["MfaConfiguration"] == "ON" == mfa["MfaConfiguration"]
    assert mfa["SoftwareTokenMfaConfiguration"] == {"Enabled": True}


def test_an_officer_with_a_totp_app_signs_in_through_the_challenge_with_the_code_of_the_moment(pool):
    # Given
    cognito, _, client_id, secret = pool
    with time_machine.travel(NOW, tick=False):
        # When the password is right, the pool asks for the code instead of giving tokens
        first = _password_step(cognito, client_id)
        assert first["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in first
        # and the code the app shows now answers it
        answer = cognito.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=first["Session"],
            ChallengeResponses={"USERNAME": USER["username"], "SOFTWARE_TOKEN_MFA_CODE": totp_code(secret)},
        )
    # Then
    tokens = answer["AuthenticationResult"]
    assert tokens["IdToken"] and tokens["AccessToken"]


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param(lambda secret: totp_code(secret, NOW.timestamp() - 3 * STEP_S), id="a code of 90 s ago"),
        pytest.param(lambda secret: totp_code("JBSWY3DPEHPK3PXP", NOW.timestamp()), id="another app's code"),
        pytest.param(lambda secret: "000000" if totp_code(secret) != "000000" else "111111", id="a guess"),
    ],
)
def test_a_wrong_code_is_refused_and_gives_no_tokens(pool, wrong):
    # Given
    cognito, _, client_id, secret = pool
    with time_machine.travel(NOW, tick=False):
        challenge = _password_step(cognito, client_id)
        code = wrong(secret)
        assert code != totp_code(secret)
        # When / Then
        with pytest.raises(ClientError) as refused:
            cognito.respond_to_auth_challenge(
                ClientId=client_id,
                ChallengeName="SOFTWARE_TOKEN_MFA",
                Session=challenge["Session"],
                ChallengeResponses={"USERNAME": USER["username"], "SOFTWARE_TOKEN_MFA_CODE": code},
            )
    assert refused.value.response["Error"]["Code"] == "CodeMismatchException"


def test_the_code_computed_here_is_rfc_6238s():
    # Given RFC 6238's SHA-1 test secret ("12345678901234567890") and its published value at T = 59 s
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    # When / Then (the RFC's 8-digit 94287082, cut to the six digits authenticator apps show)
    assert totp_code(secret, 59) == "287082"
