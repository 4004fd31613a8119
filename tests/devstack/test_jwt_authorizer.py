"""The local JWT authorizer accepts what API Gateway's would and refuses the rest (against moto's Cognito)."""

import base64
import gzip
import json
import time
from importlib import resources

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from devstack.jwt_authorizer import JwtAuthorizer, JwtRejected, claims_as_api_gateway_gives_them
from devstack.moto_server import MotoServer

REGION = "ap-southeast-3"
PASSWORD = "Petugas-Tes-2026"


@pytest.fixture(scope="module")
def cognito_pool():
    """A moto server with a user pool, an app client and an officer who can sign in."""
    server = MotoServer(port=0)
    server.start()
    client = boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool_id = client.create_user_pool(PoolName="officers")["UserPool"]["Id"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="console", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    client.create_group(UserPoolId=pool_id, GroupName="officer")
    client.admin_create_user(UserPoolId=pool_id, Username="petugas", MessageAction="SUPPRESS")
    client.admin_set_user_password(UserPoolId=pool_id, Username="petugas", Password=PASSWORD, Permanent=True)
    client.admin_add_user_to_group(UserPoolId=pool_id, Username="petugas", GroupName="officer")
    tokens = client.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "petugas", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"
    authorizer = JwtAuthorizer(issuer, [client_id], f"{server.url}/{pool_id}/.well-known/jwks.json")
    yield {"authorizer": authorizer, "tokens": tokens, "issuer": issuer, "client_id": client_id}
    server.stop()


def _moto_signing_key():
    """moto's own (public, fixed) private key: lets a test mint tokens the JWKS really vouches for."""
    raw = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    return jwt.PyJWK(json.loads(gzip.decompress(raw))).key


def _claims(pool, **overrides):
    now = int(time.time())
    claims = {
        "iss": pool["issuer"],
        "client_id": pool["client_id"],
        "token_use": "access",
        "sub": "x",
        "cognito:groups": ["officer"],
        "iat": now,
        "exp": now + 600,
    }
    return {**claims, **overrides}


def _mint(pool, **overrides):
    return jwt.encode(_claims(pool, **overrides), _moto_signing_key(), algorithm="RS256", headers={"kid": "dummy"})


def test_a_real_officer_access_token_is_accepted_with_its_groups(cognito_pool):
    # When
    claims = cognito_pool["authorizer"].verify(f"Bearer {cognito_pool['tokens']['AccessToken']}")
    # Then
    assert claims["client_id"] == cognito_pool["client_id"]
    assert claims_as_api_gateway_gives_them(claims)["cognito:groups"] == "[officer]"


def test_the_id_token_is_accepted_by_its_audience(cognito_pool):
    assert cognito_pool["authorizer"].verify(cognito_pool["tokens"]["IdToken"])["aud"] == cognito_pool["client_id"]


def test_a_token_minted_with_the_pool_key_passes_so_the_refusals_below_are_for_their_own_reason(cognito_pool):
    assert cognito_pool["authorizer"].verify(_mint(cognito_pool))["sub"] == "x"


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda pool: None, id="missing"),
        pytest.param(lambda pool: "not-a-jwt", id="garbage"),
        pytest.param(lambda pool: _mint(pool, exp=int(time.time()) - 5), id="expired"),
        pytest.param(lambda pool: _mint(pool, client_id="someone-else"), id="wrong-audience"),
        pytest.param(lambda pool: _mint(pool, iss="https://evil.example/pool"), id="wrong-issuer"),
        pytest.param(
            lambda pool: jwt.encode(
                _claims(pool),
                rsa.generate_private_key(public_exponent=65537, key_size=2048),
                algorithm="RS256",
                headers={"kid": "dummy"},
            ),
            id="forged-signature",
        ),
        pytest.param(
            lambda pool: (
                ".".join(
                    base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
                    for part in ({"alg": "none", "typ": "JWT", "kid": "dummy"}, _claims(pool))
                )
                + "."
            ),
            id="alg-none",
        ),
        pytest.param(lambda pool: jwt.encode(_claims(pool), "s" * 32, algorithm="HS256"), id="hs256"),
    ],
)
def test_bad_tokens_are_refused(cognito_pool, make_token):
    with pytest.raises(JwtRejected):
        cognito_pool["authorizer"].verify(make_token(cognito_pool))
