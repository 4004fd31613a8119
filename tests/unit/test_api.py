"""The shared resolver reads JSON bodies only: any other media type is a 415 in the API's error shape."""

import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel

from devstack.lambda_runtime import LocalContext
from functions.shared.api import create_resolver, json_response


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
