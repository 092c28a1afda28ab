#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Registry oracles for triage-parse's winreg tests, in one normal form.

  winreg.py keys-hivex HIVE       key paths and FILETIMEs (python3-hivex)
  winreg.py keys-libregf HIVE     the same from python3-libregf
  winreg.py keys-triage JSONL     the same from triage-parse's key events
  winreg.py values-reglookup HIVE values from `reglookup -i` (seconds)
  winreg.py values-triage JSONL   the same from triage-parse's key events
  winreg.py services-regripper HIVE / services-triage JSONL
  winreg.py userassist-regripper HIVE / userassist-triage JSONL
  winreg.py sam-regripper HIVE / sam-triage JSONL
                                  regripper's services, userassist and
                                  samparse plugins against the decoded
                                  events, times to the second

Keys print as "PATH<TAB>FILETIME" (PATH below the root, "\\"-joined, ""
for the root); values as "PATH<TAB>NAME<TAB>str|multi<TAB>VALUE<TAB>SECS" (integers
in decimal),
sorted.  Binary values are compared as triage writes them: lowercase hex of
their first 512 bytes, then "..." when longer.
"""
import calendar
import json
import re
import subprocess
import sys
import time

PREFIXES = ("HKEY_LOCAL_MACHINE\\System", "HKEY_LOCAL_MACHINE\\Software",
            "HKEY_LOCAL_MACHINE\\SAM", "HKEY_LOCAL_MACHINE\\Security",
            "HKEY_CURRENT_USER\\Software\\Classes", "HKEY_CURRENT_USER")
CAP = 512


def rel(key_path):
    if key_path.startswith("\\"):
        return key_path[1:]
    for p in PREFIXES:
        if key_path == p:
            return ""
        if key_path.startswith(p + "\\"):
            return key_path[len(p) + 1:]
    raise ValueError("unexpected key_path " + key_path)


def filetime_of(t):
    """'2009-08-04T15:13:44.7946250Z' -> FILETIME."""
    t = t.rstrip("Z")
    main, _, frac = t.partition(".")
    secs = calendar.timegm(tuple(int(x) for x in (
        main[0:4], main[5:7], main[8:10], main[11:13], main[14:16],
        main[17:19])) + (0, 0, 0))
    frac = (frac + "0000000")[:7]
    return (secs + 11644473600) * 10000000 + int(frac)


def triage_events(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("data_type") == "windows:registry:key_value":
                yield r


def keys_triage(path):
    out = []
    for r in triage_events(path):
        out.append((rel(r["key_path"]), filetime_of(r["time"])))
    return out


def keys_hivex(path):
    import hivex
    h = hivex.Hivex(path)
    out = []
    stack = [(h.root(), "")]
    while stack:
        n, p = stack.pop()
        out.append((p, h.node_timestamp(n)))
        for c in h.node_children(n):
            name = h.node_name(c)
            stack.append((c, p + "\\" + name if p else name))
    return out


def keys_libregf(path):
    import pyregf
    f = pyregf.file()
    f.open(path)
    out = []
    stack = [(f.get_root_key(), "")]
    while stack:
        k, p = stack.pop()
        out.append((p, k.get_last_written_time_as_integer()))
        for c in k.sub_keys:
            stack.append((c, p + "\\" + c.name if p else c.name))
    f.close()
    return out


def unquote(raw):
    """reglookup's %XX escapes (bytes in, bytes out)."""
    b = bytearray()
    i = 0
    hexd = b"0123456789ABCDEFabcdef"
    while i < len(raw):
        if raw[i] == 0x25 and i + 3 <= len(raw) and \
                raw[i + 1] in hexd and raw[i + 2] in hexd:
            b.append(int(raw[i + 1:i + 3], 16))
            i += 3
        else:
            b.append(raw[i])
            i += 1
    return bytes(b)


def text(b):
    """reglookup prints UTF-8, or the 8-bit code page: cp1252 then."""
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return b.decode("cp1252", "replace")


def reg_string(val):
    """A string value as reglookup prints it: converted, or (when it could
    not convert it: odd sizes, bytes after the NUL) its raw UTF-16LE bytes;
    "(null)" when empty.  Read up to the first NUL, as Windows does."""
    if val == b"(null)":
        return ""
    b = unquote(val)
    if b"\0" in b and len(b) >= 2:
        u = b[:len(b) & ~1].decode("utf-16-le", "replace")
        return u.split("\0")[0]
    return text(b.split(b"\0")[0])


STRINGS = ("SZ", "EXPAND_SZ", "LINK")
INTS = ("DWORD", "DWORD_BE", "QWORD")


def values_reglookup(path):
    p = subprocess.run(["reglookup", "-i", path], capture_output=True,
                       check=True)
    out = []
    for line in p.stdout.split(b"\n")[1:]:
        parts = line.rsplit(b",", 3)
        if len(parts) != 4:
            continue
        full, typ, val, mtime = parts
        typ, mtime = typ.decode(), mtime.decode()
        if typ == "KEY":
            continue
        kpath, _, name = full.rpartition(b"/")
        kpath = text(unquote(kpath))[1:].replace("/", "\\")
        name = text(unquote(name)) or "(default)"
        secs = calendar.timegm(tuple(int(x) for x in (
            mtime[0:4], mtime[5:7], mtime[8:10], mtime[11:13],
            mtime[14:16], mtime[17:19])) + (0, 0, 0))
        if typ in STRINGS:
            cls, v = "str", reg_string(val)
        elif typ in INTS and val.startswith(b"0x"):
            cls, v = "str", str(int(val, 16))
        elif typ == "MULTI_SZ":
            cls, v = "multi", text(unquote(val))
        else:
            b = b"" if val == b"(null)" else unquote(val)
            cls, v = "str", b[:CAP].hex() + ("..." if len(b) > CAP else "")
        out.append((kpath, name, cls, v, secs))
    return out


