"""Handler tests of the catalogue and service-point routes, in-process on moto."""


def test_catalogue_lists_at_least_twenty_services_of_both_categories(api, catalogue):
    # When
    response = api.get("/api/services")
    # Then
    assert response.status == 200
    services = response.body["services"]
    assert len(services) >= 20
    assert {s["category"] for s in services} == {"perizinan", "nonperizinan"}
    assert "public" in response.headers["Cache-Control"]


def test_search_narrows_the_catalogue_by_text_and_category(api, catalogue):
    # When
    fishing = api.get("/api/services", query={"q": "ikan"}).body["services"]
    non_permits = api.get("/api/services", query={"category": "nonperizinan"}).body["services"]
    # Then
    assert {s["id"] for s in fishing} >= {"sipi", "siup_perikanan"}
    searched = ("id", "name_id", "name_en", "summary_id", "summary_en", "agency")
    assert all(any("ikan" in s[f].lower() for f in searched) for s in fishing)
    assert non_permits and all(s["category"] == "nonperizinan" for s in non_permits)


def test_a_service_shows_requirements_fee_legal_basis_and_sla(api, catalogue):
    # When
    response = api.get("/api/services/sipi")
    # Then
    assert response.status == 200
    service = response.body
    assert service["requirements"] and all(r["accepted_types"] for r in service["requirements"])
    assert service["legal_basis"]
    assert service["sla_days"] == 14
    assert "fee_idr" in service


def test_an_unknown_service_is_a_404_in_the_error_shape(api, catalogue):
    # When
    response = api.get("/api/services/no-such-thing")
    # Then
    assert response.status == 404
    assert response.body["error"]["code"] == "service_not_found"
    assert response.body["error"]["message"] and response.body["error"]["message_en"]


def test_a_bad_category_is_a_422_naming_the_field(api, catalogue):
    # When
    response = api.get("/api/services", query={"category": "permits"})
    # Then
    assert response.status == 422
    assert [d["field"] for d in response.body["error"]["details"]] == ["category"]


def test_there_are_318_service_points_and_the_mall_has_its_counters(api, catalogue):
    # When
    sites = api.get("/api/sites").body["sites"]
    mall = api.get("/api/sites/mpp-dki").body
    # Then
    assert len(sites) == 318
    assert {s["kind"] for s in sites} == {"mall", "kelurahan", "kecamatan", "city"}
    bank = next(c for c in mall["counters"] if c["id"] == "bank-dki")
    assert bank["daily_quota"] == 50
    assert {c["id"] for c in mall["counters"]} >= {"ptsp", "sim", "stnk", "pajak", "imigrasi", "bpjstk", "pln"}


def test_sites_filter_by_kind_and_area(api, catalogue):
    # When
    south = api.get("/api/sites", query={"kind": "kelurahan", "area": "31.74"}).body["sites"]
    # Then
    assert south and all(s["kind"] == "kelurahan" and s["area_code"].startswith("31.74") for s in south)


def test_an_unknown_route_is_a_404_not_a_crash(api, catalogue):
    # When
    response = api.get("/api/sites/kel-0000000000")
    # Then
    assert response.status == 404
    assert response.body["error"]["code"] == "site_not_found"


def test_a_warm_instance_keeps_the_catalogue_a_minute_then_reads_it_again(catalogue, monkeypatch):
    # Given: the catalogue was read once
    from functions.shared import catalogue as store

    clock = [1000.0]
    monkeypatch.setattr(store.time, "monotonic", lambda: clock[0])
    before = len(store.list_services(catalogue))
    catalogue.put_item(
        Item={"pk": "SERVICE", "sk": "zz_new", **{**store.get_service(catalogue, "sipi"), "id": "zz_new"}}
    )
    # When: asked again within the minute, then after it
    within = len(store.list_services(catalogue))
    clock[0] += store.CACHE_SECONDS + 1
    after = len(store.list_services(catalogue))
    # Then
    assert (within, after) == (before, before + 1)


def test_a_service_shows_citizens_facts_not_the_research_behind_them(api, catalogue):
    # When
    sktm = api.get("/api/services/sktm").body
    sipi = api.get("/api/services/sipi").body
    # Then sources, assumptions and research notes stay with the maintainers
    for service in (sktm, sipi):
        assert not {"sources", "assumptions", "research_notes_id", "research_notes_en"} & set(service)
    assert "Malang" not in str(sktm)
    # And the agency is named in both languages
    assert sipi["agency"].startswith("DPMPTSP") and sipi["agency_en"].startswith("DKI Jakarta Investment")
    assert all(s["agency_en"] for s in api.get("/api/services").body["services"])


def test_a_service_applied_for_elsewhere_says_where_and_takes_no_application_here(api, catalogue):
    # When
    nib = api.get("/api/services/nib_oss").body
    upload = api.post(
        "/api/uploads",
        {
            "service_id": "nib_oss",
            "requirement_id": nib["requirements"][0]["id"],
            "filename": "ktp.pdf",
            "content_type": "application/pdf",
            "size": 1000,
        },
    )
    # Then it says where, and this site refuses to start an application for it
    assert nib["applied_at"]["url"] == "https://oss.go.id"
    assert nib["applied_at"]["name_id"] and nib["applied_at"]["name_en"]
    assert upload.status == 422
    [detail] = upload.body["error"]["details"]
    assert (detail["field"], detail["code"]) == ("service_id", "applied_elsewhere")
    assert "oss.go.id" in detail["message"] and "oss.go.id" in detail["message_en"]
