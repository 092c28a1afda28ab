#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The record set of .evtx files as libevtx (python3-libevtx, the
reference) and python-evtx (python3-evtx, independent code) see it, compared
with triage-parse's events.

  evtx-records.py libevtx FILE      TSV: record_number, event id, provider,
  evtx-records.py pyevtx FILE       TimeCreated (100 ns since 1970)
  evtx-records.py triage JSONL      the same from triage-parse's events
                                    (provider: source_name)
  evtx-records.py evt FILE.Evt JSONL   `evtexport -m all` = triage's events
  evtx-records.py compare-all ORACLE < "FILE<TAB>JSONL" lines
  evtx-records.py compare ORACLE FILE JSONL
      one line "ORACLE FILE: N equal, M differ, K missing, L extra";
      exit 1 on any difference.  pyevtx times are compared within 5 us
      (python-evtx rounds through floats).

Records an oracle cannot render are left out of its set (and counted as
"skipped" in the compare line).
"""
import calendar
import json
import re
import sys

SYSTIME = re.compile(r'<TimeCreated SystemTime="([^"]*)"')
EID = re.compile(r'<EventID[^>]*>\s*(\d+)\s*</EventID>')
PROVIDER = re.compile(r'<Provider Name="([^"]*)"')


def ticks(text):
    """ISO 'YYYY-MM-DD[T ]HH:MM:SS[.f...]' to 100 ns since 1970, or None."""
    m = re.match(r'(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?',
                 text or '')
    if not m:
        return None
    sec = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    frac = (m.group(7) or '') + '0000000'
    return sec * 10000000 + int(frac[:7])


def unescape(s):
    return (s.replace('&lt;', '<').replace('&gt;', '>')
            .replace('&quot;', '"').replace('&apos;', "'")
            .replace('&amp;', '&'))


def from_libevtx(path):
    import pyevtx
    f = pyevtx.file()
    f.open(path)
    out, skipped = {}, 0
    for i in range(f.number_of_records):
        try:
            r = f.get_record(i)
            xml = r.xml_string
            m = SYSTIME.search(xml)
            out[r.identifier] = (r.event_identifier, r.source_name or '',
                                 ticks(m.group(1)) if m else None)
        except Exception:      # libevtx cannot read this one
            skipped += 1
    f.close()
    return out, skipped


def from_pyevtx(path):
    import Evtx.Evtx as evtx
    out, skipped = {}, 0
    with evtx.Evtx(path) as log:
        for chunk in log.chunks():
            try:
                records = list(chunk.records())
            except Exception:
                skipped += 1
                continue
            for r in records:
                try:
                    xml = r.xml()
                    m = SYSTIME.search(xml)
                    e = EID.search(xml)
                    p = PROVIDER.search(xml)
                    out[r.record_num()] = (
                        int(e.group(1)) if e else None,
                        unescape(p.group(1)) if p else '',
                        ticks(m.group(1)) if m else None)
                except Exception:
                    skipped += 1
    return out, skipped


def from_triage(path, field='source_name'):
    out = {}
    with open(path, encoding='utf-8') as fp:
        for line in fp:
            ev = json.loads(line)
            if ev.get('data_type') != 'windows:evtx:record' or \
                    ev.get('recovered'):
                continue
            out[ev['record_number']] = (ev.get('event_identifier'),
                                        ev.get(field, ''),
                                        ticks(ev.get('time')))
    return out


def dump(recs):
    for k in sorted(recs):
        eid, prov, t = recs[k]
        print('%d\t%s\t%s\t%s' % (k, eid, prov, t))


def compare(oracle, path, jsonl):
    """(equal, differ, missing, extra, skipped) of one file."""
    ref, skipped = (from_libevtx if oracle == 'libevtx'
                    else from_pyevtx)(path)
    # libevtx's source_name is EventSourceName when the record has one;
    # python-evtx is compared on the Provider Name attribute.
    ours = from_triage(jsonl, 'source_name' if oracle == 'libevtx'
                       else 'provider_name')
    tol = 50 if oracle == 'pyevtx' else 0
    equal = differ = missing = 0
    for k, (eid, prov, t) in ref.items():
        if k not in ours:
            missing += 1
            continue
        oe, op, ot = ours[k]
        if oe == eid and op == prov and t is not None and \
                ot is not None and abs(ot - t) <= tol:
            equal += 1
        else:
            differ += 1
            if differ <= 3:
                print('  %s record %d: %s: %r, triage: %r' %
                      (path, k, oracle, (eid, prov, t), (oe, op, ot)),
                      file=sys.stderr)
    extra = len(set(ours) - set(ref))
    return equal, differ, missing, extra, skipped


def evt_compare(path, jsonl):
    """EVT: `evtexport -m all` against triage's events; exit 1 on any
    difference (record number, event identifier, source, creation and
    written times to the second, strings count)."""
    import subprocess
    from datetime import datetime, timezone
    text = subprocess.run(['evtexport', '-m', 'all', path],
                          capture_output=True, check=True,
                          text=True, errors='replace').stdout
    ref = []
    for block in text.split('\n\nEvent number')[1:]:
        f = {}
        for line in ('Event number' + block).split('\n'):
            if '\t: ' in line:
                k, v = line.split(':', 1)
                f.setdefault(k.strip(), v.strip())

        def t(v):
            d = datetime.strptime(v, '%b %d, %Y %H:%M:%S UTC')
            return int(d.replace(tzinfo=timezone.utc).timestamp())
        ref.append((int(f['Event number']),
                    int(f['Event identifier'].split('(')[1].rstrip(')')),
                    f.get('Source name', ''), t(f['Creation time']),
                    t(f['Written time']), int(f['Number of strings'])))
    ours = []
    with open(jsonl, encoding='utf-8') as fp:
        for line in fp:
            ev = json.loads(line)
            ours.append((ev['record_number'], ev['message_identifier'],
                         ev.get('source_name', ''),
                         ticks(ev['time']) // 10000000,
                         ticks(ev['written_time']) // 10000000,
                         len(ev.get('strings', []))))
    equal = sum(1 for a, b in zip(ref, ours) if a == b)
    print('evtexport %s: %d records, triage %d, %d equal in order' %
          (path, len(ref), len(ours), equal))
    sys.exit(0 if equal == len(ref) == len(ours) else 1)


def main():
    if sys.argv[1] == 'evt':
        evt_compare(sys.argv[2], sys.argv[3])
    if sys.argv[1] == 'compare-all':
        # stdin: "FILE<TAB>JSONL" lines; one line per file, then totals.
        oracle = sys.argv[2]
        tot = [0, 0, 0, 0, 0]
        files = bad = 0
        for line in sys.stdin:
            path, jsonl = line.rstrip('\n').split('\t')
            c = compare(oracle, path, jsonl)
            files += 1
            tot = [x + y for x, y in zip(tot, c)]
            if c[1] or c[2] or c[3]:
                bad += 1
                print('%s %s: %d equal, %d differ, %d missing, %d extra, '
                      '%d skipped' % ((oracle, path) + c))
        print('%s: %d files (%d with differences): %d records equal, '
              '%d differ, %d missing, %d extra, %d the oracle cannot read'
              % ((oracle, files, bad) + tuple(tot)))
        sys.exit(1 if bad else 0)
    if sys.argv[1] == 'compare':
        oracle, path, jsonl = sys.argv[2:5]
        ref, skipped = (from_libevtx if oracle == 'libevtx'
                        else from_pyevtx)(path)
        # libevtx's source_name is EventSourceName when the record has
        # one; python-evtx is compared on the Provider Name attribute.
        ours = from_triage(jsonl, 'source_name' if oracle == 'libevtx'
                           else 'provider_name')
        tol = 50 if oracle == 'pyevtx' else 0
        equal = differ = missing = 0
        for k, (eid, prov, t) in ref.items():
            if k not in ours:
                missing += 1
                continue
            oe, op, ot = ours[k]
            if oe == eid and op == prov and t is not None and \
                    ot is not None and abs(ot - t) <= tol:
                equal += 1
            else:
                differ += 1
                if differ <= 3:
                    print('  record %d: %s: %r, triage: %r' %
                          (k, oracle, (eid, prov, t), (oe, op, ot)),
                          file=sys.stderr)
        extra = len(set(ours) - set(ref))
        print('%s %s: %d equal, %d differ, %d missing, %d extra, '
              '%d skipped' % (oracle, path, equal, differ, missing, extra,
                              skipped))
        sys.exit(1 if differ or missing or extra else 0)
    if sys.argv[1] == 'triage':
        dump(from_triage(sys.argv[2]))
    else:
        dump((from_libevtx if sys.argv[1] == 'libevtx'
              else from_pyevtx)(sys.argv[2])[0])


if __name__ == '__main__':
    main()
