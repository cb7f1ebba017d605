#!/usr/bin/env python3
"""Reads the Parquet tables of `tcp-fsm track --format parquet` with DuckDB and checks them
against track's own summary.

    scripts/check-parquet.py TCP_FSM OUT_DIR CAPTURE_OR_DIR...

Runs `TCP_FSM track --format parquet --out OUT_DIR CAPTURE_OR_DIR...`, then, in DuckDB:
- the connections per conn_state (connections.parquet) equal the `conn_state:` line track
  printed;
- the connections and findings per capture (captures.parquet) equal the counts of
  connections.parquet and findings.parquet, and their sums equal track's last line;
- every finding belongs to a connection, and every connection's `findings` column counts
  its rows in findings.parquet.
Exit 0 when all agree; 1 with the differences; 2 when track or DuckDB cannot run.
Needs `pip install duckdb`.
"""

import re
import subprocess
import sys


def fail(message, code=1):
    print(f"check-parquet: {message}", file=sys.stderr)
    sys.exit(code)


def main():
    if len(sys.argv) < 4:
        fail(__doc__.strip().splitlines()[2].strip(), 2)
    binary, out = sys.argv[1], sys.argv[2]
    captures = sys.argv[3:]
    try:
        import duckdb
    except ImportError:
        fail("duckdb is not installed (pip install duckdb)", 2)

    run = subprocess.run(
        [binary, "track", "--format", "parquet", "--out", out, *captures],
        capture_output=True,
        text=True,
        check=False,
    )
    # 1 means findings; anything above is a failure of the run itself.
    if run.returncode not in (0, 1):
        fail(f"track exited {run.returncode}: {run.stderr.strip()}", 2)
    lines = run.stdout.splitlines()
    state_line = next((l for l in lines if l.startswith("conn_state:")), None)
    if state_line is None:
        fail(f"track printed no conn_state line:\n{run.stdout}", 2)
    expected = {}
    for part in filter(None, state_line[len("conn_state:"):].split(",")):
        state, count = part.split()
        expected[state] = int(count)
    last = re.match(r"(\d+) captures .*?, (\d+) connections, (\d+) findings", lines[-1])
    if last is None:
        fail(f"track's last line has no totals: {lines[-1]!r}", 2)
    n_captures, n_connections, n_findings = map(int, last.groups())

    db = duckdb.connect()
    connections = f"'{out}/connections.parquet'"
    findings = f"'{out}/findings.parquet'"
    tables = f"'{out}/captures.parquet'"
    got = dict(
        db.execute(
            f"SELECT conn_state, count(*) FROM {connections} GROUP BY conn_state"
        ).fetchall()
    )
    problems = []
    if got != expected:
        problems.append(f"conn_state counts: DuckDB {got}, track {expected}")
    totals = db.execute(
        f"SELECT count(*), sum(connections), sum(findings) FROM {tables}"
    ).fetchone()
    if tuple(int(t or 0) for t in totals) != (n_captures, n_connections, n_findings):
        problems.append(
            f"captures.parquet totals {totals}, track "
            f"{(n_captures, n_connections, n_findings)}"
        )
    mismatched = db.execute(
        f"""
        SELECT c.capture, c.connections, count(k.id)
        FROM {tables} c LEFT JOIN {connections} k ON k.capture = c.capture
        GROUP BY c.capture, c.connections
        HAVING c.connections <> count(k.id)
        """
    ).fetchall()
    if mismatched:
        problems.append(f"captures whose connection rows differ: {mismatched}")
    orphans = db.execute(
        f"""
        SELECT count(*) FROM {findings} f
        ANTI JOIN {connections} k ON k.capture = f.capture AND k.id = f.connection
        """
    ).fetchone()[0]
    if orphans:
        problems.append(f"{orphans} findings belong to no connection")
    miscounted = db.execute(
        f"""
        SELECT k.capture, k.id, k.findings, count(f.packet)
        FROM {connections} k LEFT JOIN {findings} f
          ON k.capture = f.capture AND k.id = f.connection
        GROUP BY k.capture, k.id, k.findings
        HAVING k.findings <> count(f.packet)
        """
    ).fetchall()
    if miscounted:
        problems.append(f"connections whose findings column is wrong: {miscounted[:5]}")
    if problems:
        fail("\n".join(problems))
    summary = ", ".join(f"{s} {n}" for s, n in sorted(got.items()))
    print(
        f"check-parquet: DuckDB {duckdb.__version__} agrees with track on {n_captures} "
        f"captures, {n_connections} connections, {n_findings} findings ({summary})"
    )


if __name__ == "__main__":
    main()
