"""The stack runs each function as Lambda does: its own processes, environment and module state; warm; replaced."""

import itertools
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from devstack.lambda_runtime import CLOCK_SHIFT_VARIABLE, FunctionError, WorkerFunctions, worker_environment

HERE = Path(__file__).resolve().parent


def _template(timeout_s: int = 5, handler: str = "lambda_probe.handler") -> dict[str, Any]:
    function = {"Type": "AWS::Serverless::Function", "Properties": {"Handler": handler}}
    return {
        "Globals": {"Function": {"Runtime": "python3.13", "Timeout": timeout_s, "MemorySize": 256}},
        "Resources": {"Alpha": function, "Beta": function},
    }


def _functions(concurrency: int = 1, timeout_s: int = 5, handler: str = "lambda_probe.handler") -> WorkerFunctions:
    template = _template(timeout_s, handler)
    functions = WorkerFunctions(template, concurrency=concurrency)
    own = {
        "Alpha": {"POWERTOOLS_SERVICE_NAME": "alpha", "ONLY_ALPHA": "1"},
        "Beta": {"POWERTOOLS_SERVICE_NAME": "beta"},
    }
    functions.configure(
        {name: worker_environment(name, template, {"PYTHONPATH": str(HERE), **env}) for name, env in own.items()}
    )
    return functions


@pytest.fixture
def probe(request: pytest.FixtureRequest) -> Any:
    """Make a WorkerFunctions of two probe functions (Alpha, Beta); every one made is closed after the test."""
    made: list[WorkerFunctions] = []

    def make(**kwargs: Any) -> WorkerFunctions:
        made.append(_functions(**kwargs))
        return made[-1]

    yield make
    for functions in made:
        functions.close()


