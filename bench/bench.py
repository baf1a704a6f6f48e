"""Load benchmark of the production set-up: PostgreSQL, gunicorn, the real middleware, driven by wrk on loopback.

Run through bench/run.sh (which checks the prerequisites). Steps:
1. create the database if missing, migrate, fill it with `generate_demo` (timed: rows per second), collectstatic;
2. for each cache mode (anonymous page cache off, then on): start gunicorn with the production settings, check
   that every URL answers 200, then per URL a primer and three timed wrk runs at concurrency 16;
3. write bench/RESULTS.md: requests/s, p50/p99 latency, errors, SQL queries per request (from the app's request
   log), worker memory, each URL's throughput as a ratio of the baseline in the same server run, and the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import runpy
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import mix

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The server's interpreter: bench/run.sh passes a production install (the project's dependencies without the test
# tools); the development environment otherwise.
SERVER_PYTHON = os.environ.get("BENCH_SERVER_PYTHON") or PYTHON
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/registry_bench"
# The scale of the measurements: 20,000 shelters.
FULL_DATASET = {"shelters": 20_000, "projects": 2_000, "agreements": 20_000, "articles": 10_000}
QUICK_DATASET = {"shelters": 2_000, "projects": 100, "agreements": 1_200, "articles": 800}
CONCURRENCY = 16

# The targets of the issue, as ratios to the hello view, with the cache as shipped.
TARGET_MIX = 0.15
TARGET_CACHED = 0.5
TARGET_EXPORT = 0.3
TARGET_P99_MS = 150.0
TARGET_RSS_MB = 120.0
TARGET_ROWS_PER_S = 5_000.0
NOT_IDLE = " (**the machine was not idle**: every figure below is lower than this machine can do when idle)"


@dataclass
class Endpoint:
    name: str
    path: str
    kind: str  # baseline | page | html_list | api_list | export
    body: str = ""  # a form body to POST (near-me posts the position), else a GET


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


@dataclass
class Result:
    endpoint: Endpoint
    runs: list[Run] = field(default_factory=list)
    queries_per_request: float | None = None
    adjacent_baseline: list[Run] = field(default_factory=list)
    rss_mb: float = 0.0
    pss_mb: float = 0.0

    @property
    def rps(self) -> float:
        return statistics.median(run.rps for run in self.runs)

    @property
    def p50_ms(self) -> float:
        return statistics.median(run.p50_ms for run in self.runs)

    @property
    def p99_ms(self) -> float:
        return statistics.median(run.p99_ms for run in self.runs)

    @property
    def non_2xx(self) -> int:
        return sum(run.non_2xx for run in self.runs)

    @property
    def socket_errors(self) -> int:
        return sum(run.socket_errors for run in self.runs)


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now().astimezone():%H:%M:%S}] {message}", flush=True)  # noqa: T201 - a script's progress


# --- environment ---------------------------------------------------------------------------------------------------


def production_env(args: argparse.Namespace, *, cache_seconds: int | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": args.secret_key,
            # Plain http on loopback; everything else is the production configuration.
            "SECURE": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": args.database_url,
            "CONN_MAX_AGE": "60",
            # The throttle still counts every API request in the cache, but must not refuse the load generator.
            "API_ANON_RATE": "100000000/min",
            "LOG_LEVEL": "INFO",
            "GUNICORN_BIND": f"127.0.0.1:{args.port}",
            # The app's own request log (with the query count the report needs) is enough; no second access log.
            "GUNICORN_ACCESS_LOG": "",
        }
    )
    # The cache as shipped (no CACHE_URL: the file cache under CACHE_DIR, emptied before each server), unless asked.
    env.pop("CACHE_URL", None)
    env.pop("ANON_CACHE_SECONDS", None)
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    env["CACHE_DIR"] = str(args.cache_dir)
    if cache_seconds is not None:
        env["ANON_CACHE_SECONDS"] = str(cache_seconds)
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["GUNICORN_THREADS"] = str(args.threads)
    return env


def manage(env: dict[str, str], *command: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *command], cwd=ROOT, env=env, text=True, capture_output=capture, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or "")[-2000:] if capture else ""
        raise SystemExit(f"manage.py {' '.join(command)} failed (exit {result.returncode}) {detail}")
    return result.stdout if capture else ""


def ensure_database(url: str) -> None:
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"The benchmark runs on PostgreSQL; {url} is not a postgres:// URL")
    conninfo = psycopg.conninfo.make_conninfo(
        host=config.get("HOST") or "127.0.0.1",
        port=str(config.get("PORT") or 5432),
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        dbname="postgres",
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            log(f"creating database {config['NAME']}")
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def vacuum_analyze(url: str) -> float:
    """What an operator does after a bulk load or a restore: without statistics the planner guesses (30 shelters
    per state instead of 1,500; parallel plans for 50-row lookups) and every page pays for it."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    conninfo = psycopg.conninfo.make_conninfo(
        host=config.get("HOST") or "127.0.0.1",
        port=str(config.get("PORT") or 5432),
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        dbname=config["NAME"],
    )
    start = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - start


