"""moto's server on 127.0.0.1 with one lock around its WSGI app (moto's DynamoDB is not thread-safe).

It runs moto with devstack.moto_patches applied, so a day of use neither slows it down nor fills the memory.
"""

import threading
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

from devstack import moto_patches
from devstack.serving import BackgroundServer


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


class MotoServer(BackgroundServer):
    """A threaded moto server bound to loopback only; `url` is the endpoint every boto3 client is pointed at."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        moto_patches.apply()
        self.app = SerializedApp(DomainDispatcherApplication(create_backend_app))
        super().__init__(self.app, host, port, "moto", request_handler=QuietRequestHandler)
