"""Explore the API with Schemathesis beyond the fixed examples CI replays (tests/api/test_schemathesis.py).

Runs the production server (gunicorn, production settings, two workers) on a scratch database filled by
generate_demo, then Schemathesis' CLI with every check, anonymously and with a staff token, with a new random seed
each run unless --seed is given (it prints the seed, so a failure can be replayed). Writes a JUnit report per run.

    make fuzz                                   # a temporary SQLite database
    make fuzz FUZZ_ARGS="--database-url postgres://postgres@127.0.0.1:5432/scratch --max-examples 100"

The database must be a scratch one: the staff token's run creates, changes and deletes records (generate_demo refuses
a database that already holds records).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.production.servers import Deployment

SCHEMATHESIS = Path(sys.executable).with_name("st")
# Writes are validated against the data too (unique keys, existing shelters and donors, the credentials of the token
# request, the state of the record), which a schema cannot express: a generated body that is valid by the schema may
# still be refused with 400, 404 or 409, and a generated If-Match header names no real ETag (412). Reads must
# accept every valid request. (tests/api/test_schemathesis.py applies the same rule.)
WRITE_STATUSES = ["2xx", "400", "401", "403", "404", "409", "412", "429"]
CONFIG = f"""
[[operations]]
include-method = ["POST", "PUT", "PATCH", "DELETE"]

[operations.checks.positive_data_acceptance]
expected-statuses = {WRITE_STATUSES!r}
""".replace("'", '"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="a scratch database (default: temporary SQLite)")
    parser.add_argument("--max-examples", type=int, default=30, help="generated requests per operation and phase")
    parser.add_argument("--seed", type=int, help="replay a run (default: a new random seed)")
    parser.add_argument("--workers", default="2", help="gunicorn worker processes")
    parser.add_argument("--report-dir", default="fuzz-reports", help="where the JUnit reports go")
    args = parser.parse_args()

    reports = Path(args.report_dir).resolve()
    reports.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = root / "schemathesis.toml"
        config.write_text(CONFIG)
        deployment = Deployment.create(root, root / "static", database_url=args.database_url)
        deployment.manage("collectstatic", "--noinput", "-v", "0")  # the error pages use the static files too
        deployment.manage("generate_demo", "--shelters", "40", "--projects", "8", "--articles", "20", "-v", "0")
        token = deployment.staff_token()
        unthrottled = {"API_ANON_RATE": "1000000/min", "API_USER_RATE": "1000000/min", "WEB_CONCURRENCY": args.workers}
        failed = []
        with deployment.server("fuzz", **unthrottled) as server:
            for label, headers in (("anonymous", []), ("staff", ["--header", f"Authorization: Token {token}"])):
                command = [
                    str(SCHEMATHESIS),
                    "--config-file",
                    str(config),
                    "run",
                    f"{server.url}/api/schema/",
                    "--checks",
                    "all",
                    "--max-examples",
                    str(args.max_examples),
                    "--generation-allow-x00",
                    "true",
                    "--report",
                    "junit",
                    "--report-junit-path",
                    str(reports / f"{label}.xml"),
                    *headers,
                ]
                if args.seed is not None:
                    command += ["--seed", str(args.seed)]
                print(f"== Schemathesis, {label}", flush=True)  # noqa: T201 - a command-line tool's own output
                if subprocess.run(command, check=False).returncode != 0:
                    failed.append(label)
        log = server.log.read_text()
        (reports / "server.log").write_text(log)
        server_errors = log.count("Internal Server Error")
        print(f"== server log: {server_errors} internal server errors", flush=True)  # noqa: T201
    return 1 if failed or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
