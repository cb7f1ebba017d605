#!/usr/bin/env python3
"""Runs `tcp-fsm track` over a directory of captures with PySpark: the captures are shared out
among Spark tasks, each task tracks its captures into Parquet tables of its own, and Spark
reads all the tables back and counts the connections per Zeek conn_state.

    scripts/spark-track.py TCP_FSM CAPTURE_DIR OUT_DIR [--master local[2]] [--partitions N] [--check]

- TCP_FSM is the `tcp-fsm` binary; it must be at the same path on every executor.
- Task i runs `TCP_FSM track --format parquet --threads 1 --out OUT_DIR/part-i CAPTURES...`
  on its share of the captures (biggest first, dealt round-robin, so shares weigh alike).
- The driver reads OUT_DIR/part-*/connections.parquet and captures.parquet with Spark SQL and
  prints `conn_state: ...` and the totals in the format `track` prints them.
- --check also runs one `TCP_FSM track --format parquet` over the whole directory in this
  process and exits 1 unless its counts equal Spark's.
Exit 0 when every capture was read (and, with --check, the counts agree); 1 on a difference;
2 when a capture is unreadable or damaged, or a task cannot run `track`.
Needs `pip install pyspark` and Java 17.
"""

import argparse
import os
import subprocess
import sys

EXTENSIONS = (".pcap", ".pcapng", ".cap")


def captures_in(directory):
    names = sorted(n for n in os.listdir(directory) if n.lower().endswith(EXTENSIONS))
    return [os.path.join(directory, n) for n in names]


def shares(paths, partitions):
    """Biggest first, dealt round-robin: one share per partition."""
    by_size = sorted(paths, key=lambda p: os.path.getsize(p), reverse=True)
    dealt = [[] for _ in range(partitions)]
    for i, path in enumerate(by_size):
        dealt[i % partitions].append(path)
    return [(i, share) for i, share in enumerate(dealt) if share]


def track_share(binary, out, item):
    """The task: one `track` process over one share of the captures."""
    index, paths = item
    part = os.path.join(out, f"part-{index:05d}")
    run = subprocess.run(
        [binary, "track", "--format", "parquet", "--threads", "1", "--out", part, *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    return index, run.returncode, run.stdout, run.stderr


def parse_summary(stdout):
    """The conn_state counts and the totals from `track --format parquet`'s stdout."""
    counts = {}
    totals = None
    for line in stdout.splitlines():
        if line.startswith("conn_state:"):
            for part in filter(None, line[len("conn_state:"):].split(",")):
                state, n = part.split()
                counts[state] = int(n)
        elif " captures (" in line:
            words = line.replace(",", "").split()
            totals = (int(words[0]), int(words[words.index("connections") - 1]),
                      int(words[words.index("findings;") - 1]))
    return counts, totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("captures")
    parser.add_argument("out")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=0,
                        help="Spark tasks [default: the master's default parallelism]")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    out = os.path.abspath(args.out)
    paths = [os.path.abspath(p) for p in captures_in(args.captures)]
    if not paths:
        print(f"spark-track: {args.captures}: no captures", file=sys.stderr)
        return 2

    from pyspark.sql import SparkSession, functions as F

    spark = (SparkSession.builder.master(args.master).appName("tcp-fsm track")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "4")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        sc = spark.sparkContext
        partitions = args.partitions or sc.defaultParallelism
        work = shares(paths, min(partitions, len(paths)))
        results = (sc.parallelize(work, len(work))
                   .map(lambda item: track_share(binary, out, item))
                   .collect())
        code = 0
        for index, returncode, _, stderr in sorted(results):
            if returncode > 1:
                print(f"spark-track: part {index}: track exited {returncode}:\n{stderr}",
                      file=sys.stderr, end="")
                code = 2
        parts = [os.path.join(out, f"part-{i:05d}") for i, _ in work]
        connections = spark.read.parquet(*[os.path.join(p, "connections.parquet") for p in parts])
        captures = spark.read.parquet(*[os.path.join(p, "captures.parquet") for p in parts])
        counts = {row["conn_state"]: row["count"]
                  for row in connections.groupBy("conn_state").count().collect()}
        row = captures.agg(F.count("*").alias("captures"),
                           F.sum("connections").alias("connections"),
                           F.sum("findings").alias("findings")).collect()[0]
        totals = (row["captures"], int(row["connections"] or 0), int(row["findings"] or 0))
    finally:
        spark.stop()
    print("conn_state: " + ", ".join(f"{s} {n}" for s, n in sorted(counts.items())))
    print(f"{totals[0]} captures in {len(work)} Spark tasks, {totals[1]} connections, "
          f"{totals[2]} findings")
    if args.check:
        single = subprocess.run(
            [binary, "track", "--format", "parquet", "--out", os.path.join(out, "single"),
             args.captures],
            capture_output=True, text=True, check=False)
        expected_counts, expected_totals = parse_summary(single.stdout)
        if (expected_counts, expected_totals) != (counts, totals):
            print(f"spark-track: Spark {counts} {totals}, one process "
                  f"{expected_counts} {expected_totals}", file=sys.stderr)
            return 1
        print("spark-track: the same counts as one `track` process")
    return code


if __name__ == "__main__":
    sys.exit(main())
