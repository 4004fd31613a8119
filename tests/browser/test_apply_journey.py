"""A citizen applies online on the local stack: service page → apply → uploads → tracking number → track page."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser

# The local stack answers through an emulator; these bound the wait, they are not expectations.
API_WAIT_MS = 60_000
SUBMIT_WAIT_MS = 120_000
TRACKING_NUMBER = re.compile(r"^SP-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$")


def site(local_stack, path: str) -> str:
    """Return the URL of a page of the static site."""
    return local_stack.site_url.rstrip("/") + "/" + path


def required_documents(service: dict) -> list[dict]:
    """Return the requirements a submission cannot go without."""
    return [r for r in service["requirements"] if r["required"]]


def fill_in_the_applicant(page: Page, nik: str = "3171011508850001") -> None:
    """Type the applicant's identity the way a citizen does (the phone with spaces)."""
    page.get_by_label("NIK (Nomor Induk Kependudukan)").fill(nik)
    page.get_by_label("Nama lengkap").fill("Siti Rahayu")
    page.get_by_label("Alamat e-mail").fill("siti.rahayu@example.com")
    page.get_by_label("Nomor telepon seluler").fill("0812 3456 7890")
    page.locator("#declaration").check()


def fill_in_the_service_fields(page: Page, service: dict, citizen_api) -> dict[str, str]:
    """Answer every form field of the service; return what was typed, by field id."""
    typed = {}
    for field in service["form_fields"]:
        typed[field["id"]] = citizen_api.answer(field)
        page.locator(f"#field-{field['id']}").fill(typed[field["id"]])
    return typed


def wait_for_service(page: Page, service: dict) -> None:
    """Wait until the apply page has drawn the service's documents."""
    expect(page.locator("#service")).to_have_value(service["id"], timeout=API_WAIT_MS)
    expect(page.locator(".upload")).to_have_count(len(service["requirements"]), timeout=API_WAIT_MS)


def upload(page: Page, requirement: dict, path) -> None:
    """Choose a file for a requirement and wait until it is stored."""
    page.locator(f"#file-{requirement['id']}").set_input_files(str(path))
    expect(page.locator(f"#doc-{requirement['id']}")).to_have_attribute("data-state", "uploaded", timeout=API_WAIT_MS)


def storage_url(local_stack) -> re.Pattern[str]:
    """Match the presigned POSTs that go straight to the uploads bucket (the emulator's S3)."""
    endpoint = re.escape(local_stack.info["aws_endpoint_url"])
    bucket = re.escape(local_stack.info["resources"]["UploadsBucket"])
    return re.compile(rf"^{endpoint}/{bucket}/?$")


