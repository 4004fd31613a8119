"""The console's sign-in with a TOTP app on the local stack: the code step, and a first sign-in that sets one up."""

import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from devstack.totp import STEP_S, totp_code
from tests.browser.test_officer_console import API_WAIT_MS, site

pytestmark = pytest.mark.browser


def _fresh_code(secret: str) -> str:
    """The code of the moment, waiting out the last seconds of a step so the pool checks the same one."""
    if time.time() % STEP_S > STEP_S - 5:
        time.sleep(STEP_S - time.time() % STEP_S + 0.5)
    return totp_code(secret)


def test_the_totp_officer_signs_in_through_the_code_step_and_a_wrong_code_is_told(
    page: Page, local_stack, axe, console_errors
):
    # Given the local stack's officer with a TOTP app
    officer = local_stack.info["totp_officer"]
    console_errors.allow(r"status of 400 .*" + local_stack.info["aws_endpoint_url"].replace(".", r"\."))
    page.goto(site(local_stack, "officer.html"))
    page.get_by_label("Nama pengguna atau e-mail").fill(officer["username"])
    page.get_by_label("Kata sandi", exact=True).fill(officer["password"])
    page.get_by_role("button", name="Masuk").click()
    # Then the password alone is not enough: the code is asked for
    code_field = page.get_by_label("Kode dari aplikasi autentikator")
    expect(code_field).to_be_visible(timeout=API_WAIT_MS)
    expect(page.locator("#console")).to_be_hidden()
    axe(page)
    # When a wrong code is typed
    right = _fresh_code(officer["totp_secret"])
    code_field.fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Masuk").click()
    # Then it is told, and the console stays shut
    expect(page.locator(".error-summary")).to_contain_text("Kode tidak cocok", timeout=API_WAIT_MS)
    expect(page.locator("#console")).to_be_hidden()
    # When the officer types the code of the moment
    code_field.fill(_fresh_code(officer["totp_secret"]))
    code_field.press("Enter")
    # Then the console opens
    expect(page.locator("#who")).to_contain_text(officer["username"], timeout=API_WAIT_MS)


def _password_step(page: Page, local_stack, username: str, password: str) -> None:
    page.goto(site(local_stack, "officer.html"))
    page.get_by_label("Nama pengguna atau e-mail").fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_a_new_officer_changes_the_temporary_password_and_sets_up_a_totp_app_at_first_sign_in(
    page: Page, local_stack, axe, console_errors
):
    # Given an officer the admin created with a temporary password (Cognito asks a new password, then an app)
    cognito = local_stack.client("cognito-idp")
    pool_id = local_stack.info["user_pool_id"]
    username = f"petugas.baru.{uuid.uuid4().hex[:8]}@satupintu.local"
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword="Sementara-2026-A",
        UserAttributes=[{"Name": "email", "Value": username}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="officer")
    # moto does not know the access token of a session begun through MFA_SETUP, so it answers the sign-out's
    # GlobalSignOut with a 400 (the browser logs it); the console forgets its tokens whatever the answer.
    console_errors.allow(r"status of 400 .*" + local_stack.info["aws_endpoint_url"].replace(".", r"\."))
    # When the officer signs in with it
    _password_step(page, local_stack, username, "Sementara-2026-A")
    # Then a new password is asked for
    new_password = page.get_by_label("Kata sandi baru")
    expect(new_password).to_be_visible(timeout=API_WAIT_MS)
    axe(page)
    new_password.fill("Petugas-Baru-2026")
    page.get_by_role("button", name="Masuk").click()
    # and then an authenticator app: the key to add to it is shown
    secret = page.locator("#mfa-secret")
    expect(page.locator("#mfa-setup")).to_be_visible(timeout=API_WAIT_MS)
    axe(page)
    key = secret.inner_text().replace(" ", "")
    assert len(key) >= 8
    # When the app's first code is typed
    code_field = page.get_by_label("Kode dari aplikasi autentikator")
    code_field.fill(_fresh_code(key))
    code_field.press("Enter")
    # Then the console opens
    expect(page.locator("#who")).to_contain_text(username, timeout=API_WAIT_MS)
    # And next time the new password alone is not enough: the app's code is asked for, and opens the console
    page.get_by_role("button", name="Keluar").click()
    _password_step(page, local_stack, username, "Petugas-Baru-2026")
    expect(code_field).to_be_visible(timeout=API_WAIT_MS)
    expect(page.locator("#mfa-setup")).to_be_hidden()
    code_field.fill(_fresh_code(key))
    code_field.press("Enter")
    expect(page.locator("#who")).to_contain_text(username, timeout=API_WAIT_MS)
