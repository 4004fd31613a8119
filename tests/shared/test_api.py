"""The shared resolver reads JSON bodies only, and bounded ones: anything else is a 4xx in the API's error shape."""

import base64
import json
from typing import Annotated, Any, Literal

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, Field

from devstack.lambda_runtime import LocalContext
from functions.shared.api import MAX_BODY_BYTES, MAX_DEPTH, MAX_NUMBER_DIGITS, create_resolver, json_response


class Question(BaseModel):
    """A flat body an HTML form could send as well."""

    name: str
    question: str


def question_api() -> Any:
    """A resolver from create_resolver with one POST route that takes a JSON body."""
    app = create_resolver()

    @app.post("/api/questions")
    def ask(question: Annotated[Question, Body()]) -> Any:
        return json_response(201, {"name": question.name})

    return app


def post_event(body: str, content_type: str | None) -> dict[str, Any]:
    """An HTTP API (payload 2.0) POST /api/questions event."""
    headers = {"content-type": content_type} if content_type else {}
    return {
        "version": "2.0",
        "routeKey": "POST /api/questions",
        "rawPath": "/api/questions",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {"http": {"method": "POST", "path": "/api/questions"}, "stage": "$default"},
        "body": body,
        "isBase64Encoded": False,
    }


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("name=Sari&question=Berapa+lama%3F", "application/x-www-form-urlencoded"),
        ('{"name": "Sari", "question": "Berapa lama?"}', "multipart/form-data"),
        (
            "--b\r\nContent-Disposition: form-data; name=name\r\n\r\nSari\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
        ),
        ('{"name": "Sari", "question": "Berapa lama?"}', "text/plain"),
    ],
)
def test_a_body_that_is_not_json_is_refused_with_415(body: str, content_type: str) -> None:
    # Given a route that takes a JSON body
    app = question_api()
    # When the body comes as a form, as multipart (with or without a boundary) or as plain text
    result = app.resolve(post_event(body, content_type), LocalContext(function_name="test"))
    # Then it is a 415 in the API's error shape, never a 500 and never read as a form
    assert result["statusCode"] == 415
    assert result["headers"]["Content-Type"] == "application/json"
    assert json.loads(result["body"])["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", None])
def test_a_json_body_reaches_the_route(content_type: str | None) -> None:
    # Given a route that takes a JSON body
    app = question_api()
    # When the body is JSON, declared as such or with no Content-Type at all
    event = post_event('{"name": "Sari", "question": "Berapa lama?"}', content_type)
    result = app.resolve(event, LocalContext(function_name="test"))
    # Then the route answers
    assert result["statusCode"] == 201
    assert json.loads(result["body"]) == {"name": "Sari"}


def question_body(question: str) -> str:
    """A JSON body for the question route."""
    return json.dumps({"name": "Sari", "question": question}, ensure_ascii=False)


def resolve(body: str, *, base64_encoded: bool = False) -> tuple[int, dict[str, Any]]:
    """Send a JSON body to the question route; return the status and the parsed answer."""
    event = {**post_event(body, "application/json"), "isBase64Encoded": base64_encoded}
    result = question_api().resolve(event, LocalContext(function_name="test"))
    return result["statusCode"], json.loads(result["body"])


def error_of(answer: dict[str, Any]) -> dict[str, Any]:
    """The error of an answer, checked to be in the API's shape with one detail naming the body."""
    error = answer["error"]
    assert set(error) == {"code", "message", "message_en", "details"}
    [detail] = error["details"]
    assert detail == {
        "field": "body",
        "code": error["code"],
        "message": error["message"],
        "message_en": error["message_en"],
    }
    return error