def shell(env: dict[str, str], code: str) -> str:
    return manage(env, "shell", "-v", "0", "-c", code, capture=True).strip()


COUNT_CODE = """
from django.apps import apps
total = 0
for label in ("registry", "projects", "news"):
    for model in apps.get_app_config(label).get_models(include_auto_created=True):
        total += model._default_manager.count()
print(total)
"""

SIZE_NAMES = ("shelters", "projects", "agreements", "articles")
SIZES_CODE = """
from news.models import Article
from projects.models import Project
from registry.models import CooperationAgreement, Shelter
print(Shelter.objects.count(), Project.objects.count(), CooperationAgreement.objects.count(), Article.objects.count())
"""

SAMPLE_CODE = """
from django.db.models import Count
from projects.models import Project
from registry.models import Shelter, State
state = State.objects.annotate(n=Count("shelters")).order_by("-n", "iso_code").first()
shelter = Shelter.objects.annotate(n=Count("agreements")).filter(n__gt=0).order_by("-n", "slug").first()
shelter = shelter or Shelter.objects.order_by("slug").first()
project = Project.objects.annotate(n=Count("agreements")).order_by("-n", "slug").first()
print(state.iso_code, state.region, shelter.slug, project.slug)
"""


def load_dataset(args: argparse.Namespace, env: dict[str, str]) -> dict[str, object]:
    sizes = QUICK_DATASET if args.quick else FULL_DATASET
    current = [int(n) for n in shell(env, SIZES_CODE).split()]
    wanted = [sizes["shelters"], sizes["projects"], sizes["agreements"], sizes["articles"]]
    info: dict[str, object] = {"sizes": dict(zip(SIZE_NAMES, current, strict=True))}
    if args.keep_data:
        log(f"using the data the database holds ({current}), as asked (--keep-data)")
        info["generate"] = None
        return info
    if current == wanted and not args.reload:
        log(f"dataset already loaded ({current}); --reload to regenerate it")
        info["generate"] = None
        return info
    command = [
        "generate_demo",
        "--shelters", str(sizes["shelters"]),
        "--projects", str(sizes["projects"]),
        "--agreements", str(sizes["agreements"]),
        "--articles", str(sizes["articles"]),
        "--seed", "2024",
        "--force",
    ]  # fmt: skip
    log("manage.py " + " ".join(command))
    start = time.perf_counter()
    output = manage(env, *command, capture=True)
    elapsed = time.perf_counter() - start
    rows = int(shell(env, COUNT_CODE))
    info["sizes"] = dict(zip(SIZE_NAMES, map(int, shell(env, SIZES_CODE).split()), strict=True))
    reported = re.search(r"Inserted ([\d,]+) rows in ([\d.]+) s: ([\d,]+) rows/s", output)
    info["generate"] = {
        "reported": reported.group(0) if reported else None,
        "reported_rows_per_s": float(reported.group(3).replace(",", "")) if reported else None,
        "command": "manage.py " + " ".join(command),
        "seconds": elapsed,
        "rows": rows,
        "rows_per_s": rows / elapsed,
        "output": output.strip().splitlines()[-5:],
    }
    log(f"generate_demo: {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s (wall clock)")
    return info