def values_triage(path):
    out = []
    for r in triage_events(path):
        # reglookup leaves "/" in key names as is, its separator too
        k = rel(r["key_path"]).replace("/", "\\")
        secs = filetime_of(r["time"]) // 10000000 - 11644473600
        for name, v in r.get("values", {}).items():
            if isinstance(v, int):
                cls, v = "str", str(v)
            elif isinstance(v, list):
                cls, v = "multi", "|".join(v)
            else:
                # a QWORD past int64 is a decimal string in JSON
                cls = "str"
            out.append((k, name, cls, v, secs))
    return out


def regripper(hive, plugin):
    p = subprocess.run(["regripper", "-r", hive, "-p", plugin],
                       capture_output=True, check=True)
    return p.stdout.decode("utf-8", "replace").splitlines()


def rr_time(s):
    """'Sat Apr  7 09:48:31 2012 Z' or '2009-08-04 15:21:53Z' -> ISO."""
    s = s.strip().rstrip("Z").strip()
    if s[:4].isdigit():
        return s.replace(" ", "T")
    t = time.strptime(s, "%a %b %d %H:%M:%S %Y")
    return time.strftime("%Y-%m-%dT%H:%M:%S", t)


def events(path, data_type):
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("data_type") == data_type:
                yield r


def services_regripper(hive):
    """LastWrite (seconds), name, image path of every service key."""
    out, t, cur = [], None, None
    for line in regripper(hive, "services"):
        if re.match(r"^\w{3} \w{3} +\d+ [\d:]+ \d{4} Z$", line):
            t = rr_time(line)
        m = re.match(r"^  (\w+) *= ?(.*)$", line)
        if m and m.group(1) == "Name":
            cur = [t, m.group(2), ""]
            out.append(cur)
        elif m and m.group(1) == "ImagePath" and cur is not None:
            cur[2] = m.group(2)
    return [tuple(r) for r in out]


def services_triage(path):
    return [(r["datetime"][:19], r["name"], r.get("image_path", ""))
            for r in events(path, "windows:registry:service")]


def userassist_regripper(hive):
    """Time (seconds), name, count of every entry with a time."""
    out, t = [], None
    for line in regripper(hive, "userassist"):
        if re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", line):
            t = rr_time(line)
        elif line.startswith("Value names with no time stamps"):
            t = None
        else:
            m = re.match(r"^  (.*) \((\d+)\)$", line)
            if m and t is not None:
                out.append((t, m.group(1), m.group(2)))
    return out


def userassist_triage(path):
    return [(r["datetime"][:19], r["value_name"],
             str(r["number_of_executions"]))
            for r in events(path, "windows:registry:userassist")
            if r["timestamp_desc"] == "Last Time Executed"]


def sam_regripper(hive):
    """user, RID, login count, last login, password reset, created."""
    out, cur = [], None
    for line in regripper(hive, "samparse"):
        m = re.match(r"^Username +: (.*) \[(\d+)\]$", line)
        if m:
            cur = {"user": m.group(1), "rid": m.group(2)}
            out.append(cur)
            continue
        m = re.match(r"^([A-Za-z ]+?) +: (.*)$", line)
        if m and cur is not None:
            cur[m.group(1)] = m.group(2).strip()
    rows = []
    for u in out:
        def tm(k):
            v = u.get(k, "Never")
            return "-" if v in ("Never", "") else rr_time(v)
        rows.append((u["user"], u["rid"], u.get("Login Count", "0"),
                     tm("Last Login Date"), tm("Pwd Reset Date"),
                     tm("Account Created")))
    return rows


def sam_triage(path):
    users = {}
    for r in events(path, "windows:registry:sam_users"):
        u = users.setdefault(r["key_path"], {
            "user": r.get("username", ""), "rid": str(r["account_rid"]),
            "count": str(r["login_count"])})
        u[r["timestamp_desc"]] = r["datetime"][:19]
    return [(u["user"], u["rid"], u["count"],
             u.get("Last Login Time", "-"),
             u.get("Last Password Set Time", "-"),
             u.get("Content Modification Time", "-"))
            for u in users.values()]


def main():
    mode, arg = sys.argv[1], sys.argv[2]
    rows = {"keys-hivex": keys_hivex, "keys-libregf": keys_libregf,
            "keys-triage": keys_triage,
            "values-reglookup": values_reglookup,
            "values-triage": values_triage,
            "services-regripper": services_regripper,
            "services-triage": services_triage,
            "userassist-regripper": userassist_regripper,
            "userassist-triage": userassist_triage,
            "sam-regripper": sam_regripper,
            "sam-triage": sam_triage}[mode](arg)
    w = sys.stdout
    for row in sorted(rows, key=lambda r: tuple(str(x) for x in r)):
        w.write("\t".join(str(x).replace("\t", "\\t").replace(
            "\n", "\\n") for x in row) + "\n")


if __name__ == "__main__":
    main()