def test_a_body_up_to_the_limit_is_read_and_one_byte_more_is_a_413() -> None:
    # Given: bodies of exactly the limit and one byte over, counted in UTF-8 bytes (each "é" is two)
    padding = MAX_BODY_BYTES - len(question_body("").encode())
    at_limit = question_body("é" * (padding // 2) + "a" * (padding % 2))
    over = question_body("é" * (padding // 2) + "a" * (padding % 2 + 1))
    # When
    read, refused = resolve(at_limit), resolve(over)
    # Then
    assert len(at_limit.encode()) == MAX_BODY_BYTES and read[0] == 201
    assert refused[0] == 413
    assert error_of(refused[1])["code"] == "body_too_large"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('{"name": "Sari", "question": ' + "9" * 5000 + "}", "number_too_long"),
        ('{"name": "Sari", "question": 1.' + "0" * (MAX_NUMBER_DIGITS + 1) + "}", "number_too_long"),
        ("[" * 500 + "]" * 500, "body_too_deep"),
        ('{"name": ' * (MAX_DEPTH + 1) + '"Sari"' + "}" * (MAX_DEPTH + 1), "body_too_deep"),
    ],
    ids=["5000-digit integer", "overlong fraction", "arrays 500 deep", "objects one level too deep"],
)
def test_an_overlong_number_or_a_too_deep_body_is_a_400_before_it_is_parsed(body: str, code: str) -> None:
    # When
    status, answer = resolve(body)
    # Then
    assert status == 400
    assert error_of(answer)["code"] == code


def test_brackets_and_digits_inside_strings_are_text_not_structure() -> None:
    # Given: a question full of brackets, digits and escaped quotes, which are only text
    question = "[{" * 200 + '\\"' + "1" * 5000 + "}]" * 200
    # When
    status, answer = resolve(question_body(question))
    # Then
    assert (status, answer) == (201, {"name": "Sari"})


def test_the_deepest_allowed_body_reaches_the_route() -> None:
    # Given: a body exactly as deep as allowed (the route then refuses it by its model, as any other wrong shape)
    body = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    # When
    status, answer = resolve(body)
    # Then
    assert status == 422
    assert answer["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    "encoded",
    [base64.b64encode(b'{"name": "Sari", "question": "\xff\xfe"}').decode(), "not base64 at all!"],
    ids=["not UTF-8", "not base64"],
)
def test_a_base64_body_that_is_not_utf8_json_text_is_a_400(encoded: str) -> None:
    # When
    status, answer = resolve(encoded, base64_encoded=True)
    # Then
    assert status == 400
    assert error_of(answer)["code"] == "body_unreadable"


def test_a_base64_body_of_json_text_is_read_and_bounded_by_its_decoded_size() -> None:
    # Given: one body well within the limit, and one a byte over it once decoded (its base64 text is longer still)
    small = question_body("Berapa lama?")
    over = question_body("a" * (MAX_BODY_BYTES + 1 - len(question_body(""))))
    # When
    read = resolve(base64.b64encode(small.encode()).decode(), base64_encoded=True)
    refused = resolve(base64.b64encode(over.encode()).decode(), base64_encoded=True)
    # Then
    assert read == (201, {"name": "Sari"})
    assert refused[0] == 413 and error_of(refused[1])["code"] == "body_too_large"


class Applicant(BaseModel):
    """A body with the kinds of rule the API's models use: a bound, a pattern, a number, a choice."""

    nik: str = Field(pattern=r"^\d{16}$")
    name: str = Field(max_length=5)
    age: int = Field(ge=0)
    locale: Literal["id", "en"]


def applicant_api() -> Any:
    """A resolver from create_resolver with one POST route whose body is an Applicant."""
    app = create_resolver()

    @app.post("/api/questions")
    def ask(applicant: Annotated[Applicant, Body()]) -> Any:
        return json_response(201, {})

    return app


def test_every_validation_detail_is_field_code_and_words_in_both_languages_never_the_input() -> None:
    # Given a body that breaks every rule, with a NIK-like value among the broken ones
    body = json.dumps({"nik": "3171234567890123X", "name": "Sari Wulandari", "age": "2,5", "locale": "fr"})
    # When it is posted
    result = applicant_api().resolve(post_event(body, "application/json"), LocalContext(function_name="test"))
    # Then each detail is {field, code, message, message_en}: pydantic's own type/msg never leak out
    assert result["statusCode"] == 422
    details = json.loads(result["body"])["error"]["details"]
    assert [set(d) for d in details] == [{"field", "code", "message", "message_en"}] * 4
    by_field = {d["field"]: d for d in details}
    assert by_field["nik"]["code"] == "string_pattern_mismatch"
    assert by_field["name"]["message"] == "Terlalu panjang: paling banyak 5 karakter."
    assert by_field["name"]["message_en"] == "Too long: at most 5 characters."
    assert by_field["age"]["message_en"] == "This must be a whole number, with no decimals."
    assert by_field["locale"]["message"] == "Pilih salah satu pilihan yang tersedia."
    # And nothing that was sent comes back
    assert "3171234567890123" not in result["body"] and "Wulandari" not in result["body"]


def test_a_missing_field_is_named_as_required_in_both_languages() -> None:
    # Given a body without a name
    body = json.dumps({"nik": "3171234567890123", "age": 3, "locale": "id"})
    # When it is posted
    result = applicant_api().resolve(post_event(body, "application/json"), LocalContext(function_name="test"))
    # Then the name is named, as required, in both languages
    assert json.loads(result["body"])["error"]["details"] == [
        {"field": "name", "code": "missing", "message": "Wajib diisi.", "message_en": "This is required."}
    ]
