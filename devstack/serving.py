"""A WSGI app served from a background thread on loopback: what the moto server and the gateway share."""

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class BackgroundServer:
    """Serves a WSGI app in a daemon thread; port 0 picks a free port."""

    def __init__(
        self, app: Any, host: str, port: int, name: str, request_handler: type[WSGIRequestHandler] | None = None
    ) -> None:
        self.server: BaseWSGIServer = make_server(host, port, app, threaded=True, request_handler=request_handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name=name, daemon=True)

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:3000."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Serve in the background."""
        self.thread.start()

    def stop(self) -> None:
        """Stop serving (if it ever started) and free the port."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=5)
        self.server.server_close()
