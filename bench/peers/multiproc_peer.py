#!/usr/bin/env python3
"""The Prometheus Python client in multiprocess mode, as gunicorn/Feast deployments run it.

W worker processes (forked, each its own pid, so each writes its own mmap files in
PROMETHEUS_MULTIPROC_DIR) each record one stream_batch event for every feature view, as workers
of a long-running fleet all end up touching every series. Each feature view makes the same five
gauge series the gateway makes for it (`spark_stream_*`), so --series N gives N series once the
MultiProcessCollector merges the workers' files. The scrape is then timed in this process,
`generate_latest` over a registry holding only the MultiProcessCollector (what the app's /metrics
handler does), without the HTTP round trip (which favours the peer slightly).

Usage: multiproc_peer.py --workers 64 --series 10000 [--scrapes 3] [--parallel 4]
Prints one line: workers=W series=S files=F record_seconds=R scrape_ms_median=M scrape_ms_max=X bytes=B
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--workers", type=int, required=True)
parser.add_argument("--series", type=int, required=True)
parser.add_argument("--scrapes", type=int, default=3)
parser.add_argument("--parallel", type=int, default=os.cpu_count() or 2)
args = parser.parse_args()
if args.series % 5:
    sys.exit("--series must be a multiple of 5")
views = args.series // 5

directory = tempfile.mkdtemp(prefix="bench-multiproc-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory  # must be set before prometheus_client is imported
from prometheus_client import CollectorRegistry, Gauge, generate_latest, multiprocess  # noqa: E402

LABELS = ["workspace", "feature_view_name", "feature_view_id"]
# metric, multiprocess mode, value recorded for one stream_batch event
METRICS = [
    ("spark_stream_max_processed_event_age", "max", 90.0),
    ("spark_stream_average_processed_event_age", "max", 30.0),
    ("spark_stream_input_rate", "sum", 1000 / 300),
    ("spark_stream_processing_rate", "sum", 990 / 300),
    ("spark_stream_online_store_write_rate", "sum", 900 / 300),
]


def worker():
    gauges = [(Gauge(name, name, LABELS, multiprocess_mode=mode, registry=None), value) for name, mode, value in METRICS]
    for fv in range(views):
        labels = ("prod", f"fv_{fv}", f"fv-{fv}")
        for gauge, value in gauges:
            gauge.labels(*labels).inc(value)


try:
    started = time.perf_counter()
    running = 0
    for _ in range(args.workers):
        if running >= args.parallel:
            os.wait()
            running -= 1
        pid = os.fork()
        if pid == 0:
            try:
                worker()
            finally:
                os._exit(0)
        running += 1
    while running:
        _, status = os.wait()
        running -= 1
        if status != 0:
            sys.exit(f"a worker failed with status {status}")
    record_seconds = time.perf_counter() - started

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    body = generate_latest(registry)  # warm-up, not timed
    times = []
    for _ in range(args.scrapes):
        start = time.perf_counter()
        body = generate_latest(registry)
        times.append((time.perf_counter() - start) * 1000)
    samples = sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))
    if samples != args.series:
        sys.exit(f"expected {args.series} series after the merge, got {samples}")
    print(f"workers={args.workers} series={samples} files={len(os.listdir(directory))} record_seconds={record_seconds:.2f}"
          f" scrape_ms_median={statistics.median(times):.1f} scrape_ms_max={max(times):.1f} bytes={len(body)}")
finally:
    shutil.rmtree(directory, ignore_errors=True)
