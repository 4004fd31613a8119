"""One Lambda instance of the submit function in its own process, for the concurrency tests.

It imports the function (a cold start), prints "ready", waits for an HTTP API event on stdin and
prints what the handler answered. The test starts several, and sends the event to all of them at
once only when every one is ready, so their requests really overlap.
"""

import json
import sys


def main() -> None:
    """Answer one event read from stdin; the function's own logs go to stderr."""
    answers = sys.stdout
    # Powertools' Logger writes to the stdout it finds when created: give it stderr instead.
    sys.stdout = sys.stderr
    from devstack.lambda_runtime import LocalContext
    from functions.submit.app import lambda_handler

    print("ready", file=answers, flush=True)
    event = json.loads(sys.stdin.read())
    result = lambda_handler(event, LocalContext(function_name="SubmitFunction"))
    print(json.dumps({"status": result["statusCode"], "body": json.loads(result["body"])}), file=answers, flush=True)


if __name__ == "__main__":
    main()
