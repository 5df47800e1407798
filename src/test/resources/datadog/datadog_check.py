"""What the Datadog Agent's OpenMetrics check (v2, `openmetrics_endpoint`) submits for one scrape.

A stand-in for datadog_checks.base.checks.openmetrics.v2 (OpenMetricsScraper and its gauge,
counter and summary transformers), written from its source, for the options our example uses:

- request: `auth_token` (file reader, whitespace stripped; header writer replacing <TOKEN>),
  `headers` (replaces the default headers), `extra_headers`, and the Accept the scraper sets on
  every request: `text/plain`, or the OpenMetrics one when `use_latest_spec` is true;
- response: gzip/deflate decoded and text decoded as `requests` does (charset from Content-Type;
  ISO-8859-1 for text/* without one; UTF-8 otherwise), split into lines with str.splitlines()
  (what `iter_lines` does);
- parser: prometheus_client's OpenMetrics parser when `use_latest_spec` is true or the media type
  of the response's Content-Type is application/openmetrics-text, else its Prometheus text parser;
- mapping: families matching `metrics` (regular expressions, searched); NaN and +-Inf samples
  skipped; sample timestamps ignored; labels -> tags `name:value` in label order, then `tags`,
  then `endpoint:<openmetrics_endpoint>`; gauge -> gauge <ns>.<name>; counter -> monotonic count
  <ns>.<name>.count; summary -> gauge <ns>.<name>.quantile (quantile label canonicalised as a
  float), monotonic counts <ns>.<name>.sum and <ns>.<name>.count. Any other type is reported as
  `unsupported:<type>` so a test sees it (the check would skip or handle it differently).

Usage:
  datadog_check.py scrape [--accept ACCEPT] < instance.json   (one instance of conf.yaml, as JSON)
  datadog_check.py map CONTENT_TYPE NAMESPACE ENDPOINT < body (mapping only, no HTTP)
Prints one JSON object: request_headers, status, content_type, parser, submissions
([{name, type, value, tags}]). Exits non-zero with the parser's message when parsing fails.
"""
import gzip
import json
import math
import re
import sys
import urllib.request
import zlib

from prometheus_client.openmetrics.parser import text_fd_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_fd_to_metric_families as parse_prometheus

LATEST_SPEC_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1'
DEFAULT_HEADERS = {
    'User-Agent': 'Datadog Agent/7.99.0',
    'Accept-Encoding': 'gzip, deflate',
    'Accept': '*/*',
    'Connection': 'keep-alive',
}


def request_headers(instance, accept_override):
    headers = dict(instance['headers']) if 'headers' in instance else dict(DEFAULT_HEADERS)
    headers.update(instance.get('extra_headers', {}))
    auth_token = instance.get('auth_token')
    if auth_token:
        reader, writer = auth_token['reader'], auth_token['writer']
        if reader.get('type') != 'file' or writer.get('type') != 'header':
            raise SystemExit('only the file reader and the header writer are emulated')
        with open(reader['path'], encoding='utf-8') as f:
            token = f.read().strip()
        placeholder = writer.get('placeholder', '<TOKEN>')
        value = writer.get('value', placeholder)
        if placeholder not in value:
            raise SystemExit('auth_token writer value lacks the placeholder ' + placeholder)
        headers[writer['name']] = value.replace(placeholder, token, 1)
    if accept_override is not None:
        headers['Accept'] = accept_override
    else:
        headers['Accept'] = LATEST_SPEC_ACCEPT if instance.get('use_latest_spec') else 'text/plain'
    return headers


def decode(raw, content_type, content_encoding):
    encoding = (content_encoding or '').strip().lower()
    if encoding == 'gzip':
        raw = gzip.decompress(raw)
    elif encoding == 'deflate':
        raw = zlib.decompress(raw)
    params = [p.strip() for p in content_type.split(';')]
    charset = next((p.split('=', 1)[1].strip('"\' ') for p in params[1:] if p.lower().startswith('charset=')), None)
    if charset is None:
        charset = 'ISO-8859-1' if params[0].lower().startswith('text') else 'utf-8'
    return raw.decode(charset)


def choose_parser(content_type, use_latest_spec):
    media_type = content_type.split(';')[0]
    if use_latest_spec or media_type == 'application/openmetrics-text':
        return 'openmetrics', parse_openmetrics
    return 'prometheus', parse_prometheus


def canonical_quantile(label):
    return str(float(label) or 0)


def submissions(families, namespace, patterns, static_tags):
    out = []
    for family in families:
        if not any(p.search(family.name) for p in patterns):
            continue
        base = namespace + '.' + family.name if namespace else family.name
        for sample in family.samples:
            if math.isnan(sample.value) or math.isinf(sample.value):
                continue
            labels = dict(sample.labels)
            if family.type == 'summary' and 'quantile' in labels:
                labels['quantile'] = canonical_quantile(labels['quantile'])
            tags = ['%s:%s' % (k, v) for k, v in labels.items()] + list(static_tags)
            if family.type == 'gauge':
                out.append({'name': base, 'type': 'gauge', 'value': sample.value, 'tags': tags})
            elif family.type == 'counter':
                if sample.name.endswith('_total'):
                    out.append({'name': base + '.count', 'type': 'monotonic_count', 'value': sample.value, 'tags': tags})
            elif family.type == 'summary':
                if sample.name.endswith('_sum'):
                    out.append({'name': base + '.sum', 'type': 'monotonic_count', 'value': sample.value, 'tags': tags})
                elif sample.name.endswith('_count'):
                    out.append({'name': base + '.count', 'type': 'monotonic_count', 'value': sample.value, 'tags': tags})
                elif sample.name == family.name:
                    out.append({'name': base + '.quantile', 'type': 'gauge', 'value': sample.value, 'tags': tags})
            else:
                out.append({'name': base, 'type': 'unsupported:' + family.type, 'value': sample.value, 'tags': tags})
    return out


def static_tags_of(instance):
    tags = list(instance.get('tags', []))
    if instance.get('tag_by_endpoint', True):
        tags.append('endpoint:' + instance['openmetrics_endpoint'])
    return tags


def patterns_of(instance):
    patterns = []
    for entry in instance.get('metrics', []):
        names = [entry] if isinstance(entry, str) else list(entry)
        patterns.extend(re.compile(name) for name in names)
    return patterns


def scrape(instance, accept_override):
    headers = request_headers(instance, accept_override)
    request = urllib.request.Request(instance['openmetrics_endpoint'], headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        status = response.status
        content_type = response.headers.get('Content-Type', '')
        text = decode(response.read(), content_type, response.headers.get('Content-Encoding'))
    parser_name, parse = choose_parser(content_type, bool(instance.get('use_latest_spec')))
    families = parse(iter(text.splitlines()))
    result = submissions(families, instance.get('namespace', ''), patterns_of(instance), static_tags_of(instance))
    return {'request_headers': headers, 'status': status, 'content_type': content_type,
            'parser': parser_name, 'submissions': result}


def main():
    if sys.argv[1] == 'scrape':
        accept = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == '--accept' else None
        out = scrape(json.load(sys.stdin), accept)
    else:
        content_type, namespace, endpoint = sys.argv[2:5]
        instance = {'openmetrics_endpoint': endpoint, 'namespace': namespace, 'metrics': ['.+']}
        text = sys.stdin.buffer.read().decode('utf-8')
        parser_name, parse = choose_parser(content_type, False)
        result = submissions(parse(iter(text.splitlines())), namespace, patterns_of(instance), static_tags_of(instance))
        out = {'content_type': content_type, 'parser': parser_name, 'submissions': result}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