def test_a_citizen_applies_online_and_follows_the_tracking_link(
    page: Page, local_stack, citizen_api, citizen_files, console_errors, axe, screenshot
):
    # Given a service that needs several documents, opened from its own page
    service = citizen_api.simplest_service(min_required=2)
    documents = required_documents(service)
    page.goto(site(local_stack, f"service.html?id={service['id']}"))
    page.locator("main").get_by_role("link", name="Ajukan permohonan").click(timeout=API_WAIT_MS)

    # Then the apply page has that service chosen and one upload per requirement, each labelled
    expect(page).to_have_url(re.compile(rf"apply\.html\?service={service['id']}$"))
    wait_for_service(page, service)
    for requirement in service["requirements"]:
        row = page.locator(f"#doc-{requirement['id']}")
        expect(row.locator("label")).to_contain_text(requirement["label_id"])
        expect(row.locator(".tag")).to_have_text("Wajib" if requirement["required"] else "Bersyarat")
    # And the list of what is still missing names every required document
    readiness = page.locator("#readiness")
    for requirement in documents:
        expect(readiness).to_contain_text(f"Unggah “{requirement['label_id']}”")
    axe(page)
    screenshot(page, "apply-empty")

    # When the citizen fills in everything but uploads nothing, and sends
    fill_in_the_applicant(page)
    typed = fill_in_the_service_fields(page, service, citizen_api)
    submissions = []
    page.on("request", lambda r: submissions.append(r) if r.url.endswith("/api/applications") else None)
    page.get_by_role("button", name="Kirim permohonan").click()

    # Then the error summary, focused at the top, names each missing document and links to its input
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Terjadi masalah")
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(documents))
    for link, requirement in zip(links.all(), documents, strict=True):
        expect(link).to_have_text(f"Unggah “{requirement['label_id']}”")
        expect(link).to_have_attribute("href", f"#file-{requirement['id']}")
    # And each document says so inline, with a hidden "Galat:" for screen readers; the title says it too
    first = documents[0]
    inline = page.locator(f"#file-{first['id']}-error")
    expect(inline).to_have_text(f"Galat: Unggah “{first['label_id']}”")
    expect(inline.locator(".visually-hidden")).to_have_text("Galat: ")
    expect(page.locator(f"#file-{first['id']}")).to_have_attribute("aria-describedby", re.compile(r"-error$"))
    assert page.title() == "Galat: Ajukan permohonan — Satu Pintu"
    # And nothing typed was lost, and nothing was sent
    expect(page.locator("#nik")).to_have_value("3171011508850001")
    for field_id, value in typed.items():
        expect(page.locator(f"#field-{field_id}")).to_have_value(value)
    assert submissions == []
    axe(page)
    screenshot(page, "apply-missing-documents")

    # When the first document is chosen while storage is slow to take it
    held: list[Route] = []
    page.route(storage_url(local_stack), lambda route: held.append(route))
    page.locator(f"#file-{first['id']}").set_input_files(str(citizen_files.pdf))

    # Then its row says it is uploading, with a progress bar
    row = page.locator(f"#doc-{first['id']}")
    expect(row).to_have_attribute("data-state", "uploading")
    expect(row.locator(".upload__message")).to_have_text(f"Mengunggah “{citizen_files.pdf.name}”…")
    expect(row.get_by_role("progressbar")).to_be_visible()
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-label", f"Kemajuan unggahan “{first['label_id']}”")
    for _ in range(600):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the file never went to storage"
    screenshot(page, "apply-uploading")

    # When storage takes it
    held[0].continue_()
    page.unroute(storage_url(local_stack))

    # Then the row shows it uploaded, with a tick, its name and size, and the progress bar gone
    expect(row).to_have_attribute("data-state", "uploaded", timeout=API_WAIT_MS)
    done = re.compile(rf"^✓ Terunggah: “{re.escape(citizen_files.pdf.name)}” \(\d+ KB\)$")
    expect(row.locator(".upload__message")).to_have_text(done)
    expect(row.get_by_role("progressbar")).to_be_hidden()

    # When the other documents are uploaded too: photos and scans
    for i, requirement in enumerate(documents[1:]):
        upload(page, requirement, citizen_files.png if i % 2 == 0 else citizen_files.pdf)

    # Then nothing is missing any more
    expect(readiness).to_contain_text("Semua isian dan dokumen wajib sudah lengkap")
    screenshot(page, "apply-ready")

    # When the application is sent
    page.get_by_role("button", name="Kirim permohonan").click()

    # Then a confirmation shows the tracking number, large, and says to keep it and the link
    number = page.locator("#tracking-number")
    expect(number).to_have_text(TRACKING_NUMBER, timeout=SUBMIT_WAIT_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Permohonan terkirim")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    assert page.title() == "Permohonan terkirim — Satu Pintu"
    expect(page.locator(".warning-text")).to_contain_text("Simpan nomor permohonan")
    expect(page.locator("main")).to_contain_text("siti.rahayu@example.com")
    application_id = number.text_content()
    assert len(submissions) == 1
    assert re.fullmatch(r"[0-9a-f-]{36}", submissions[0].headers["idempotency-key"])
    # And the track link carries the access token only in its fragment, never in the query
    track_link = page.get_by_role("link", name="Lacak permohonan ini")
    href = track_link.get_attribute("href")
    assert re.fullmatch(rf"track\.html#id={application_id}&token=[A-Za-z0-9_-]{{43}}", href), href
    token = href.split("token=")[1]
    expect(page.locator("#access-token")).to_have_text(token)
    # And the API holds the application as submitted, with every document
    assert citizen_api.track(application_id, token)["status"] == "SUBMITTED"
    axe(page)
    screenshot(page, "apply-confirmation")

    # When the citizen follows the track link
    track_link.click()

    # Then the track page shows the application as submitted, with its one step of history
    expect(page.locator("#result-heading")).to_have_text(f"Permohonan {application_id}", timeout=API_WAIT_MS)
    status = page.locator("#status")
    expect(status).to_have_text("Diajukan")
    expect(status).to_have_attribute("data-status", "SUBMITTED")
    expect(page.locator("main")).to_contain_text(service["name_id"])
    steps = page.locator("#timeline .timeline__item")
    expect(steps).to_have_count(1)
    expect(steps.first.locator(".timeline__title")).to_have_text("Diajukan")
    expect(steps.first.locator("time")).to_contain_text("WIB")
    # And the access token is gone from the address bar and the page's links
    assert "token" not in page.url
    assert page.url.endswith(f"#id={application_id}")
    assert "token" not in (page.locator("#lang-switch").get_attribute("href") or "")
    axe(page)
    screenshot(page, "track-submitted")


def test_an_invalid_nik_is_named_on_its_field_and_everything_typed_stays(
    page: Page, local_stack, citizen_api, citizen_files, console_errors, axe, screenshot
):
    # Given the apply page for a service with one required document, filled in and uploaded
    console_errors.allow(r"status of 422")
    service = citizen_api.simplest_service(min_required=1)
    page.goto(site(local_stack, f"apply.html?service={service['id']}"))
    wait_for_service(page, service)
    fill_in_the_applicant(page, nik="12345")
    typed = fill_in_the_service_fields(page, service, citizen_api)
    for requirement in required_documents(service):
        upload(page, requirement, citizen_files.pdf)
    sent = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith("/api/applications") else None)

    # When the NIK is too short
    page.get_by_role("button", name="Kirim permohonan").click()

    # Then the browser stops it at once, on the NIK field
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["NIK harus 16 digit angka"])
    expect(page.locator("#nik-error")).to_have_text("Galat: NIK harus 16 digit angka")
    assert sent == []

    # When the NIK has 16 digits but a province that does not exist, which only the server knows
    page.get_by_label("NIK (Nomor Induk Kependudukan)").fill("9971011508850001")
    page.get_by_role("button", name="Kirim permohonan").click()

    # Then the server's answer is shown on the NIK field, in the summary and inline
    message = "Kode provinsi pada NIK (digit 1-2) tidak dikenal."
    link = summary.get_by_role("link", name=message)
    expect(link).to_be_visible(timeout=SUBMIT_WAIT_MS)
    expect(link).to_have_attribute("href", "#nik")
    expect(page.locator("#nik-error")).to_have_text(f"Galat: {message}")
    expect(page.locator("#nik").locator("xpath=..")).to_have_class(re.compile(r"form-group--error"))
    assert page.title().startswith("Galat: ")
    assert len(sent) == 1
    # And everything the citizen typed and uploaded is still there
    expect(page.locator("#nik")).to_have_value("9971011508850001")
    expect(page.locator("#name")).to_have_value("Siti Rahayu")
    expect(page.locator("#email")).to_have_value("siti.rahayu@example.com")
    expect(page.locator("#phone")).to_have_value("0812 3456 7890")
    for field_id, value in typed.items():
        expect(page.locator(f"#field-{field_id}")).to_have_value(value)
    for requirement in required_documents(service):
        expect(page.locator(f"#doc-{requirement['id']}")).to_have_attribute("data-state", "uploaded")
    axe(page)
    screenshot(page, "apply-invalid-nik")

    # When the summary's link is followed
    link.click()

    # Then the NIK field has focus
    expect(page.locator("#nik")).to_be_focused()

    # When the citizen switches to English
    page.locator("#site-header").get_by_role("link", name="English").click()

    # Then the server's own English message replaces the Indonesian one, and the title says "Error"
    english = "The province code in the NIK (digits 1-2) is not a known province."
    expect(page.locator(".error-summary").get_by_role("link")).to_have_text([english])
    expect(page.locator("#nik-error")).to_have_text(f"Error: {english}")
    expect(page.locator(".error-summary__title")).to_have_text("There is a problem")
    expect(page.get_by_label("NIK (national identity number)")).to_have_value("9971011508850001")
    assert page.title() == "Error: Apply — Satu Pintu"
    axe(page)
    screenshot(page, "apply-invalid-nik-en")


