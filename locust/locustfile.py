"""Locust load shaped by an Azure Functions 2019 per-minute invocation trace.

The shape (:class:`TraceShape`) replays minutes ``A:B`` of a trace in the
official Azure Functions 2019 layout (``invocations_per_function_md.anon.dXX.csv``)::

    HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440

Every trace minute lasts ``60 / speedup`` seconds. In trace minute ``m`` the
chosen functions ask for ``total(m) * speedup / 60`` requests per second
(``total(m)`` = the sum of their counts in that minute); a user sends one
request every ``pacing`` seconds, so the step holds::

    users(m) = min(max_users, floor(total(m) * speedup / 60 * pacing + 0.5))

users (rounded half up). After the last minute the shape returns ``None`` and
a ``--headless`` run ends: never combine it with ``--run-time``.

Each chosen function drives one workflow (``--workflows``, round-robin over the
chosen functions, in order); a user picks the workflow of every request with
the current minute's weights (the counts of the functions of each workflow).
A request is a BLOCKING OpenWhisk invocation::

    POST {host}/api/v1/namespaces/_/actions/{workflow}/invoke?blocking=true&result=false

with basic auth from ``AQUATOPE_API_KEY`` (or ``__OW_API_KEY``), ``uuid:secret``,
and the JSON body of ``--params``. It counts as a failure unless the answer is
HTTP 200 and the activation's ``response.success`` is true. Requests are named
by workflow, so ``--csv`` statistics are per workflow.

Run (from the repository root)::

    AQUATOPE_API_KEY=uuid:secret /usr/bin/locust -f locust/locustfile.py --headless \\
        --host http://127.0.0.1:3233 --csv reports/load/locust \\
        --trace invocations_per_function_md.anon.d01.csv --functions top:3 \\
        --minutes 600:610 --speedup 6 --max-users 50

Only locust itself (Debian's ``python3-locust``) is needed. ``npm run load``
validates everything first, converts other trace layouts, starts the runtime
and runs this file.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote

import gevent
import locust.stats
from locust import HttpUser, LoadTestShape, events, task

# ---------------------------------------------------------------------------
# Defaults (kept equal to the ones of `npm run load`, src/load/load-options.ts).

#: Workflows driven round-robin by the chosen functions.
DEFAULT_WORKFLOWS = ("ml-inference", "video-pipeline", "social-network")
#: Functions replayed: the 3 busiest over the chosen minutes.
DEFAULT_FUNCTIONS = "top:3"
#: Minutes replayed, 0-based offsets from the trace's first minute, half-open.
DEFAULT_MINUTES = "0:10"
#: Trace minutes per minute of wall time (1: real time).
DEFAULT_SPEEDUP = 1.0
#: Ceiling on the number of users.
DEFAULT_MAX_USERS = 50
#: Seconds between the starts of one user's requests.
DEFAULT_PACING_S = 1.0
#: Seed of the workflow choice.
DEFAULT_SEED = 1
#: Client-side timeout of one request, s (OpenWhisk answers a blocking call within 60 s, 202 after that).
REQUEST_TIMEOUT_S = 75.0
#: Most users started per second when the user count changes (locust warns above 100).
MAX_SPAWN_RATE = 100.0

ID_COLUMNS = ("HashOwner", "HashApp", "HashFunction", "Trigger")
OFFICIAL_HEADER = ",".join(ID_COLUMNS) + ",1,2,..."
INVITRO_FIRST = "HashFunction"
API_KEY_ENV = ("AQUATOPE_API_KEY", "__OW_API_KEY")
#: When set (by ``npm run load``), the run stops once locust's parent is no longer this pid.
PARENT_PID_ENV = "AQUATOPE_PARENT_PID"
#: A workflow (OpenWhisk package) name: OpenWhisk's entity-name characters, without spaces.
WORKFLOW_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_@.\-]*")


class LoadConfigError(Exception):
    """A bad option value, a missing key or a malformed trace: reported on stderr, exit code 2."""


def _trace_error(path: str, line: int, column: int, expected: str, found: str) -> LoadConfigError:
    """The error for a malformed trace, worded like the project's TraceFormatError (file:line:column)."""
    where = f"{path}:{line}" + (f":{column}" if column > 0 else "")
    shown = found if len(found) <= 80 else found[:77] + "..."
    return LoadConfigError(f"{where}: expected {expected}" + ("" if found == "" else f", found {json.dumps(shown)}"))