def _invoke_together(functions: WorkerFunctions, function: str, events: list[dict[str, Any]]) -> list[Any]:
    answers: list[Any] = [None] * len(events)
    start = threading.Barrier(len(events))

    def run(i: int) -> None:
        start.wait()
        answers[i] = functions.invoke(function, events[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(events))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_two_functions_run_in_different_processes_with_their_own_environment_and_module_state(probe, monkeypatch):
    # Given: a variable only the stack's own process has
    monkeypatch.setenv("STACK_PROCESS_ONLY", "1")
    functions = probe()
    ask = {"env": ["POWERTOOLS_SERVICE_NAME", "ONLY_ALPHA", "STACK_PROCESS_ONLY", "AWS_LAMBDA_FUNCTION_NAME"]}
    # When
    alpha_first = functions.invoke("Alpha", ask)
    alpha_second = functions.invoke("Alpha", ask)
    beta = functions.invoke("Beta", ask)
    # Then: each function its own process, kept warm between invocations
    assert alpha_first["pid"] == alpha_second["pid"] != beta["pid"]
    assert os.getpid() not in {alpha_first["pid"], beta["pid"]}
    # ... its own module state
    assert (alpha_first["invocations"], alpha_second["invocations"], beta["invocations"]) == (1, 2, 1)
    # ... and its own environment, none of the stack's
    assert alpha_first["env"] == {
        "POWERTOOLS_SERVICE_NAME": "alpha",
        "ONLY_ALPHA": "1",
        "STACK_PROCESS_ONLY": None,
        "AWS_LAMBDA_FUNCTION_NAME": "Alpha",
    }
    assert beta["env"] == {
        "POWERTOOLS_SERVICE_NAME": "beta",
        "ONLY_ALPHA": None,
        "STACK_PROCESS_ONLY": None,
        "AWS_LAMBDA_FUNCTION_NAME": "Beta",
    }
    assert 0 < alpha_first["remaining_ms"] <= 5000
    assert functions.pids() == {"Alpha": [alpha_first["pid"]], "Beta": [beta["pid"]]}


def test_four_invocations_overlap_when_the_function_may_run_four_instances(probe):
    # Given
    functions = probe(concurrency=4)
    # When
    answers = _invoke_together(functions, "Alpha", [{"sleep_s": 1.0}] * 4)
    # Then: four processes, every one started before any finished
    assert len({a["pid"] for a in answers}) == 4
    assert max(a["started"] for a in answers) < min(a["ended"] for a in answers)


def test_one_instance_takes_one_event_at_a_time(probe):
    # Given
    functions = probe(concurrency=1)
    # When
    answers = sorted(_invoke_together(functions, "Alpha", [{"sleep_s": 0.3}] * 3), key=lambda a: a["started"])
    # Then
    assert len({a["pid"] for a in answers}) == 1
    assert all(earlier["ended"] <= later["started"] for earlier, later in itertools.pairwise(answers))


def test_an_instance_that_dies_is_replaced(probe):
    # Given
    functions = probe()
    first = functions.invoke("Alpha", {})
    # When
    with pytest.raises(FunctionError) as died:
        functions.invoke("Alpha", {"exit": True})
    after = functions.invoke("Alpha", {})
    # Then: a fresh instance, with fresh module state
    assert died.value.error_type == "Runtime.ExitError"
    assert after["pid"] != first["pid"] and after["invocations"] == 1
    assert functions.pids()["Alpha"] == [after["pid"]]


def test_an_instance_killed_while_idle_is_replaced_without_failing_the_next_invocation(probe):
    # Given
    functions = probe()
    first = functions.invoke("Alpha", {})
    os.kill(first["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{first['pid']}/stat").exists() and "Z" not in _state(first["pid"]):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # When
    after = functions.invoke("Alpha", {})
    # Then
    assert after["pid"] != first["pid"] and after["invocations"] == 1


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_an_error_in_the_handler_is_reported_and_the_instance_stays_warm(probe):
    # Given
    functions = probe()
    first = functions.invoke("Alpha", {})
    # When
    with pytest.raises(FunctionError) as failed:
        functions.invoke("Alpha", {"raise": "no such thing"})
    after = functions.invoke("Alpha", {})
    # Then
    assert failed.value.error_type == "ValueError" and "no such thing" in str(failed.value)
    assert after["pid"] == first["pid"] and after["invocations"] == 3


def test_an_invocation_past_its_timeout_is_ended_and_its_instance_replaced(probe):
    # Given: a one-second timeout
    functions = probe(timeout_s=1)
    first = functions.invoke("Alpha", {})
    # When
    started = time.monotonic()
    with pytest.raises(FunctionError) as timed_out:
        functions.invoke("Alpha", {"sleep_s": 30})
    waited = time.monotonic() - started
    after = functions.invoke("Alpha", {})
    # Then
    assert timed_out.value.error_type == "Task.TimedOut"
    assert waited < 10
    assert after["pid"] != first["pid"]


def test_a_function_that_cannot_be_imported_fails_its_invocations(probe):
    # Given
    functions = probe(handler="lambda_probe_that_does_not_exist.handler")
    # When / Then
    with pytest.raises(FunctionError) as failed:
        functions.invoke("Alpha", {})
    assert failed.value.error_type == "Runtime.ImportModuleError"
    assert functions.pids()["Alpha"] == []


def test_closing_stops_every_instance(probe):
    # Given
    functions = probe(concurrency=2)
    answers = [*_invoke_together(functions, "Alpha", [{"sleep_s": 0.5}] * 2), functions.invoke("Beta", {})]
    pids = {a["pid"] for a in answers}
    assert len(pids) == 3
    # When
    started = time.monotonic()
    functions.close()
    # Then
    assert time.monotonic() - started < 5
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
    with pytest.raises(FunctionError):
        functions.invoke("Alpha", {})


def test_a_shifted_clock_puts_an_instance_a_day_ahead_ticking_on_and_the_handler_never_sees_it():
    # Given one function that the stack runs a day ahead (`--clock-at`) and one on the machine's clock
    day_s = 86_400
    template = _template()
    functions = WorkerFunctions(template, concurrency=1)
    shifted = {"PYTHONPATH": str(HERE), CLOCK_SHIFT_VARIABLE: str(day_s)}
    functions.configure(
        {
            "Alpha": worker_environment("Alpha", template, shifted),
            "Beta": worker_environment("Beta", template, {"PYTHONPATH": str(HERE)}),
        }
    )
    try:
        # When each is asked the time, in turn (this process's own clock may be moved: it is not asked)
        beta_before = functions.invoke("Beta", {})
        alpha = functions.invoke("Alpha", {"env": [CLOCK_SHIFT_VARIABLE], "sleep_s": 0.2})
        beta_after = functions.invoke("Beta", {})
    finally:
        functions.close()
    # Then the shifted one reads the machine's time a day ahead, its clock keeps time, and the variable went no
    # further than the worker
    assert beta_before["ended"] + day_s <= alpha["started"] <= beta_after["started"] + day_s
    assert alpha["ended"] - alpha["started"] >= 0.2
    assert alpha["env"] == {CLOCK_SHIFT_VARIABLE: None}