def test_the_apply_page_speaks_english_and_checks_every_answer(page: Page, local_stack, citizen_api, axe, screenshot):
    # Given the apply page opened in English on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    service = citizen_api.simplest_service(min_required=1)
    page.goto(site(local_stack, f"apply.html?service={service['id']}&lang=en"))
    wait_for_service(page, service)
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply")
    expect(page.locator("#service option:checked")).to_have_text(service["name_en"])
    for requirement in service["requirements"]:
        expect(page.locator(f"#doc-{requirement['id']} label")).to_contain_text(requirement["label_en"])

    # When badly formed answers are sent
    page.get_by_label("NIK (national identity number)").fill("3171 0115 0885 0001")
    page.get_by_label("E-mail address").fill("siti.example.com")
    page.get_by_label("Mobile phone number").fill("call me")
    page.get_by_role("button", name="Send application").click()

    # Then each is named in English; the NIK written in groups is accepted as its 16 digits
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    texts = summary.get_by_role("link").all_inner_texts()
    assert "Enter your full name" in texts
    assert "Enter an e-mail address in the correct format, like name@example.com" in texts
    assert "Enter a phone number like 0812 3456 7890" in texts
    assert not any("NIK" in text for text in texts)
    for field in service["form_fields"]:
        if field["required"]:
            assert f"Enter “{field['label_en']}”" in texts
    for requirement in required_documents(service):
        assert f"Upload “{requirement['label_en']}”" in texts
    assert page.title() == "Error: Apply — Satu Pintu"
    axe(page)
    screenshot(page, "apply-errors-en-phone")