# --- server --------------------------------------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict[str, str], log_path: Path, port: int, app: tuple[str, ...] = ("config.wsgi",)) -> None:
        self.env, self.log_path, self.port, self.app = env, log_path, port, app
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(Path(SERVER_PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", *self.app],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log_path}")
            try:
                if urllib.request.urlopen(self.url("/healthz"), timeout=2).status == 200:
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz within 60 s: see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log_file.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def worker_memory_mb(self) -> tuple[float, float]:
        """The largest worker's RSS and PSS (PSS shares the pages the workers have in common out fairly)."""
        rss, pss = [], []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                rss.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                pss.append(int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1)) / 1024)
            except (FileNotFoundError, AttributeError, PermissionError):
                continue
        return (max(rss, default=0.0), max(pss, default=0.0))


def cpu_busy(seconds: float = 3.0) -> float:
    """The share of all cores busy over a few seconds: anything well above 0 before the server starts is another
    process competing with the benchmark, and lowers every number in the report."""

    def sample() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total1, idle1 = sample()
    time.sleep(seconds)
    total2, idle2 = sample()
    return 1 - (idle2 - idle1) / max(1, total2 - total1)


# --- load ----------------------------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Run:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return Run(
        rps=rps,
        p50_ms=p50,
        p99_ms=p99,
        requests=requests,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def wrk(url: str, seconds: float, body: str = "", *, lua: str = "", script: Path | None = None) -> Run:
    """One wrk run; `lua` adds lines to the request script (headers), `script` runs a whole script (the mix)."""
    command = [
        "wrk", "--latency", "-t", "2", "-c", str(CONCURRENCY), "-d", f"{max(1, round(seconds))}s",
        "--timeout", "30s", url,
    ]  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as temporary:
        if body:
            temporary.write(
                'wrk.method = "POST"\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                f"wrk.body = {json.dumps(body)}\n"
            )
        temporary.write(lua)
        temporary.flush()
        if script is not None:
            command[1:1] = ["-s", str(script)]
        elif body or lua:
            command[1:1] = ["-s", temporary.name]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"wrk failed on {url}: {result.stderr.strip() or result.stdout.strip()}")
    return parse_wrk(result.stdout)


REQUEST_LINE = re.compile(r"logger=registry\.request method=(?:GET|POST) path=(\S+) status=(\d+) .*? queries=(\d+) ")


def queries_per_request(log_path: Path, offset: int, path: str) -> float | None:
    """The mean SQL query count of `path`'s requests logged since `offset` (the app logs each request's count)."""
    with log_path.open() as log_file:
        log_file.seek(offset)
        counts = [int(m.group(3)) for m in map(REQUEST_LINE.search, log_file) if m and m.group(1) == path]
    return statistics.mean(counts) if counts else None


def check_urls(server: Server, endpoints: list[Endpoint]) -> None:
    for endpoint in endpoints:
        data = endpoint.body.encode() if endpoint.body else None
        request = urllib.request.Request(server.url(endpoint.path), data=data)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                status, length = response.status, len(response.read())
                final = response.geturl()
        except urllib.error.HTTPError as exc:
            raise SystemExit(
                f"{endpoint.name}: {endpoint.path} answered {exc.code}; every URL must answer 200"
            ) from exc
        if status != 200 or final != server.url(endpoint.path):
            raise SystemExit(
                f"{endpoint.name}: {endpoint.path} answered {status} via {final}; expected 200, no redirect"
            )
        log(f"  200 {endpoint.path} ({length:,} bytes)")


