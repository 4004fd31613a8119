"""The local HTTP gateway: template.yaml's routes as HTTP API (payload 2.0) events, the site, the mailbox."""

import base64
import gzip
import json
import mimetypes
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from devstack.jwt_authorizer import JwtAuthorizer, JwtRejected, claims_as_api_gateway_gives_them
from devstack.lambda_runtime import FunctionError, Invoker
from devstack.mailbox import Mailbox
from devstack.serving import BackgroundServer
from devstack.template import Route
from functions.shared.observability import logger

TEXT_TYPES = ("application/json", "text/", "application/javascript", "image/svg+xml")


class CompiledRoute:
    """A template route with its path turned into a regular expression."""

    def __init__(self, route: Route) -> None:
        self.route = route
        pattern = re.sub(r"\\\{([A-Za-z0-9_]+)\\\+\\\}", r"(?P<\1>.+)", re.escape(route.path))
        pattern = re.sub(r"\\\{([A-Za-z0-9_]+)\\\}", r"(?P<\1>[^/]+)", pattern)
        self.regex = re.compile(f"^{pattern}$")
        # API Gateway prefers the most specific route: fewer path variables first.
        self.rank = (route.path.count("{"), -len(route.path))

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """Return the path parameters when this route serves the request."""
        if self.route.method not in (method, "ANY"):
            return None
        found = self.regex.match(path)
        return found.groupdict() if found else None


class Gateway(BackgroundServer):
    """Serves /api/* through the functions, the static site from frontend/, and the mailbox."""

    def __init__(
        self,
        functions: Invoker,
        site_dir: Path,
        mailbox: Mailbox,
        host: str = "127.0.0.1",
        port: int = 3000,
    ) -> None:
        self.routes: list[CompiledRoute] = []
        self.authorizers: dict[str, JwtAuthorizer] = {}
        self.security_headers: dict[str, str] = {}
        self.functions = functions
        self.site_dir = site_dir.resolve()
        self.mailbox = mailbox
        super().__init__(self.wsgi, host, port, "gateway")

    def configure(
        self, routes: list[Route], authorizers: dict[str, JwtAuthorizer], security_headers: dict[str, str]
    ) -> None:
        """Serve these routes (most specific first) with these JWT authorizers, and these headers on every answer."""
        self.routes = sorted((CompiledRoute(r) for r in routes), key=lambda r: r.rank)
        self.authorizers = authorizers
        self.security_headers = security_headers

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The WSGI entry point."""
        request = Request(environ)
        try:
            response = self.dispatch(request)
        except Exception:
            logger.exception("gateway failure")
            response = Response('{"message":"Internal Server Error"}', 500, content_type="application/json")
        for name, value in self.security_headers.items():
            response.headers[name] = value
        if request.path.startswith("/_mailbox"):
            # The mailbox is a developer's tool, not a page of the site: it shows e-mails with their inline styles.
            response.headers["Content-Security-Policy"] = MAILBOX_CSP
        return compress(request, response)(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        """Send a request to the API, the mailbox or the static site."""
        path = request.path
        if path == "/api" or path.startswith("/api/"):
            return self.api(request)
        if path == "/_mailbox.json":
            return Response(json.dumps(self.mailbox.messages(), ensure_ascii=False), content_type="application/json")
        if path in ("/_mailbox", "/_mailbox/"):
            return Response(self.mailbox.render_html(), content_type="text/html; charset=utf-8")
        if path == "/_invocations.json" and hasattr(self.functions, "invocations"):
            return Response(json.dumps(self.functions.invocations()), content_type="application/json")
        return self.static(path)

    def api(self, request: Request) -> Response:
        """Answer as API Gateway would: 404 without a route, 401 without a valid token, else the function."""
        for compiled in self.routes:
            params = compiled.match(request.method, request.path)
            if params is not None:
                break
        else:
            return Response('{"message":"Not Found"}', 404, content_type="application/json")
        route = compiled.route
        claims = None
        if route.authorizer:
            try:
                claims = self.authorizers[route.authorizer].verify(request.headers.get("Authorization"))
            except JwtRejected:
                return Response(
                    '{"message":"Unauthorized"}',
                    401,
                    content_type="application/json",
                    headers={"WWW-Authenticate": "Bearer"},
                )
        event = http_api_event(request, route, params, claims)
        try:
            result = self.functions.invoke(route.function, event)
        except FunctionError as error:
            # What API Gateway answers when the function fails; the function's own log has the trace.
            logger.warning("function failed", extra={"function": route.function, "error_type": error.error_type})
            return Response('{"message":"Internal Server Error"}', 500, content_type="application/json")
        return lambda_result_to_response(result)

    def static(self, path: str) -> Response:
        """Serve a file of the static site (index.html for a folder)."""
        relative = path.lstrip("/") or "index.html"
        target = (self.site_dir / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.site_dir) or not target.is_file():
            # An unknown address gets the site's own page, bilingual with a way back, and still the status 404.
            not_found = self.site_dir / "404.html"
            if not not_found.is_file():
                return Response("Not Found", 404, content_type="text/plain; charset=utf-8")
            return Response(not_found.read_bytes(), 404, content_type="text/html; charset=utf-8")
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        return Response(target.read_bytes(), content_type=content_type, headers={"Cache-Control": "no-cache"})


MAILBOX_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
# The AWS endpoints a page may reach (S3 for uploads, Cognito for sign-in) are all the one moto server here.
_AWS_ORIGIN = re.compile(r"https://[a-z0-9.-]+\.amazonaws\.com")


def security_headers(policy: dict[str, Any], aws_endpoint_url: str) -> dict[str, str]:
    """Return the headers CloudFront adds from template.yaml's response headers policy (resolved), as sent locally."""
    config = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    hsts = config["StrictTransportSecurity"]
    csp = " ".join(config["ContentSecurityPolicy"]["ContentSecurityPolicy"].split())
    return {
        "Content-Security-Policy": _AWS_ORIGIN.sub(aws_endpoint_url, csp),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": config["FrameOptions"]["FrameOption"],
        "Referrer-Policy": config["ReferrerPolicy"]["ReferrerPolicy"],
        "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}"
        + ("; includeSubDomains" if hsts.get("IncludeSubdomains") else "")
        + ("; preload" if hsts.get("Preload") else ""),
    }


COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")


def compress(request: Request, response: Response) -> Response:
    """Gzip text the client accepts gzip for, as CloudFront does in front of the site and the API."""
    content_type = response.headers.get("Content-Type", "")
    if (
        "gzip" not in request.headers.get("Accept-Encoding", "")
        or "Content-Encoding" in response.headers
        or not content_type.startswith(COMPRESSIBLE)
        or response.status_code < 200
    ):
        return response
    data = response.get_data()
    if len(data) < 1024:
        return response
    response.set_data(gzip.compress(data, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.add("Vary", "Accept-Encoding")
    return response


def http_api_event(
    request: Request, route: Route, params: dict[str, str], claims: dict[str, Any] | None
) -> dict[str, Any]:
    """Build the payload 2.0 event API Gateway's HTTP API sends to a Lambda integration."""
    raw = request.get_data()
    content_type = request.headers.get("Content-Type", "")
    is_text = not raw or any(content_type.startswith(t) for t in TEXT_TYPES)
    now = datetime.now(UTC)
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        if key != "cookie":
            headers[key] = f"{headers[key]},{value}" if key in headers else value
    query: dict[str, str] = {k: ",".join(v) for k, v in request.args.lists()}
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": request.host,
        "domainPrefix": request.host.split(".")[0],
        "http": {
            "method": request.method,
            "path": request.path,
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "sourceIp": request.remote_addr or "127.0.0.1",
            "userAgent": request.headers.get("User-Agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route.key,
        "stage": "$default",
        "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(time.time() * 1000),
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims_as_api_gateway_gives_them(claims), "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": request.path,
        "rawQueryString": request.query_string.decode(),
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": not is_text,
    }
    if request.cookies:
        event["cookies"] = [f"{k}={v}" for k, v in request.cookies.items()]
    if query:
        event["queryStringParameters"] = query
    if params:
        event["pathParameters"] = params
    if raw:
        event["body"] = raw.decode("utf-8", errors="replace") if is_text else base64.b64encode(raw).decode()
    return event


def lambda_result_to_response(result: Any) -> Response:
    """Turn what a function returned into an HTTP response, as HTTP API's payload 2.0 does."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # Payload 2.0: anything else is a 200 JSON body.
        return Response(json.dumps(result), 200, content_type="application/json")
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    response = Response(data, int(result["statusCode"]))
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = str(value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        for value in values:
            response.headers.add(name, str(value))
    for cookie in result.get("cookies") or []:
        response.headers.add("Set-Cookie", cookie)
    return response