def test_choosing_a_service_from_the_list_draws_its_form_and_keeps_it_in_the_address(
    page: Page, local_stack, citizen_api, console_errors, axe, screenshot
):
    # Given the apply page opened without a service, from a link naming one that does not exist
    console_errors.allow(r"status of 404")
    page.goto(site(local_stack, "apply.html?service=no_such_service"))

    # Then it says so on the service list, and asks for nothing else yet
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("link")).to_have_text(
        ["Layanan ini tidak ditemukan. Pilih layanan dari daftar."], timeout=API_WAIT_MS
    )
    expect(summary.get_by_role("link")).to_have_attribute("href", "#service")
    expect(page.locator("#apply-details")).to_be_hidden()
    expect(page.locator("#service option:checked")).to_have_text("Pilih layanan")
    axe(page)
    screenshot(page, "apply-unknown-service")

    # When a service is chosen from the list
    service = citizen_api.simplest_service(min_required=1)
    expect(page.locator(f'#service option[value="{service["id"]}"]')).to_have_text(service["name_id"])
    page.get_by_label("Layanan", exact=True).select_option(service["id"])

    # Then its fields and documents appear, the error is gone, and the address names it for a reload or a share
    wait_for_service(page, service)
    for field in service["form_fields"]:
        expect(page.get_by_label(field["label_id"], exact=True)).to_be_visible()
    expect(summary).to_have_count(0)
    assert page.url.endswith(f"apply.html?service={service['id']}")
    assert page.title() == "Ajukan permohonan — Satu Pintu"