# What a phone's browser sends with every request.
BROWSER_LUA = 'wrk.headers["Accept-Encoding"] = "gzip, deflate, br"\n'


def measure(server: Server, hello: Server, endpoints: list[Endpoint], args: argparse.Namespace) -> list[Result]:
    results = []
    hello_url = hello.url("/")
    for endpoint in endpoints:
        result = Result(endpoint)
        url = server.url(endpoint.path)
        # Warms connections, worker caches, PostgreSQL buffers (and fills the page cache).
        wrk(url, args.primer, endpoint.body, lua=BROWSER_LUA)
        offset = server.log_path.stat().st_size
        for _ in range(args.runs):
            result.runs.append(wrk(url, args.duration, endpoint.body, lua=BROWSER_LUA))
        # The hello view again, right after: the ratio compares runs made under the same background load.
        result.adjacent_baseline.append(wrk(hello_url, args.duration))
        server.log_file.flush()
        result.queries_per_request = queries_per_request(server.log_path, offset, endpoint.path)
        result.rss_mb, result.pss_mb = server.worker_memory_mb()
        log(
            f"  {endpoint.name:<28} {result.rps:>8.1f} req/s  p50 {result.p50_ms:6.1f} ms  "
            f"p99 {result.p99_ms:7.1f} ms  "
            f"errors {result.non_2xx + result.socket_errors}  queries {fmt_queries(result.queries_per_request)}  "
            f"rss {result.rss_mb:.0f} MB"
        )
        results.append(result)
    return results


def measure_hello(hello: Server, args: argparse.Namespace) -> list[Run]:
    wrk(hello.url("/"), args.primer)
    runs = [wrk(hello.url("/"), args.duration) for _ in range(args.runs)]
    log(f"  hello view: {statistics.median(run.rps for run in runs):,.1f} req/s")
    return runs


@dataclass
class MixResult:
    runs: list[Run]
    adjacent_hello: Run
    urls: int
    hits: float | None  # share of the mix's requests served from the page cache (from the request log)
    queries_per_request: float | None
    rss_mb: float
    pss_mb: float


def mix_outcomes(log_path: Path, offset: int) -> tuple[float | None, float | None]:
    """The page-cache hit share and the mean SQL query count of every request logged since `offset`."""
    line = re.compile(r"logger=registry\.request .*? queries=(\d+) user=\S+ cache=(\S+)")
    hits = total = queries = 0
    with log_path.open() as log_file:
        log_file.seek(offset)
        for match in map(line.search, log_file):
            if match:
                total += 1
                queries += int(match.group(1))
                hits += match.group(2) == "hit"
    return (hits / total, queries / total) if total else (None, None)


def measure_mix(server: Server, hello: Server, paths: list[str], args: argparse.Namespace) -> MixResult:
    """The realistic mix from an empty page cache: `--mix-runs` runs of `--mix-duration` seconds, one after the
    other, so the first shows a cold cache and the later ones the cache the traffic itself has filled."""
    out_dir = ROOT / "bench" / "out"
    mix_file, script = mix.write_scripts(out_dir, paths)
    os.environ["BENCH_MIX_FILE"] = str(mix_file)
    offset = server.log_path.stat().st_size
    runs = []
    for number in range(1, args.mix_runs + 1):
        run = wrk(server.url("/"), args.mix_duration, script=script)
        runs.append(run)
        log(
            f"  mix run {number}: {run.rps:,.1f} req/s  p50 {run.p50_ms:.1f} ms  p99 {run.p99_ms:.1f} ms  "
            f"non-2xx {run.non_2xx}  socket errors {run.socket_errors}"
        )
    server.log_file.flush()
    hits, queries = mix_outcomes(server.log_path, offset)
    rss, pss = server.worker_memory_mb()
    adjacent = wrk(hello.url("/"), args.duration)
    return MixResult(runs, adjacent, len(paths), hits, queries, rss, pss)


