"""One warm instance of a function in its own process, as Lambda runs it: `python -m devstack.lambda_worker HANDLER`.

devstack.lambda_runtime starts it with the function's own environment. It imports the handler once (the
cold start, with the function's module state: Powertools' Logger and Metrics, settings, clients), says it
is ready, then answers one event at a time: length-prefixed JSON messages in on stdin, out on the stdout
it was started with. It exits when its input closes. Anything the function prints or logs goes to stderr,
the stack's console, as Lambda sends a function's output to its log.
"""

import importlib
import os
import signal
import sys
import traceback
from typing import Any

from devstack.lambda_runtime import LocalContext, read_frame, write_frame


def _error(error: BaseException, error_type: str | None = None) -> dict[str, Any]:
    """Describe an error as Lambda's runtime does (the trace goes to the log, not to the caller)."""
    name = error_type or type(error).__name__
    print(f"[ERROR] {name}: {error}", file=sys.stderr)
    traceback.print_exception(error, file=sys.stderr)
    return {"errorType": name, "errorMessage": str(error)}


def _move_clock(offset_s: str | None) -> None:
    """Run this instance's clock `offset_s` seconds from the machine's, ticking (the stack's `--clock`)."""
    if not offset_s:
        return
    import datetime as dt

    import time_machine

    time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=float(offset_s)), tick=True).start()


def main() -> int:
    """Import the handler, then answer events until stdin closes."""
    handler_path = sys.argv[1]
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", handler_path)
    memory = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # fd 1, and so Powertools' Logger, now writes to the log
    requests = sys.stdin.buffer
    # Ctrl-C in a terminal reaches every process of the group: the stack stops its workers itself, in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _move_clock(os.environ.get("SATUPINTU_CLOCK_OFFSET_S"))
    try:
        module_name, attribute = handler_path.rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), attribute)
    except Exception as error:
        write_frame(answers, {"init_error": _error(error, "Runtime.ImportModuleError")})
        return 1
    write_frame(answers, {"ready": os.getpid()})
    while (request := read_frame(requests)) is not None:
        context = LocalContext(
            function_name=function_name,
            timeout_s=request["timeout_s"],
            memory_limit_in_mb=memory,
            aws_request_id=request["request_id"],
        )
        try:
            result = handler(request["event"], context)
        except Exception as error:
            write_frame(answers, {"error": _error(error)})
            continue
        try:
            write_frame(answers, {"result": result})
        except (TypeError, ValueError) as error:  # Lambda returns only what serialises as JSON
            write_frame(answers, {"error": _error(error, "Runtime.MarshalError")})
    return 0


if __name__ == "__main__":
    code = main()
    # Lambda ends a sandbox without tearing the interpreter down: so does the stack, so it stops at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