def test_a_failed_upload_says_so_and_can_be_tried_again(
    page: Page, local_stack, citizen_api, citizen_files, console_errors, axe, screenshot
):
    # Given the apply page, and a connection that drops the first file on its way to storage
    console_errors.allow(r"ERR_FAILED|ERR_CONNECTION")
    service = citizen_api.simplest_service(min_required=1)
    requirement = required_documents(service)[0]
    page.goto(site(local_stack, f"apply.html?service={service['id']}"))
    wait_for_service(page, service)
    attempts = []

    def drop_first(route: Route) -> None:
        attempts.append(route.request.url)
        if len(attempts) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(storage_url(local_stack), drop_first)
    row = page.locator(f"#doc-{requirement['id']}")

    # When a file of a kind the requirement does not take is chosen
    page.locator(f"#file-{requirement['id']}").set_input_files(str(citizen_files.text))

    # Then the row refuses it at once, saying which kinds it takes, with no retry of the same file
    expect(row).to_have_attribute("data-state", "failed")
    expect(row.locator(".upload__message")).to_have_text(
        f"Gagal mengunggah “{citizen_files.text.name}”. Pilih berkas PDF, JPG, atau PNG."
    )
    expect(row.get_by_role("button", name=re.compile("^Coba lagi"))).to_have_count(0)
    assert attempts == []

    # When a real PDF is chosen and the connection drops
    page.locator(f"#file-{requirement['id']}").set_input_files(str(citizen_files.pdf))

    # Then the row says the upload failed and offers to try again
    expect(row).to_have_attribute("data-state", "failed", timeout=API_WAIT_MS)
    expect(row.locator(".upload__message")).to_contain_text(f"Gagal mengunggah “{citizen_files.pdf.name}”.")
    expect(row.locator(".upload__message")).to_contain_text("Koneksi terputus")
    retry = row.get_by_role("button", name=f"Coba lagi mengunggah “{requirement['label_id']}”")
    expect(retry).to_be_visible()
    expect(page.locator("#readiness")).to_contain_text(f"Unggah ulang “{requirement['label_id']}”")
    axe(page)
    screenshot(page, "apply-upload-failed")

    # When the citizen tries again
    retry.click()

    # Then the same file is uploaded
    expect(row).to_have_attribute("data-state", "uploaded", timeout=API_WAIT_MS)
    expect(row.locator(".upload__message")).to_contain_text(f"Terunggah: “{citizen_files.pdf.name}”")
    assert len(attempts) == 2
    screenshot(page, "apply-upload-retried")


@pytest.mark.parametrize("path", ["apply.html?service={id}", "track.html", "stats.html", "consult.html"])
def test_each_application_page_stays_under_100_kb_transferred(page: Page, local_stack, citizen_api, path):
    # Given one of the citizen's application pages
    service = citizen_api.simplest_service(min_required=1)
    page.goto(site(local_stack, path.format(id=service["id"])))

    # When it has loaded with everything it fetches (styles, scripts, icon, API data)
    page.wait_for_load_state("networkidle", timeout=API_WAIT_MS)

    # Then the bytes transferred, by the browser's own count, stay under the bar for phones
    transferred = page.evaluate(
        """() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
            .reduce((sum, entry) => sum + entry.transferSize, 0)"""
    )
    assert 0 < transferred < 100_000, f"{path} transferred {transferred} bytes"


def test_a_file_that_is_not_what_it_claims_is_refused_on_that_file_at_once_in_plain_words(
    page: Page, local_stack, citizen_api, citizen_files, console_errors, axe, screenshot, tmp_path
):
    # Given the apply page, and a picture saved with a .pdf name
    console_errors.allow(r"status of 422")
    service = citizen_api.simplest_service(min_required=1)
    requirement = next(r for r in required_documents(service) if "application/pdf" in r["accepted_types"])
    fake = tmp_path / "ktp.pdf"
    fake.write_bytes(citizen_files.png.read_bytes())
    page.goto(site(local_stack, f"apply.html?service={service['id']}"))
    wait_for_service(page, service)
    # When it is chosen, and nothing is sent yet
    page.locator(f"#file-{requirement['id']}").set_input_files(str(fake))
    # Then that file is refused as soon as it lands, in plain words, with a way to choose another
    row = page.locator(f"#doc-{requirement['id']}")
    expect(row).to_have_attribute("data-state", "failed", timeout=API_WAIT_MS)
    message = row.locator(".upload__message")
    expect(message).to_contain_text("bukan PDF yang dapat dibuka. Pilih berkas lain.")
    expect(message).not_to_contain_text("application/pdf")
    expect(page.locator(f"#file-{requirement['id']}")).to_be_enabled()
    axe(page)
    screenshot(page, "apply-refused-file")
    # When the page turns English, the words follow
    page.locator("#site-header").get_by_role("link", name="English").click()
    expect(message).to_contain_text("is not a PDF that can be opened. Choose another file.")
    # When a real PDF is chosen instead, it is taken
    upload(page, requirement, citizen_files.pdf)