# --- report --------------------------------------------------------------------------------------------------------


def fmt_queries(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def target_for(kind: str, cached: bool) -> float | None:
    if not cached or kind == "baseline":
        return None
    return TARGET_EXPORT if kind == "export" else TARGET_CACHED


def table(results: list[Result], hello_rps: float, cached: bool, mode: str) -> tuple[list[str], list[str]]:
    lines = [
        "| endpoint | URL | req/s | p50 ms | p99 ms | non-2xx | socket errors | SQL queries/req | worker RSS MB "
        "(PSS) | hello view req/s next to it | ratio to hello view | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    misses = []
    for r in results:
        # The ratio takes the higher of the hello view's main runs and its run next to this URL: load from other
        # processes can only lower a hello run, so this never flatters the endpoint.
        reference = max([hello_rps, *(run.rps for run in r.adjacent_baseline)])
        ratio = r.rps / reference
        target = target_for(r.endpoint.kind, cached)
        verdict = "–"
        if target is not None:
            ok = ratio >= target
            verdict = f"≥ {target:.2f}: {'met' if ok else '**missed**'}"
            if not ok:
                misses.append(f"{r.endpoint.name} ({mode}): ratio {ratio:.3f} < {target}")
        if cached and r.p99_ms >= TARGET_P99_MS and r.endpoint.kind != "export":
            misses.append(f"{r.endpoint.name} ({mode}): p99 {r.p99_ms:.0f} ms ≥ 150 ms")
        if r.non_2xx or r.socket_errors:
            misses.append(f"{r.endpoint.name} ({mode}): {r.non_2xx} non-2xx, {r.socket_errors} socket errors")
        if r.rss_mb >= TARGET_RSS_MB:
            misses.append(f"{r.endpoint.name} ({mode}): worker RSS {r.rss_mb:.0f} MB ≥ 120 MB")
        adjacent = f"{r.adjacent_baseline[0].rps:,.1f}" if r.adjacent_baseline else "–"
        lines.append(
            f"| {r.endpoint.name} | `{r.endpoint.path}` | {r.rps:,.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.non_2xx} "
            f"| {r.socket_errors} | {fmt_queries(r.queries_per_request)} | {r.rss_mb:.0f} ({r.pss_mb:.0f}) "
            f"| {adjacent} | {ratio:.3f} | {verdict} |"
        )
    return lines, misses


def mix_table(result: MixResult, hello_rps: float, mode: str, check: bool) -> tuple[list[str], list[str]]:
    reference = max(hello_rps, result.adjacent_hello.rps)
    lines = [
        "| run | req/s | p50 ms | p99 ms | non-2xx | socket errors | ratio to hello view | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    misses = []
    for number, run in enumerate(result.runs, 1):
        ratio = run.rps / reference
        ok = ratio >= TARGET_MIX and run.p99_ms < TARGET_P99_MS and not (run.non_2xx or run.socket_errors)
        verdict = f"≥ {TARGET_MIX:.2f}, p99 < 150 ms, no errors: {'met' if ok else '**missed**'}" if check else "–"
        if check and not ok:
            misses.append(
                f"mix run {number} ({mode}): ratio {ratio:.3f}, p99 {run.p99_ms:.0f} ms, "
                f"{run.non_2xx + run.socket_errors} errors"
            )
        lines.append(
            f"| {number}{' (from an empty cache)' if number == 1 else ''} | {run.rps:,.1f} | {run.p50_ms:.1f} "
            f"| {run.p99_ms:.1f} | {run.non_2xx} | {run.socket_errors} | {ratio:.3f} | {verdict} |"
        )
    if result.rss_mb >= TARGET_RSS_MB:
        misses.append(f"mix ({mode}): worker RSS {result.rss_mb:.0f} MB ≥ 120 MB")
    hits = "n/a" if result.hits is None else f"{result.hits:.0%}"
    lines += [
        "",
        f"{result.urls:,} distinct URLs; {hits} of the requests were page-cache hits; "
        f"{fmt_queries(result.queries_per_request)} SQL queries per request on average; largest worker after the "
        f"mix: {result.rss_mb:.0f} MB RSS ({result.pss_mb:.0f} MB PSS); hello view next to it: "
        f"{result.adjacent_hello.rps:,.1f} req/s.",
    ]
    return lines, misses


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.1f} GB RAM"
    pg = subprocess.run(
        [PYTHON, "-c", "import psycopg; print(psycopg.__version__)"], capture_output=True, text=True
    ).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, psycopg {pg}"


@dataclass
class Mode:
    title: str
    checked: bool  # the targets apply (the cache as shipped)
    hello: list[Run]
    mix: MixResult | None
    results: list[Result]

    @property
    def hello_rps(self) -> float:
        return statistics.median(run.rps for run in self.hello)


def write_report(
    args: argparse.Namespace, dataset: dict[str, object], modes: list[Mode], workers: int, versions: str
) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    cache = f"`CACHE_URL={args.cache_url}`" if args.cache_url else "python-diskcache under `CACHE_DIR` (no `CACHE_URL`)"
    out = [
        "# Load benchmark results",
        "",
        f"Produced by `{args.command_line}` on {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} "
        f"(commit {commit.strip()}{' with uncommitted changes' if dirty else ''}).",
        "",
        f"- Machine: {machine()}; {versions}.",
        f"- Server: gunicorn (`gunicorn.conf.py`), {workers} workers × {args.threads} threads (gthread), "
        + (
            "from a production install (`.venv-serve`: the project's dependencies pinned by `requirements.lock`, "
            "without the test tools), "
            if SERVER_PYTHON != PYTHON
            else "from the development environment, "
        )
        + f"the production settings (`DEBUG=0`, persistent PostgreSQL connections), cache as shipped: {cache}, "
        "emptied before each server starts; request log on, plain http (`SECURE=0`) on loopback.",
        "- The hello view (`bench/hello.py`: a one-view Django app, no middleware) is served by the same gunicorn "
        "configuration beside it: every ratio divides by its requests/s, measured in the same run (the higher of "
        "its own median and its run right after the measured URL, so background load cannot flatter a ratio).",
        f"- Load: wrk on loopback, {CONCURRENCY} connections, 2 threads, every request with a browser's "
        "`Accept-Encoding: gzip, deflate, br`. The mix: wrk asks a random URL of the list per request "
        f"(`bench/mix.py`), {args.mix_runs} runs of {args.mix_duration:g} s one after the other from an empty cache. "
        f"Per URL: a {args.primer:g} s primer then {args.runs} runs of {args.duration:g} s; the median is shown, "
        "errors are summed. SQL queries per request come from the app's request log; worker memory is the "
        "largest worker's RSS (and PSS).",
        f"- Other load: {args.busy_before:.0%} of the CPU was busy with other processes just before the server "
        f"started{NOT_IDLE if args.busy_before > 0.15 else ''}; 1-minute load average at the end: "
        f"{os.getloadavg()[0]:.2f}.",
        f"- Dataset: {', '.join(f'{v:,} {k}' for k, v in dataset['sizes'].items())}; `VACUUM (ANALYZE)` after "
        "loading it, as after any bulk load or restore.",
    ]
    generate = dataset.get("generate")
    if generate:
        rate = generate["reported_rows_per_s"] or generate["rows_per_s"]
        ok = rate >= TARGET_ROWS_PER_S
        out.append(
            f"- `{generate['command']}` reported: {generate['reported'] or 'no rate'} "
            f"(target ≥ 5,000 rows/s: {'met' if ok else '**missed**'})."
        )
    all_misses = []
    for mode in modes:
        out += ["", f"## {mode.title}", "", f"Hello view: {mode.hello_rps:,.1f} requests/s (median of its runs)."]
        if mode.mix is not None:
            lines, misses = mix_table(mode.mix, mode.hello_rps, mode.title, mode.checked)
            all_misses += misses
            out += ["", "### The realistic mix", "", *lines]
        if mode.results:
            lines, misses = table(mode.results, mode.hello_rps, mode.checked, mode.title)
            all_misses += misses
            out += ["", "### Per URL", "", *lines]
    out += ["", "## Targets", ""]
    out += ["Targets (with the cache as shipped): the mix ≥ 0.15 of the hello view with p99 < 150 ms and no errors; "
            "every page and API read ≥ 0.5; whole-dataset exports to a client that accepts gzip ≥ 0.3; worker RSS "
            "< 120 MB. The cache-off tables show what a page costs when it is not in the cache.", ""]  # fmt: skip
    out += [f"- Missed: {miss}" for miss in all_misses] or ["- All targets met."]
    # The profiling notes, then the page import's own measurements (bench/import_pages.py), both written by hand.
    for notes in ("FINDINGS.md", "IMPORT.md"):
        if (ROOT / "bench" / notes).exists():
            out += ["", (ROOT / "bench" / notes).read_text().strip()]
    report = "\n".join(out) + "\n"
    args.output.write_text(report)
    return report


# --- main ----------------------------------------------------------------------------------------------------------


def endpoints_for(sample: list[str]) -> list[Endpoint]:
    state, region, shelter, project = sample
    return [
        Endpoint("baseline (middleware only)", "/healthz/baseline", "baseline"),
        Endpoint("home page", "/es/", "page"),
        Endpoint("shelters by region", f"/es/shelters/?region={region}", "html_list"),
        Endpoint("shelters by state", f"/es/shelters/?state={state}", "html_list"),
        Endpoint("shelters, page 40", "/es/shelters/?page=40", "html_list"),
        Endpoint("shelter search, accents folded", "/es/shelters/?q=casa+juarez+medico", "html_list"),
        # Near me from Mexico City, 250 km around (the bounding box on the latitude/longitude index, then distance).
        Endpoint("shelters near me (POST)", "/es/shelters/", "html_list", body="lat=19.43&lon=-99.13&radius=250"),
        Endpoint("shelter detail", f"/es/shelters/{shelter}/", "page"),
        Endpoint("project detail", f"/es/projects/{project}/", "page"),
        Endpoint("API shelters, page_size=50", "/api/v1/shelters/?page_size=50", "api_list"),
        Endpoint("API projects, IATI XML", "/api/v1/projects/?format=iati", "export"),
        Endpoint("API shelters, GeoJSON", "/api/v1/shelters/?format=geojson", "export"),
        Endpoint("API shelters, HXL CSV", "/api/v1/shelters/?format=csv", "export"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small dataset, 2 s runs: a dry run of the whole script")
    parser.add_argument("--reload", action="store_true", help="regenerate the dataset even if it is already loaded")
    parser.add_argument(
        "--keep-data", action="store_true", help="benchmark the data already in the database (e.g. a restored backup)"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument(
        "--cache-url", default=os.environ.get("BENCH_CACHE_URL", ""), help="default: the cache as shipped"
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8105")))
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (the issue's set-up: 2)")
    parser.add_argument("--threads", type=int, default=0, help="threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--duration", type=int, default=0, help="seconds per timed run (default 10, quick 2)")
    parser.add_argument("--primer", type=int, default=0, help="seconds of priming per URL (default 3, quick 1)")
    parser.add_argument("--runs", type=int, default=2, help="timed runs per URL")
    parser.add_argument("--mix-duration", type=int, default=0, help="seconds per run of the mix (default 30)")
    parser.add_argument("--mix-runs", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated substrings: measure only matching endpoints")
    parser.add_argument("--no-mix", action="store_true", help="per-URL table only")
    parser.add_argument("--modes", default="shipped,off", help="cache modes to measure: shipped (as shipped), off")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    args.command_line = os.environ.get("BENCH_COMMAND") or "bench/run.sh " + shlex.join(sys.argv[1:])
    args.database_url = args.database_url or (DEFAULT_DB + ("_quick" if args.quick else ""))
    args.duration = args.duration or (2 if args.quick else 10)
    args.primer = args.primer or (1 if args.quick else 3)
    args.mix_duration = args.mix_duration or (3 if args.quick else 30)
    args.output = args.output or ROOT / "bench" / ("out/RESULTS-quick.md" if args.quick else "RESULTS.md")
    args.secret_key = secrets.token_urlsafe(50)
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    args.cache_dir = out_dir / "cache"
    if not args.threads:
        args.threads = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (bench/run.sh installs it with apt-get)")

    setup_env = production_env(args, cache_seconds=0)
    ensure_database(args.database_url)
    log(f"database {args.database_url}: migrate")
    manage(setup_env, "migrate", "--noinput", "-v", "0")
    dataset = load_dataset(args, setup_env)
    log(f"VACUUM (ANALYZE): {vacuum_analyze(args.database_url):.1f} s")
    log("collectstatic")
    manage(setup_env, "collectstatic", "--noinput", "-v", "0")
    sample = shell(setup_env, SAMPLE_CODE).split()
    endpoints = endpoints_for(sample)
    if args.only:
        wanted = [part.strip() for part in args.only.split(",") if part.strip()]
        endpoints = [e for e in endpoints if any(w in e.name for w in wanted)]
    paths = [] if args.no_mix else shell(setup_env, mix.URLS_CODE).split()
    versions = shell(
        setup_env,
        "import django, gunicorn; from django.db import connection; connection.ensure_connection(); "
        "print(f'Django {django.get_version()}, gunicorn {gunicorn.__version__}, PostgreSQL "
        "{connection.pg_version // 10000}.{connection.pg_version % 10000}')",
    )

    modes: list[Mode] = []
    workers = args.workers or runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]
    args.busy_before = cpu_busy()
    log(f"CPU busy before starting (other processes): {args.busy_before:.0%}")
    if args.busy_before > 0.15:
        log("warning: the machine is not idle; the results will be lower than this machine can do")
    hello_env = {**production_env(args, cache_seconds=None), "GUNICORN_BIND": f"127.0.0.1:{args.port + 1}"}
    with Server(
        hello_env, out_dir / "gunicorn-hello.log", args.port + 1, ("--pythonpath", "bench", "hello:application")
    ) as hello:
        for name in [m.strip() for m in args.modes.split(",") if m.strip()]:
            shipped = name == "shipped"
            title = "Cache as shipped" if shipped else "Cache off (ANON_CACHE_SECONDS=0)"
            env = production_env(args, cache_seconds=None if shipped else 0)
            shutil.rmtree(args.cache_dir, ignore_errors=True)
            if args.cache_url.startswith("redis"):
                subprocess.run(["redis-cli", "-n", args.cache_url.rsplit("/", 1)[-1], "flushdb"], capture_output=True)
            log(f"{title}: the hello view")
            hello_runs = measure_hello(hello, args)
            log(f"{title}: starting gunicorn on port {args.port}")
            with Server(env, out_dir / f"gunicorn-{name}.log", args.port) as server:
                mix_result = measure_mix(server, hello, paths, args) if paths else None
                check_urls(server, endpoints)
                results = measure(server, hello, endpoints, args)
            modes.append(Mode(title, shipped, hello_runs, mix_result, results))
    report = write_report(args, dataset, modes, workers, versions)
    log(f"wrote {args.output}")
    print(report)  # noqa: T201


if __name__ == "__main__":
    main()
