#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-parse's winreg parser on every hive of $TRIAGE_TEST_DATA/artifacts/
# registry.  Oracles, run at test time: python3-hivex and python3-libregf
# (key paths and last-written FILETIMEs, every key), reglookup -i (values,
# times to the second), regripper (run, userassist, samparse, compname,
# shutdown, services), and plaso's published expectations.

load helpers

REG="$TRIAGE_TEST_DATA/artifacts/registry"
# Debian's python3 (a pyenv python3 may not see python3-hivex/-libregf)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
HIVES="plaso/NTUSER.DAT plaso/SAM plaso/win10-Amcache.hve regipy/SYSTEM regipy/SECURITY"

need_reg() {
	[ -f "$REG/plaso/NTUSER.DAT" ] || skip "no registry fixtures at $REG"
}

# The parse of hive $1 (relative to $REG), cached per test file.
parsed() {
	local out="$BATS_FILE_TMPDIR/$(echo "$1" | tr / _).jsonl"
	if [ ! -f "$out" ]; then
		triage-parse --parsers winreg "$REG/$1" > "$out.tmp" 2> "$out.err"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

@test "winreg is listed with its data types" {
	run -0 --separate-stderr triage-parse --list-parsers
	echo "$output" | jq -e -s 'map(select(.name == "winreg")) | length == 1 and
	    (.[0].data_types | index("windows:registry:key_value") != null)' >/dev/null
}

@test "every key's path and last-written time equal python3-hivex's" {
	need_reg
	"$PY" -c "import hivex" 2>/dev/null || skip "python3-hivex is not installed"
	local h out
	for h in $HIVES; do
		out=$(parsed "$h")
		diff <("$PY" "$ORACLE/winreg.py" keys-hivex "$REG/$h") \
		    <("$PY" "$ORACLE/winreg.py" keys-triage "$out") ||
		    { echo "differs: $h" >&2; return 1; }
	done
}

@test "every key's path and last-written time equal python3-libregf's" {
	need_reg
	"$PY" -c "import pyregf" 2>/dev/null || skip "python3-libregf is not installed"
	local h out
	for h in $HIVES; do
		out=$(parsed "$h")
		diff <("$PY" "$ORACLE/winreg.py" keys-libregf "$REG/$h") \
		    <("$PY" "$ORACLE/winreg.py" keys-triage "$out") ||
		    { echo "differs: $h" >&2; return 1; }
	done
}

@test "every value equals reglookup's (strings, integers, lists, binary as hex)" {
	need_reg
	need_cmd reglookup
	local h out
	for h in $HIVES; do
		out=$(parsed "$h")
		diff <("$PY" "$ORACLE/winreg.py" values-reglookup "$REG/$h") \
		    <("$PY" "$ORACLE/winreg.py" values-triage "$out") ||
		    { echo "differs: $h" >&2; return 1; }
	done
}

@test "healthy hives: exit 0, no warnings, hive types from content" {
	need_reg
	run -0 --separate-stderr triage-parse --registry keys "$REG/plaso/NTUSER.DAT" "$REG/regipy/SECURITY" "$REG/plaso/SAM"
	# regipy's SECURITY is dirty (sequence numbers 107, 106): that only
	[ "$stderr" = "triage-parse: $REG/regipy/SECURITY: offset 4 (0x4): hive is dirty (sequence numbers 107 and 106 differ): its transaction logs (.LOG1, .LOG2) were not applied; keys and values are as in the primary file" ]
	assert_jsonl "$output"
	echo "$output" | jq -e -s '
	    (map(select(.path | endswith("NTUSER.DAT"))) | all(.key_path | startswith("HKEY_CURRENT_USER"))) and
	    (map(select(.path | endswith("SECURITY"))) | all(.key_path | startswith("HKEY_LOCAL_MACHINE\\Security"))) and
	    (map(select(.path | endswith("/SAM"))) | all(.key_path | startswith("HKEY_LOCAL_MACHINE\\SAM"))) and
	    all(.data_type == "windows:registry:key_value" and .parser == "winreg")' >/dev/null
	# Amcache.hve has no HKEY: its paths start with "\"
	run -0 --separate-stderr triage-parse --registry keys "$REG/plaso/win10-Amcache.hve"
	echo "$output" | jq -e -s 'all(.key_path | startswith("\\"))' >/dev/null
}

@test "--registry keys|decoded: one kind each" {
	need_reg
	run -0 --separate-stderr triage-parse --registry decoded "$REG/plaso/NTUSER.DAT"
	echo "$output" | jq -e -s 'length > 0 and all(.data_type != "windows:registry:key_value")' >/dev/null
	run -0 --separate-stderr triage-parse --registry keys "$REG/plaso/NTUSER.DAT"
	[ "$(echo "$output" | wc -l)" -eq 1127 ]
}

# regripper prints "LastWrite Time 2009-08-04 15:13:12Z" style times; its
# plugins are the oracle for what the decoded events hold.
@test "Run keys equal regripper's run plugin" {
	need_reg
	need_cmd regripper
	local out want got
	out=$(parsed plaso/NTUSER.DAT)
	want=$(regripper -r "$REG/plaso/NTUSER.DAT" -p run 2>/dev/null |
	    awk '/^Software\\Microsoft\\Windows\\CurrentVersion\\Run$/{f=1;next} f && /^ +[^ ]+ - /{sub(/^ +/,""); sub(/ - /, ": "); print} f && /^$/{if(n++)f=0}')
	got=$(jq -r 'select(.data_type == "windows:registry:run" and (.key_path|endswith("CurrentVersion\\Run"))) | .entries[]' "$out")
	[ -n "$want" ]
	[ "$want" = "$got" ]
	# and the key's LastWrite, to the second
	want=$(regripper -r "$REG/plaso/NTUSER.DAT" -p run 2>/dev/null |
	    awk '/CurrentVersion\\Run$/{getline; print; exit}' | grep -o '[0-9]\{4\}-[0-9-]* [0-9:]*')
	got=$(jq -r 'select(.data_type == "windows:registry:run" and (.key_path|endswith("CurrentVersion\\Run"))) | .datetime[0:19] | sub("T"; " ")' "$out")
	[ "$want" = "$got" ]
}

@test "UserAssist equals regripper's userassist plugin (names, counts, times to the second)" {
	need_reg
	need_cmd regripper
	local out
	out=$(parsed plaso/NTUSER.DAT)
	# regripper: 13 entries with a time, UEME_CTLCUACount:ctor without one
	[ "$("$PY" "$ORACLE/winreg.py" userassist-regripper "$REG/plaso/NTUSER.DAT" | wc -l)" -eq 13 ]
	diff <("$PY" "$ORACLE/winreg.py" userassist-regripper "$REG/plaso/NTUSER.DAT") \
	    <("$PY" "$ORACLE/winreg.py" userassist-triage "$out")
	# plaso: 14 entries (UEME_CTLSESSION is none; ctor at its key's time),
	# idx0 MSN.lnk, 14 runs
	[ "$(jq -s 'map(select(.data_type == "windows:registry:userassist")) | length' "$out")" -eq 14 ]
	jq -e -s 'map(select(.data_type == "windows:registry:userassist" and .entry_index == 0))[0] |
	    .value_name == "UEME_RUNPIDL:%csidl2%\\MSN.lnk" and .number_of_executions == 14 and
	    .time == "2009-08-04T15:11:22.8110676Z"' "$out" >/dev/null
}

@test "SAM users equal regripper's samparse plugin (RID, login count, last login, password set, created)" {
	need_reg
	need_cmd regripper
	local out
	out=$(parsed plaso/SAM)
	[ "$("$PY" "$ORACLE/winreg.py" sam-regripper "$REG/plaso/SAM" | wc -l)" -eq 3 ]
	diff <("$PY" "$ORACLE/winreg.py" sam-regripper "$REG/plaso/SAM") \
	    <("$PY" "$ORACLE/winreg.py" sam-triage "$out")
	# plaso sam_users.py: Administrator's last login to 100 ns
	jq -e -s 'map(select(.username == "Administrator" and .timestamp_desc == "Last Login Time"))[0] |
	    .account_rid == 500 and .login_count == 3 and .time == "2014-03-18T10:20:47.3414256Z"' "$out" >/dev/null
}

@test "SYSTEM: ComputerName, ShutdownTime, TimeZone equal regripper's compname, shutdown, timezone" {
	need_reg
	need_cmd regripper
	local out want
	out=$(parsed regipy/SYSTEM)
	want=$(regripper -r "$REG/regipy/SYSTEM" -p compname 2>/dev/null | awk -F' *= *' '/^ComputerName/{print $2; exit}')
	[ "$want" = WKS-WIN732BITA ]
	[ "$(jq -r 'select(.data_type == "windows:registry:computer_name") | .computer_name' "$out")" = "$want" ]
	want=$(regripper -r "$REG/regipy/SYSTEM" -p shutdown 2>/dev/null | awk '/^ShutdownTime/{sub(/^ShutdownTime *: */,""); print; exit}')
	[ "$(jq -r 'select(.data_type == "windows:registry:shutdown") | .datetime[0:19] | sub("T"; " ")' "$out")Z" = "$want" ]
	want=$(regripper -r "$REG/regipy/SYSTEM" -p timezone 2>/dev/null | awk -F' *-> *' '/StandardName/{print $2; exit}')
	[ -n "$want" ]
	[ "$(jq -r 'select(.data_type == "windows:registry:timezone") | .standard_name' "$out")" = "$want" ]
}

@test "SYSTEM: services of the current control set equal regripper's services plugin" {
	need_reg
	need_cmd regripper
	local out
	out=$(parsed regipy/SYSTEM)
	# ORACLES.md: ControlSet001\services has 467 sub-keys
	[ "$("$PY" "$ORACLE/winreg.py" services-regripper "$REG/regipy/SYSTEM" | wc -l)" -eq 467 ]
	diff <("$PY" "$ORACLE/winreg.py" services-regripper "$REG/regipy/SYSTEM") \
	    <("$PY" "$ORACLE/winreg.py" services-triage "$out")
	jq -e -s 'map(select(.data_type == "windows:registry:service")) | all(.key_path | startswith("HKEY_LOCAL_MACHINE\\System\\ControlSet001\\Services\\"))' "$out" >/dev/null
}

@test "SYSTEM: USB devices and mounted devices (regipy: 14 USB over both control sets, 11 mounted)" {
	need_reg
	"$PY" -c "import pyregf" 2>/dev/null || skip "python3-libregf is not installed"
	local out cs1 cs2
	out=$(parsed regipy/SYSTEM)
	# regipy counts Enum\USB instances of ControlSet001 and 002; triage
	# reads the current one (Select\Current = 1)
	read -r cs1 cs2 < <("$PY" -c '
import pyregf, sys
f = pyregf.file(); f.open(sys.argv[1])
n = [sum(d.number_of_sub_keys for d in f.get_key_by_path("ControlSet00%d\\Enum\\USB" % i).sub_keys) for i in (1, 2)]
print(*n)' "$REG/regipy/SYSTEM")
	[ $((cs1 + cs2)) -eq 14 ]
	[ "$(jq -s 'map(select(.data_type == "windows:registry:usb" and .device_type == "USB" and .timestamp_desc == "Content Modification Time")) | length' "$out")" -eq "$cs1" ]
	jq -e -s 'map(select(.data_type == "windows:registry:usb" and .device_type == "USBSTOR" and .timestamp_desc == "Content Modification Time"))[0] |
	    .serial == "AA951D0000007252&0" and .friendly_name == "HP v100w USB Device" and .vendor == "HP" and .product == "v100w"' "$out" >/dev/null
	[ "$(jq -r 'select(.data_type == "windows:registry:mount_points") | .number_of_mounted_devices' "$out")" -eq 11 ]
}

@test "damaged hives: truncated, a corrupt sub-key list, bit flips: no crash, warnings with offsets, exit 2" {
	need_reg
	local d h=$REG/plaso/NTUSER.DAT n
	d=$(scratch)
	for n in 100 4096 200000 500000; do
		head -c "$n" "$h" > "$d/t$n"
		run -2 --separate-stderr triage-parse "$d/t$n"
		[[ "$stderr" == *"$d/t$n: offset "* ]]
		assert_jsonl "$output"
	done
	# A corrupt sub-key list: the root's list (its offset at 0x1000 + the
	# root key cell's sub-key list field) pointed at garbage.
	python3 - "$h" "$d/corrupt" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
root = struct.unpack_from("<I", b, 36)[0] + 4096
sub = struct.unpack_from("<I", b, root + 4 + 0x1c)[0] + 4096
b[sub + 4:sub + 6] = b"zz"          # its signature ("lf", "lh", "ri", "li")
open(sys.argv[2], "wb").write(b)
EOF
	run -2 --separate-stderr triage-parse "$d/corrupt"
	[[ "$stderr" == *"offset "* ]]
	# bit flips: whatever exit status, never a crash (>2)
	for n in 1 2 3 4 5; do
		python3 -c '
import random, sys
b = bytearray(open(sys.argv[1], "rb").read())
random.seed(int(sys.argv[3]))
for _ in range(300):
    i = random.randrange(4096, len(b)); b[i] ^= 1 << random.randrange(8)
open(sys.argv[2], "wb").write(b)' "$h" "$d/flip" "$n"
		run --separate-stderr triage-parse "$d/flip"
		[ "$status" -le 2 ]
	done
}

@test "a dirty hive: one warning that transaction logs were not applied, exit 0" {
	need_reg
	local d
	d=$(scratch)
	python3 -c '
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
struct.pack_into("<I", b, 4, struct.unpack_from("<I", b, 4)[0] + 1)
x = 0
for i in range(0, 508, 4):
    x ^= struct.unpack_from("<I", b, i)[0]
struct.pack_into("<I", b, 508, x)
open(sys.argv[2], "wb").write(b)' "$REG/plaso/SAM" "$d/SAM"
	run -0 --separate-stderr triage-parse "$d/SAM"
	[ "$(echo "$stderr" | grep -c 'transaction logs')" -eq 1 ]
	[[ "$stderr" == *"offset 4 (0x4): hive is dirty"* ]]
}