def test_a_nik_of_the_wrong_shape_is_named_before_any_upload(page: Page, local_stack, citizen_api, console_errors):
    # Given the apply page
    service = citizen_api.simplest_service(min_required=1)
    page.goto(site(local_stack, f"apply.html?service={service['id']}"))
    wait_for_service(page, service)
    # When a NIK whose birth month is 13 is typed and the citizen moves on
    page.get_by_label("NIK (Nomor Induk Kependudukan)").fill("3171011513850001")
    page.get_by_label("Nama lengkap").focus()
    # Then the NIK is named at once on its field, without taking the citizen's focus away
    expect(page.locator("#nik-error")).to_contain_text("Digit 7–12 NIK harus tanggal lahir")
    expect(page.get_by_label("Nama lengkap")).to_be_focused()
    # When it is put right, the message goes
    page.get_by_label("NIK (Nomor Induk Kependudukan)").fill("3171011508850001")
    page.get_by_label("Nama lengkap").focus()
    expect(page.locator("#nik-error")).to_have_count(0)


@pytest.mark.parametrize(
    ("lang", "restored", "start_over"),
    [("id", "Isian Anda dipulihkan", "Mulai dari awal"), ("en", "Your answers are back", "Start over")],
)
def test_nothing_typed_or_uploaded_is_lost_on_reload_and_start_over_clears_it(
    page: Page, local_stack, citizen_api, citizen_files, lang, restored, start_over, axe, screenshot
):
    # Given a form half filled in, one document uploaded
    service = citizen_api.simplest_service(min_required=1)
    requirement = required_documents(service)[0]
    page.goto(site(local_stack, f"apply.html?service={service['id']}&lang={lang}"))
    wait_for_service(page, service)
    page.locator("#nik").fill("3171011508850001")
    page.locator("#name").fill("Siti Rahayu")
    page.locator("#declaration").check()
    typed = fill_in_the_service_fields(page, service, citizen_api)
    upload(page, requirement, citizen_files.pdf)
    # When the page is reloaded
    page.reload()
    wait_for_service(page, service)
    # Then everything is back, the upload too, and a notice says so with a way to start over
    expect(page.locator("#draft-notice")).to_contain_text(restored)
    expect(page.locator("#nik")).to_have_value("3171011508850001")
    expect(page.locator("#name")).to_have_value("Siti Rahayu")
    expect(page.locator("#declaration")).to_be_checked()
    for field_id, value in typed.items():
        expect(page.locator(f"#field-{field_id}")).to_have_value(value)
    row = page.locator(f"#doc-{requirement['id']}")
    expect(row).to_have_attribute("data-state", "uploaded")
    expect(row.locator(".upload__message")).to_contain_text(citizen_files.pdf.name)
    axe(page)
    screenshot(page, f"apply-draft-restored-{lang}")
    # When the citizen starts over
    page.get_by_role("button", name=start_over).click()
    # Then the form is empty again, and stays empty on the next reload
    wait_for_service(page, service)
    expect(page.locator("#nik")).to_have_value("")
    expect(page.locator(f"#doc-{requirement['id']}")).to_have_attribute("data-state", "empty")
    expect(page.locator("#draft-notice")).to_have_count(0)
    page.reload()
    wait_for_service(page, service)
    expect(page.locator("#name")).to_have_value("")


