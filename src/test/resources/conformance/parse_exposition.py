"""Parses a scrape with the Prometheus Python client, as the Datadog OpenMetrics check does.

Usage: parse_exposition.py text|openmetrics < body
Prints one JSON object: {family: {"type": ..., "samples": [[name, labels, value, timestamp], ...]}}.
Exits non-zero (with the parser's message) when the body does not parse.
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families as parse_text
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics


def main():
    fmt = sys.argv[1]
    body = sys.stdin.buffer.read().decode("utf-8")
    parse = parse_openmetrics if fmt == "openmetrics" else parse_text
    out = {}
    for family in parse(body):
        samples = []
        for s in family.samples:
            value = None if math.isnan(s.value) else s.value
            ts = s.timestamp
            if ts is not None and not isinstance(ts, (int, float)):
                ts = float(ts.sec) + ts.nsec / 1e9
            samples.append([s.name, s.labels, value, ts])
        out[family.name] = {"type": family.type, "help": family.documentation, "samples": samples}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
