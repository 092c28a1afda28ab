#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Check a JSONL timeline against what Timesketch's importer and its
OpenSearch index accept, so an upload does not fail or mangle half-way:

- every line a JSON object with `message` (string), `timestamp_desc`
  (string), `datetime` (ISO 8601 with an explicit offset: without one the
  server derives the time in its own zone) and `timestamp` (integer µs
  that equals datetime);
- one type per key per data_type (OpenSearch maps a field once per index:
  a string where an earlier event had a number is refused); nested objects
  are flattened by OpenSearch into dotted fields, so they count as fields
  and their leaves must be type-stable too;
- at most 1,000 distinct fields in the whole file (index.mapping.
  total_fields.limit) and no value over 32,766 bytes (Lucene's term limit
  for keyword fields).

Usage: timesketch-jsonl.py FILE...   exit 0 when every file passes."""
import datetime
import json
import sys

FIELDS_MAX = 1000
TERM_MAX = 32766


def kind(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "object"
    return "null"


def leaves(prefix, v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            leaves(f"{prefix}.{k}", x, out)
    elif isinstance(v, list):
        kinds = {kind(x) for x in v if x is not None}
        if len(kinds) > 1:
            out.append((prefix, "mixed:" + ",".join(sorted(kinds)), v))
        for x in v:
            if isinstance(x, dict):
                leaves(prefix, x, out)
            else:
                out.append((prefix, kind(x), x))
    else:
        out.append((prefix, kind(v), v))


def check(path):
    errors = []
    types = {}
    fields = set()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                ev = json.loads(line)
            except ValueError as e:
                errors.append(f"{path}:{n}: not JSON: {e}")
                continue
            if not isinstance(ev, dict):
                errors.append(f"{path}:{n}: not an object")
                continue
            for k in ("message", "timestamp_desc", "datetime"):
                if not isinstance(ev.get(k), str):
                    errors.append(f"{path}:{n}: no string '{k}'")
            ts = ev.get("timestamp")
            if not isinstance(ts, int) or isinstance(ts, bool):
                errors.append(f"{path}:{n}: 'timestamp' is not an integer")
            dt = ev.get("datetime")
            if isinstance(dt, str) and isinstance(ts, int):
                try:
                    d = datetime.datetime.fromisoformat(dt)
                    if d.tzinfo is None:
                        errors.append(f"{path}:{n}: datetime without offset")
                    else:
                        us = int((d - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc))
                                 / datetime.timedelta(microseconds=1))
                        if us != ts:
                            errors.append(f"{path}:{n}: timestamp {ts} != datetime {dt}")
                except ValueError:
                    errors.append(f"{path}:{n}: datetime '{dt}' is not ISO 8601")
            dtype = ev.get("data_type", "")
            out = []
            for k, v in ev.items():
                leaves(k, v, out)
            for key, t, v in out:
                fields.add(key)
                if t == "null":
                    continue
                if t.startswith("mixed:"):
                    errors.append(f"{path}:{n}: '{key}' mixes {t[6:]} in one list")
                    continue
                seen = types.setdefault((dtype, key), (t, n))
                if seen[0] != t and {seen[0], t} != {"int", "number"}:
                    errors.append(f"{path}:{n}: '{key}' of {dtype or 'no data_type'} is {t}, "
                                  f"{seen[0]} at line {seen[1]}")
                if t == "string" and len(v.encode("utf-8")) > TERM_MAX:
                    errors.append(f"{path}:{n}: '{key}' is {len(v.encode())} bytes "
                                  f"(over {TERM_MAX})")
    if len(fields) > FIELDS_MAX:
        errors.append(f"{path}: {len(fields)} distinct fields (over {FIELDS_MAX})")
    return errors


def main(argv):
    errors = []
    for p in argv[1:]:
        errors += check(p)
    for e in errors[:50]:
        print(e, file=sys.stderr)
    if len(errors) > 50:
        print(f"... and {len(errors) - 50} more", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