def test_the_confirmation_has_its_own_address_and_survives_back_forward_and_reload(
    page: Page, local_stack, citizen_api, citizen_files, axe
):
    # Given an application sent from the apply page, opened from the service page
    service = citizen_api.simplest_service(min_required=1)
    page.goto(site(local_stack, f"service.html?id={service['id']}"))
    page.goto(site(local_stack, f"apply.html?service={service['id']}"))
    wait_for_service(page, service)
    fill_in_the_applicant(page)
    fill_in_the_service_fields(page, service, citizen_api)
    for requirement in required_documents(service):
        upload(page, requirement, citizen_files.pdf)
    page.get_by_role("button", name="Kirim permohonan").click()
    number = page.locator("#tracking-number")
    expect(number).to_have_text(TRACKING_NUMBER, timeout=SUBMIT_WAIT_MS)
    application_id = number.text_content()
    # Then the confirmation has its own address, the token only in its fragment
    assert re.search(rf"apply\.html#id={application_id}&token=[A-Za-z0-9_-]{{43}}$", page.url), page.url
    assert "token" not in page.url.split("#")[0]
    confirmation = page.url
    # When it is reloaded, the confirmation is shown again, not an empty form
    page.reload()
    expect(number).to_have_text(application_id)
    expect(page.locator("#apply-form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("siti.rahayu@example.com")
    # When Back is pressed, the citizen leaves it for the page before the form, not for a filled form
    page.go_back()
    expect(page).to_have_url(re.compile(r"service\.html"))
    # When Forward is pressed, the confirmation is back
    page.go_forward()
    expect(page).to_have_url(confirmation)
    expect(number).to_have_text(application_id, timeout=API_WAIT_MS)
    # And nothing started a draft again
    assert page.evaluate("sessionStorage.getItem('satu-pintu.apply.draft')") is None
    axe(page)


@pytest.mark.parametrize(
    ("lang", "whole", "negative", "integer_hint", "decimal_hint", "declaration"),
    [
        (
            "id",
            "“Jumlah anggota keluarga” harus bilangan bulat, tanpa koma, misalnya 3",
            "“Luas tanah (m²)” harus nol atau lebih",
            "Tulis bilangan bulat, misalnya 3.",
            "Tulis angka; boleh pakai koma, misalnya 120 atau 12,5.",
            "Centang pernyataan bahwa data dan dokumen Anda benar",
        ),
        (
            "en",
            "“Number of household members” must be a whole number, with no decimals, like 3",
            "“Land area (m²)” must be zero or more",
            "Write a whole number, for example 3.",
            "Write a number; decimals are fine, for example 120 or 12.5.",
            "Tick the declaration that your data and documents are true",
        ),
    ],
)
def test_numbers_are_read_as_people_write_them_and_the_declaration_is_asked_for(
    page: Page, local_stack, lang, whole, negative, integer_hint, decimal_hint, declaration
):
    # Given the SKTM form (a whole number) and the land-history form (a decimal)
    page.goto(site(local_stack, f"apply.html?service=sktm&lang={lang}"))
    expect(page.locator("#field-household_members")).to_be_visible(timeout=API_WAIT_MS)
    expect(page.locator("#field-household_members-hint")).to_have_text(integer_hint)
    # When a decimal goes into the whole number, and the form is sent without the declaration
    page.locator("#field-household_members").fill("2,5")
    page.locator("#submit").click()
    # Then both are named, in plain words
    texts = page.locator(".error-summary").get_by_role("link").all_inner_texts()
    assert whole in texts and declaration in texts, texts
    # When the decimal form takes 12,5 and 12.5 but not -2,5
    page.goto(site(local_stack, f"apply.html?service=sk_riwayat_tanah&lang={lang}"))
    area = page.locator("#field-land_area_m2")
    expect(area).to_be_visible(timeout=API_WAIT_MS)
    expect(page.locator("#field-land_area_m2-hint")).to_have_text(decimal_hint)
    for typed, refused in (("12,5", False), ("12.5", False), ("-2,5", True)):
        area.fill(typed)
        page.locator("#submit").click()
        texts = page.locator(".error-summary").get_by_role("link").all_inner_texts()
        assert (negative in texts) is refused, (typed, texts)
        assert not any("Land area" in t or "Luas tanah" in t for t in texts if t != negative), (typed, texts)