def _is_digits(text: str) -> bool:
    """True for a non-empty run of ASCII digits (``str.isdigit`` alone also takes other scripts' digits)."""
    return text != "" and text.isascii() and text.isdigit()


# ---------------------------------------------------------------------------
# Options


@dataclass(frozen=True)
class FunctionSpec:
    """Which trace rows to replay: ``first:N``, ``top:N`` (busiest over the minutes; both all rows when
    the trace has fewer than N) or explicit 0-based indices, in this order."""

    kind: str
    count: int = 0
    indices: Tuple[int, ...] = ()


@dataclass(frozen=True)
class ShapeOptions:
    """The shape's options, validated."""

    trace: str
    functions: FunctionSpec
    minutes: Tuple[int, int]
    speedup: float
    max_users: int
    pacing_s: float
    workflows: Tuple[str, ...]
    params: Dict[str, object] = field(default_factory=dict)
    seed: int = DEFAULT_SEED


def parse_function_spec(value: str) -> FunctionSpec:
    """``first:N``, ``top:N`` (N >= 1) or ``I,J,K`` (distinct 0-based row indices; a single number is one index)."""
    text = value.strip()
    for kind in ("first", "top"):
        if text.startswith(kind + ":"):
            n = text[len(kind) + 1 :]
            if not _is_digits(n) or int(n) < 1:
                raise LoadConfigError(f'--functions "{value}": {kind}:N needs a whole number N >= 1')
            return FunctionSpec(kind=kind, count=int(n))
    parts = [p.strip() for p in text.split(",")]
    if text == "" or any(not _is_digits(p) for p in parts):
        raise LoadConfigError(
            f'--functions must be first:N, top:N or comma-separated 0-based row indices like 0,3,7, got "{value}"'
        )
    indices = tuple(int(p) for p in parts)
    if len(set(indices)) != len(indices):
        raise LoadConfigError(f'--functions "{value}": an index is repeated')
    return FunctionSpec(kind="indices", indices=indices)


def parse_minutes(value: str) -> Tuple[int, int]:
    """``A:B``: whole minutes, 0 <= A < B, 0-based offsets from the trace's first minute, B excluded."""
    parts = value.strip().split(":")
    if len(parts) != 2 or not _is_digits(parts[0]) or not _is_digits(parts[1]):
        raise LoadConfigError(f'--minutes must be A:B with whole minutes 0 <= A < B, got "{value}"')
    start, end = int(parts[0]), int(parts[1])
    if start >= end:
        raise LoadConfigError(f'--minutes "{value}": the start ({start}) must be below the end ({end})')
    return start, end


