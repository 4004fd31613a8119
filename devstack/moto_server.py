"""moto's server on 127.0.0.1 with one lock around its WSGI app (moto's DynamoDB is not thread-safe)."""

import threading
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server


class SerializedApp:
    """Let one request at a time into moto: concurrent TransactWriteItems otherwise both win or crash."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self.lock:
            # Consume the whole response inside the lock: moto builds bodies lazily.
            return list(self.app(environ, start_response))


class QuietRequestHandler(MotoRequestHandler):
    """moto's request handler without a log line per AWS call."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """Say nothing."""


class MotoServer:
    """A threaded moto server bound to loopback only."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = SerializedApp(DomainDispatcherApplication(create_backend_app))
        self.server: BaseWSGIServer = make_server(
            host, port, self.app, threaded=True, request_handler=QuietRequestHandler
        )
        self.thread = threading.Thread(target=self.server.serve_forever, name="moto", daemon=True)

    @property
    def url(self) -> str:
        """The endpoint every boto3 client is pointed at."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Serve in a background thread."""
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=5)
        self.server.server_close()
