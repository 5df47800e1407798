#!/usr/bin/env python3
"""Writes one NDJSON batch of realistic mixed events (fleet-like proportions) to stdout.

Usage: make_batch.py [events=1000] [seed=1]
Events carry no `time`, so they are stamped on arrival and never late, whenever they are sent.
"""
import json
import random
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
regions = ["us-west-2", "us-east-1", "eu-west-1"]
for i in range(n):
    r = rng.random()
    region = rng.choice(regions)
    if r < 0.80:
        fs = rng.randrange(10_000)
        e = {"type": "feature_request", "aws_region": region, "feature_service_id": f"fs-{fs}",
             "feature_service_name": f"service_{fs}", "latency_seconds": round(rng.lognormvariate(-4, 0.8), 6),
             "status": 200 if rng.random() < 0.98 else rng.choice([404, 429, 500, 503])}
    elif r < 0.85:
        e = {"type": "server_utilization", "aws_region": region, "instance": f"fs-pod-{rng.randrange(200)}",
             "utilization_percent": round(rng.uniform(5, 95), 2)}
    elif r < 0.90:
        fv = rng.randrange(500)
        e = {"type": "stream_batch", "workspace": "prod", "feature_view_name": f"fv_{fv}", "feature_view_id": f"fv-{fv}",
             "input_rows": 1000, "processed_rows": 990, "online_store_rows": 900,
             "min_event_time": 1_700_000_000_000, "avg_event_time": 1_700_000_030_000}
    elif r < 0.95:
        fv = rng.randrange(500)
        e = {"type": "served_feature", "workspace": "prod", "feature_view_name": f"fv_{fv}", "feature_view_id": f"fv-{fv}",
             "feature_time": 1_700_000_000_000}
    else:
        fv = rng.randrange(500)
        e = {"type": "ingest_request", "aws_region": region, "latency_seconds": round(rng.lognormvariate(-3, 0.5), 6),
             "status": 200, "writes": [{"workspace": "prod", "feature_view_name": f"fv_{fv}", "feature_view_id": f"fv-{fv}",
                                         "online_rows": 10, "offline_rows": 10}]}
    sys.stdout.write(json.dumps(e, separators=(",", ":")) + "\n")