def _positive_number(flag: str, value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    if not math.isfinite(x) or x <= 0:
        raise LoadConfigError(f'{flag} must be a finite number > 0, got "{value}"')
    return x


def _positive_int(flag: str, value: str) -> int:
    text = value.strip()
    if not _is_digits(text) or int(text) < 1:
        raise LoadConfigError(f'{flag} must be a whole number >= 1, got "{value}"')
    return int(text)


def parse_workflows(value: str) -> Tuple[str, ...]:
    """Comma-separated OpenWhisk package names, each with an ``invoke`` action."""
    names = tuple(n.strip() for n in value.split(","))
    for n in names:
        if WORKFLOW_NAME.fullmatch(n) is None:
            raise LoadConfigError(f'--workflows must be comma-separated package names like ml-inference,social-network, got "{value}"')
    return names


def parse_params(value: str) -> Dict[str, object]:
    """A JSON object: the workflow's input parameters."""
    try:
        parsed = json.loads(value)
    except ValueError as e:
        raise LoadConfigError(f"--params must be a JSON object, got {json.dumps(value)} ({e})") from None
    if not isinstance(parsed, dict):
        raise LoadConfigError(f"--params must be a JSON object, got {json.dumps(value)}")
    return parsed


def shape_options_from(parsed: object) -> ShapeOptions:
    """Validates locust's parsed options (see :func:`add_arguments`)."""
    trace = getattr(parsed, "trace", None)
    if trace is None or trace == "":
        raise LoadConfigError("--trace FILE is required (an Azure Functions 2019 per-minute invocation CSV)")
    seed_text = str(getattr(parsed, "seed", DEFAULT_SEED))
    if not _is_digits(seed_text):
        raise LoadConfigError(f'--seed must be a whole number >= 0, got "{seed_text}"')
    return ShapeOptions(
        trace=trace,
        functions=parse_function_spec(str(getattr(parsed, "functions", DEFAULT_FUNCTIONS))),
        minutes=parse_minutes(str(getattr(parsed, "minutes", DEFAULT_MINUTES))),
        speedup=_positive_number("--speedup", str(getattr(parsed, "speedup", DEFAULT_SPEEDUP))),
        max_users=_positive_int("--max-users", str(getattr(parsed, "max_users", DEFAULT_MAX_USERS))),
        pacing_s=_positive_number("--pacing", str(getattr(parsed, "pacing", DEFAULT_PACING_S))),
        workflows=parse_workflows(str(getattr(parsed, "workflows", ",".join(DEFAULT_WORKFLOWS)))),
        params=parse_params(str(getattr(parsed, "params", "{}"))),
        seed=int(seed_text),
    )


def read_api_key(env: Dict[str, str]) -> Tuple[str, str]:
    """The OpenWhisk key ``uuid:secret`` from ``AQUATOPE_API_KEY`` or ``__OW_API_KEY``."""
    for name in API_KEY_ENV:
        key = env.get(name, "")
        if key != "":
            user, sep, secret = key.partition(":")
            if sep == "" or user == "" or secret == "":
                raise LoadConfigError(f"{name} must be an OpenWhisk key uuid:secret")
            return user, secret
    raise LoadConfigError(f"no OpenWhisk API key: set {API_KEY_ENV[0]} (or {API_KEY_ENV[1]}) to uuid:secret")


# ---------------------------------------------------------------------------
# Trace


@dataclass(frozen=True)
class ChosenFunction:
    """One replayed trace row: its 0-based row index, id, and counts over the chosen minutes."""

    index: int
    function_id: str
    counts: Tuple[int, ...]


def _parse_count(path: str, line: int, column: int, cell: str) -> int:
    # As the project's parser: digits, optionally '.' and zeros only (pandas' 12.0).
    digits, dot, zeros = cell.partition(".")
    if not _is_digits(digits) or (dot and zeros.strip("0") != ""):
        raise _trace_error(path, line, column, "a non-negative integer count", cell)
    return int(digits)


def _parse_header(path: str, text: str) -> int:
    """Checks the header; returns the number of minute columns."""
    if text == "":
        raise _trace_error(path, 1, 1, "a header line", "")
    fields = text.split(",")
    if fields[0] == INVITRO_FIRST:
        raise _trace_error(
            path, 1, 1,
            f'header column "HashOwner" ({OFFICIAL_HEADER}); this is the vHive in-vitro layout, '
            "which npm run load converts (the locustfile reads only the official Azure 2019 layout)",
            fields[0],
        )
    for i, name in enumerate(ID_COLUMNS):
        found = fields[i] if i < len(fields) else ""
        if found != name:
            raise _trace_error(path, 1, i + 1, f'header column "{name}" ({OFFICIAL_HEADER})', found)
    labels = fields[len(ID_COLUMNS) :]
    if not labels:
        raise _trace_error(path, 1, len(ID_COLUMNS) + 1, f"minute columns after Trigger ({OFFICIAL_HEADER})", "")
    first = labels[0]
    if not _is_digits(first) or str(int(first)) != first:
        raise _trace_error(path, 1, len(ID_COLUMNS) + 1, f'a minute column label like "1" ({OFFICIAL_HEADER})', first)
    for k, label in enumerate(labels):
        want = str(int(first) + k)
        if label != want:
            raise _trace_error(path, 1, len(ID_COLUMNS) + k + 1, f'minute column "{want}" (minute columns must be contiguous)', label)
    return len(labels)


def read_trace(path: str, spec: FunctionSpec, minutes: Tuple[int, int]) -> List[ChosenFunction]:
    """Streams the trace, checks every line and keeps the chosen rows' counts of minutes [A, B).

    :raises LoadConfigError: an unreadable file, a malformed header or row (file:line:column),
        minutes or indices outside the trace
    """
    start, end = minutes
    kept: Dict[int, ChosenFunction] = {}
    top: List[Tuple[int, int, ChosenFunction]] = []  # min-heap of (total, -index, row)
    wanted = set(spec.indices)
    n_minutes = 0
    rows = 0
    try:
        with open(path, "r", encoding="utf-8-sig", newline="") as f:
            for line_no, raw in enumerate(f, start=1):
                text = raw.rstrip("\r\n")
                if line_no == 1:
                    n_minutes = _parse_header(path, text)
                    if end > n_minutes:
                        raise LoadConfigError(
                            f'--minutes "{start}:{end}": the trace {path} has {n_minutes} minutes (0:{n_minutes} at most)'
                        )
                    continue
                if text == "":
                    raise _trace_error(path, line_no, 1, "a data row (blank lines are not allowed)", "")
                fields = text.split(",")
                expected = len(ID_COLUMNS) + n_minutes
                if len(fields) != expected:
                    column = len(fields) + 1 if len(fields) < expected else expected + 1
                    raise _trace_error(
                        path, line_no, column,
                        f"{expected} fields separated by commas ({len(ID_COLUMNS)} id columns and {n_minutes} minute columns, as in the header)",
                        f"{len(fields)} fields",
                    )
                for i, name in enumerate(ID_COLUMNS):
                    if fields[i] == "":
                        raise _trace_error(path, line_no, i + 1, f"a non-empty {name}", "")
                cells = fields[len(ID_COLUMNS) :]
                joined = "".join(cells)
                if not (joined.isascii() and joined.isdigit()) or "" in cells:
                    # Not plain digits everywhere: check cell by cell (12.0 is fine), naming the bad one.
                    cells = [str(_parse_count(path, line_no, len(ID_COLUMNS) + m + 1, c)) for m, c in enumerate(cells)]
                index = rows
                rows += 1
                if spec.kind == "top":
                    row = ChosenFunction(index, fields[2], tuple(int(c) for c in cells[start:end]))
                    item = (sum(row.counts), -index, row)
                    if len(top) < spec.count:
                        heapq.heappush(top, item)
                    elif item[:2] > top[0][:2]:
                        heapq.heapreplace(top, item)
                elif (spec.kind == "indices" and index in wanted) or (spec.kind == "first" and index < spec.count):
                    kept[index] = ChosenFunction(index, fields[2], tuple(int(c) for c in cells[start:end]))
    except OSError as e:
        raise LoadConfigError(f"{path}: cannot read the trace ({e.strerror or e})") from None
    except UnicodeDecodeError as e:
        raise LoadConfigError(f"{path}: not a UTF-8 text file ({e.reason} at byte {e.start})") from None
    if n_minutes == 0:
        raise _trace_error(path, 0, 0, "a header line", "")
    if rows == 0:
        raise _trace_error(path, 2, 1, "at least one data row after the header", "")
    if spec.kind == "indices":
        missing = [i for i in spec.indices if i >= rows]
        if missing:
            raise LoadConfigError(f"--functions: index {missing[0]} is outside the trace {path} ({rows} functions, 0..{rows - 1})")
        return [kept[i] for i in spec.indices]
    if spec.kind == "first":
        return [kept[i] for i in range(min(spec.count, rows))]
    # Busiest first; ties by row order.
    return [row for _, _, row in sorted(top, key=lambda t: (-t[0], -t[1]))]


# ---------------------------------------------------------------------------
# Plan


@dataclass(frozen=True)
class LoadPlan:
    """What the shape does, minute by minute."""

    #: Wall seconds per trace minute (60 / speedup).
    minute_s: float
    #: Users of each replayed minute.
    users: Tuple[int, ...]
    #: Per replayed minute, the weight of each workflow (its functions' counts), aligned with ``workflows``.
    weights: Tuple[Tuple[int, ...], ...]
    workflows: Tuple[str, ...]
    #: Users started per second when the count changes.
    spawn_rate: float


def users_for(total: int, speedup: float, pacing_s: float, max_users: int) -> int:
    """``min(max_users, floor(total * speedup / 60 * pacing + 0.5))``: a minute's request rate times the pacing, rounded half up."""
    return min(max_users, int(math.floor(total * speedup / 60.0 * pacing_s + 0.5)))


def build_plan(functions: Sequence[ChosenFunction], options: ShapeOptions) -> LoadPlan:
    """The per-minute users and workflow weights of the chosen functions."""
    workflows = options.workflows
    start, end = options.minutes
    users: List[int] = []
    weights: List[Tuple[int, ...]] = []
    for m in range(end - start):
        w = [0] * len(workflows)
        for k, fn in enumerate(functions):
            w[k % len(workflows)] += fn.counts[m]
        weights.append(tuple(w))
        users.append(users_for(sum(w), options.speedup, options.pacing_s, options.max_users))
    return LoadPlan(
        minute_s=60.0 / options.speedup,
        users=tuple(users),
        weights=tuple(weights),
        workflows=workflows,
        spawn_rate=min(MAX_SPAWN_RATE, float(options.max_users)),
    )


#: The plan of this run, set by the `init` listener (or by a test).
PLAN: Optional[LoadPlan] = None


class TraceShape(LoadTestShape):
    """Users follow the trace minute by minute; ``None`` (the end of the run) after the last minute."""

    def __init__(self, plan: Optional[LoadPlan] = None) -> None:
        super().__init__()
        self.plan = plan

    def _plan(self) -> LoadPlan:
        plan = self.plan if self.plan is not None else PLAN
        if plan is None:
            raise RuntimeError("TraceShape: no plan (the init listener did not run)")
        return plan

    def minute_index(self, run_time_s: float) -> int:
        """0-based replayed minute at ``run_time_s`` seconds into the run."""
        return int(run_time_s // self._plan().minute_s)

    def tick_at(self, run_time_s: float) -> Optional[Tuple[int, float]]:
        """``(users, spawn rate)`` at ``run_time_s`` seconds, ``None`` after the last minute."""
        plan = self._plan()
        i = self.minute_index(run_time_s)
        if i >= len(plan.users):
            return None
        return plan.users[i], plan.spawn_rate

    def tick(self) -> Optional[Tuple[int, float]]:
        return self.tick_at(self.get_run_time())


# ---------------------------------------------------------------------------
# Locust hooks


@events.init_command_line_parser.add_listener
def add_arguments(parser) -> None:  # type: ignore[no-untyped-def]
    group = parser.add_argument_group("Azure trace shape (locust/locustfile.py)")
    group.add_argument("--trace", type=str, default=None, help="Azure Functions 2019 per-minute invocation CSV (HashOwner,HashApp,HashFunction,Trigger,1,...)")
    group.add_argument("--functions", type=str, default=DEFAULT_FUNCTIONS, help=f"rows to replay: first:N, top:N (the N busiest over --minutes; all rows when fewer), or 0-based indices 0,3,7 (default {DEFAULT_FUNCTIONS})")
    group.add_argument("--minutes", type=str, default=DEFAULT_MINUTES, help=f"minutes A:B (0-based, B excluded) to replay (default {DEFAULT_MINUTES})")
    group.add_argument("--speedup", type=str, default=str(DEFAULT_SPEEDUP), help="one trace minute lasts 60/X seconds (default 1)")
    group.add_argument("--max-users", type=str, default=str(DEFAULT_MAX_USERS), help=f"ceiling on the users (default {DEFAULT_MAX_USERS})")
    group.add_argument("--pacing", type=str, default=str(DEFAULT_PACING_S), help="seconds between one user's requests (default 1)")
    group.add_argument("--workflows", type=str, default=",".join(DEFAULT_WORKFLOWS), help=f"workflow of each chosen function, round-robin (default {','.join(DEFAULT_WORKFLOWS)})")
    group.add_argument("--params", type=str, default="{}", help="JSON object sent as each invocation's parameters (default {})")
    group.add_argument("--seed", type=str, default=str(DEFAULT_SEED), help=f"seed of the workflow choice (default {DEFAULT_SEED})")


#: State shared by the users of this process.
_RUN: Dict[str, object] = {}


def _fail(message: str) -> None:
    sys.stderr.write(f"locustfile: {message}\n")
    sys.stderr.flush()
    sys.exit(2)


@events.init.add_listener
def on_init(environment, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    global PLAN
    parsed = environment.parsed_options
    if parsed is None:
        return
    try:
        if not getattr(parsed, "host", None):
            raise LoadConfigError("--host is required (the OpenWhisk API host, e.g. http://127.0.0.1:3233)")
        if getattr(parsed, "run_time", None):
            raise LoadConfigError("--run-time cannot be combined with the trace shape: the run ends with the shape")
        options = shape_options_from(parsed)
        auth = read_api_key(dict(os.environ))
        functions = read_trace(options.trace, options.functions, options.minutes)
        PLAN = build_plan(functions, options)
    except LoadConfigError as e:
        _fail(str(e))
        return
    _RUN["auth"] = auth
    _RUN["body"] = json.dumps(options.params)
    _RUN["rng"] = random.Random(options.seed)
    _RUN["pacing"] = options.pacing_s
    # Flush the CSV files at every write (each second), so the last write is on disk.
    locust.stats.CSV_STATS_FLUSH_INTERVAL_SEC = 0
    parent = os.environ.get(PARENT_PID_ENV, "")
    if _is_digits(parent):
        gevent.spawn(_quit_when_orphaned, environment, int(parent))
    plan = PLAN
    sys.stderr.write(
        f"locustfile: {len(functions)} functions (rows {','.join(str(f.index) for f in functions)}) of {options.trace}, "
        f"minutes {options.minutes[0]}:{options.minutes[1]}, {plan.minute_s:g} s each, users per minute {list(plan.users)}\n"
    )


def _quit_when_orphaned(environment, parent_pid: int) -> None:  # type: ignore[no-untyped-def]
    """Ends the run when the process that started locust (``npm run load``) is gone, so no load outlives it."""
    while os.getppid() == parent_pid:
        gevent.sleep(1.0)
    sys.stderr.write(f"locustfile: the parent process {parent_pid} is gone; stopping\n")
    if environment.runner is not None:
        environment.runner.quit()


@events.quitting.add_listener
def on_quitting(environment, **_kwargs) -> None:  # type: ignore[no-untyped-def]
    # locust 2.12 writes the CSV files once a second and not at exit: stop the users,
    # then let the writer run once more so the files hold the final numbers.
    if environment.runner is not None:
        environment.runner.stop()
    if environment.parsed_options is not None and getattr(environment.parsed_options, "csv_prefix", None):
        gevent.sleep(locust.stats.CSV_STATS_INTERVAL_SEC + 0.5)


class WorkflowUser(HttpUser):
    """Sends blocking invocations of the workflows, one every ``--pacing`` seconds."""

    def on_start(self) -> None:
        self._started = time.monotonic()

    def wait_time(self) -> float:
        pacing = float(_RUN.get("pacing", DEFAULT_PACING_S))  # type: ignore[arg-type]
        return max(0.0, pacing - (time.monotonic() - self._started))

    def _pick_workflow(self) -> str:
        plan = PLAN
        if plan is None:
            raise RuntimeError("WorkflowUser: no plan")
        shape = self.environment.shape_class
        i = shape.minute_index(shape.get_run_time()) if isinstance(shape, TraceShape) else 0
        weights = plan.weights[min(max(i, 0), len(plan.weights) - 1)]
        rng = _RUN["rng"]
        assert isinstance(rng, random.Random)
        if sum(weights) == 0:
            return rng.choice(plan.workflows)
        return rng.choices(plan.workflows, weights=weights)[0]

    @task
    def invoke(self) -> None:
        self._started = time.monotonic()
        workflow = self._pick_workflow()
        url = f"/api/v1/namespaces/_/actions/{quote(workflow, safe='')}/invoke?blocking=true&result=false"
        with self.client.post(
            url,
            data=_RUN["body"],
            headers={"content-type": "application/json"},
            auth=_RUN["auth"],
            name=workflow,
            timeout=REQUEST_TIMEOUT_S,
            catch_response=True,
        ) as resp:
            if resp.status_code != 200:
                detail = getattr(resp, "error", None) or (resp.text or "")[:200]
                resp.failure(f"HTTP {resp.status_code}: {detail}")
                return
            try:
                record = resp.json()
            except ValueError:
                resp.failure("HTTP 200 but the body is not JSON")
                return
            response = record.get("response") if isinstance(record, dict) else None
            if not isinstance(response, dict) or response.get("success") is not True:
                status = response.get("status") if isinstance(response, dict) else None
                resp.failure(f"activation {record.get('activationId') if isinstance(record, dict) else '?'} not successful: {status}")
                return
            resp.success()
