#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-parse's Windows parsers (prefetch, lnk, recycle_bin, jump lists,
# powershell_history) on every file under the shared fixtures' prefetch,
# lnk and windows-misc folders.  Oracles, asked at test time: python3-libscca
# (Prefetch up to version 30), python3-liblnk (shortcuts, also the ones cut
# out of custom destinations), olecfinfo/olecfexport (jump list streams), a
# struct decoder written here ($I, INFO2, DestList), plaso's expectations
# (ORACLES.md section 3) for the Prefetch and LNK files.

load helpers

A="$TRIAGE_TEST_DATA/artifacts"
PF="$A/prefetch/plaso"
WM="$A/windows-misc/plaso"
SYSPY=/usr/bin/python3

setup() {
	[ -d "$PF" ] || skip "no Windows fixtures at $A"
}

parse() {
	run --separate-stderr triage-parse "$@"
}

need_py() {
	[ -x "$SYSPY" ] && "$SYSPY" -c "import $1" 2>/dev/null ||
		skip "python3 module $1 is not installed"
}

# FILETIME integers to triage's 7-digit times, in Python.
PYTIME='
import datetime
def ft(v):
    if not v:
        return None
    s, f = divmod(v, 10**7)
    d = datetime.datetime(1601, 1, 1) + datetime.timedelta(seconds=s)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ" % f
'

@test "winmisc: --list-parsers names the Windows parsers and their data types" {
	run -0 --separate-stderr triage-parse --list-parsers
	for p in prefetch lnk recycle_bin olecf_automatic_destinations \
	    custom_destinations powershell_history; do
		printf '%s\n' "$output" | jq -e -s --arg p "$p" \
		    'any(.[]; .name == $p and (.data_types | length) > 0)' >/dev/null
	done
}

@test "prefetch: every file up to version 30 equals python3-libscca (runs to 100 ns, hash, exe, volumes, file metrics)" {
	need_py pyscca
	local f want got n=0
	for f in "$PF"/*.pf; do
		[[ "$f" == *AM_DELTA_PATCH* ]] && continue	# v31: libscca refuses it
		want=$("$SYSPY" -c "$PYTIME"'
import pyscca, sys, json
f = pyscca.file(); f.open(sys.argv[1])
runs = [ft(f.get_last_run_time_as_integer(i)) for i in range(8 if f.format_version >= 26 else 1)]
vols = list(f.volumes)
print(json.dumps({"exe": f.executable_filename, "hash": f.prefetch_hash,
  "run_count": f.run_count, "version": f.format_version,
  "runs": [r for r in runs if r],
  "serials": [v.serial_number for v in vols],
  "devices": [v.device_path for v in vols],
  "created": [ft(v.get_creation_time_as_integer()) for v in vols if v.get_creation_time_as_integer()],
  "files": f.number_of_file_metrics_entries}, sort_keys=True, separators=(",", ":"), ensure_ascii=False))' "$f")
		parse "$f"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		got=$(printf '%s\n' "$output" | jq -s -c -S '
		    (map(select(.data_type == "windows:prefetch:execution"))) as $e |
		    {exe: $e[0].executable, hash: $e[0].prefetch_hash,
		     run_count: $e[0].run_count, version: $e[0].version,
		     runs: ($e | map(.time)), serials: $e[0].volume_serial_numbers,
		     devices: $e[0].volume_device_paths,
		     created: map(select(.data_type == "windows:volume:creation") | .time),
		     files: ($e[0].mapped_files | length)}')
		[ "$got" = "$want" ] || {
			echo "$f: triage $got" >&2
			echo "$f: pyscca $want" >&2
			return 1
		}
		n=$((n + 1))
	done
	[ "$n" -eq 7 ]
}

@test "prefetch: plaso's expectations (CMD v17, PING, WUAUCLT, TASKHOST, BYTECODEGENERATOR, ONEDRIVE, NOTEPAD)" {
	parse "$PF/CMD.EXE-087B4001.pf"
	run -0 jq -r -s -c '[.[0].data_type, .[0].time, .[0].device_path,
	    .[1].version, .[1].run_count, .[1].time, .[1].timestamp_desc,
	    (.[1].mapped_files | length), .[1].volume_serial_numbers[0],
	    .[1].prefetch_hash, .[1].path_hints[0]]' <<<"$output"
	[ "$output" = '["windows:volume:creation","2013-03-10T10:19:46.2343750Z","\\DEVICE\\HARDDISKVOLUME1",17,2,"2013-03-10T10:11:49.2812500Z","Last Time Executed",33,617285451,142295041,"\\WINDOWS\\SYSTEM32\\CMD.EXE"]' ]
	parse "$PF/PING.EXE-B29F6629.pf"
	run -0 jq -r -s -c '[.[1].version, .[1].run_count, .[1].time,
	    .[1].path_hints, .[1].volume_serial_numbers, .[0].time]' <<<"$output"
	[ "$output" = '[23,14,"2012-04-06T19:00:55.9329556Z",["\\WINDOWS\\SYSTEM32\\PING.EXE"],[2885903653],"2010-11-10T17:37:26.4843750Z"]' ]
	parse "$PF/WUAUCLT.EXE-830BCC14.pf"
	run -0 jq -r -s -c 'map(select(.data_type == "windows:prefetch:execution")) |
	    [.[0].run_count, .[0].time, .[0].volume_device_paths,
	    (.[0].volume_serial_numbers | unique)]' <<<"$output"
	[ "$output" = '[25,"2012-03-15T21:17:39.8079963Z",["\\DEVICE\\HARDDISKVOLUME1","\\DEVICE\\HARDDISKVOLUMESHADOWCOPY2","\\DEVICE\\HARDDISKVOLUMESHADOWCOPY4","\\DEVICE\\HARDDISKVOLUMESHADOWCOPY7","\\DEVICE\\HARDDISKVOLUMESHADOWCOPY8"],[2885903653]]' ]
	parse "$PF/TASKHOST.EXE-3AE259FC.pf"
	run -0 jq -r -s -c '[map(select(.data_type == "windows:prefetch:execution") |
	    [.time, .timestamp_desc]), (.[0] | [.time, .device_path, .serial_number])]' <<<"$output"
	[ "$output" = '[[["2013-10-04T15:40:09.0378333Z","Last Time Executed"],["2013-10-04T15:28:09.0103565Z","Previous Last Time Executed"],["2013-10-04T06:19:54.5960606Z","Previous Last Time Executed"],["2013-10-04T06:11:13.6429375Z","Previous Last Time Executed"]],["2013-10-04T15:57:26.1465476Z","\\DEVICE\\HARDDISKVOLUME2",1751925321]]' ]
	parse "$PF/BYTECODEGENERATOR.EXE-C1E9BCE6.pf"
	run -0 jq -r -s -c '[(map(select(.data_type == "windows:prefetch:execution")) | length),
	    .[1].run_count, .[1].time, (.[1].mapped_files | length), .[0].device_path, .[0].time]' <<<"$output"
	[ "$output" = '[7,7,"2015-05-14T22:11:58.0911341Z",1085,"\\VOLUME{01d08edc0cbccaad-3e0d2d25}","2015-05-15T06:54:55.1392941Z"]' ]
	parse "$PF/ONEDRIVE.EXE-7E152375.pf"
	run -0 jq -r -s -c '[.[1].run_count, .[1].time, .[2].time, (.[1].mapped_files | length)]' <<<"$output"
	[ "$output" = '[2,"2015-05-14T22:11:05.4852771Z","2015-05-14T22:10:28.6747101Z",134]' ]
	parse "$PF/NOTEPAD.EXE-D8414F97.pf"
	run -0 jq -r -s -c '[.[1].run_count, .[1].time, .[2].time, (.[1].mapped_files | length), .[0].time, .[0].serial_number]' <<<"$output"
	[ "$output" = '[2,"2019-06-05T19:55:04.8777787Z","2019-06-05T19:23:00.8157052Z",56,"2017-07-30T19:40:03.5487843Z",748933550]' ]
}

@test "prefetch: version 31 (Windows 11, refused by libscca) gives plaso's values" {
	if [ -x "$SYSPY" ] && "$SYSPY" -c 'import pyscca' 2>/dev/null; then
		# the oracle's fault ORACLES.md names: still there?
		run "$SYSPY" -c 'import pyscca, sys; f = pyscca.file(); f.open(sys.argv[1])' \
		    "$PF/AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf"
		[ "$status" -ne 0 ]
	fi
	parse "$PF/AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run -0 jq -r -s -c 'map(select(.data_type == "windows:prefetch:execution")) |
	    [length, .[0].version, .[0].executable, .[0].prefetch_hash,
	    .[0].run_count, .[0].path_hints, .[0].volume_device_paths,
	    .[0].volume_serial_numbers, .[0].timestamp_desc]' <<<"$output"
	[ "$output" = '[1,31,"AM_DELTA_PATCH_1.443.990.0.EX",1882705798,1,["\\WINDOWS\\SOFTWAREDISTRIBUTION\\DOWNLOAD\\INSTALL\\AM_DELTA_PATCH_1.443.990.0.EXE"],["\\VOLUME{01dc94cf1f08c4a4-bc1f1bfc}"],[3156155388],"Last Time Executed"]' ]
}

@test "lnk: every shortcut equals python3-liblnk (times to 100 ns, size, attributes, paths, strings, droids)" {
	need_py pylnk
	local f want got n=0
	for f in "$A"/lnk/*/*.lnk; do
		want=$("$SYSPY" -c "$PYTIME"'
import pylnk, sys, json
l = pylnk.file(); l.open(sys.argv[1])
def s(x):
    return x if x else None
print(json.dumps({"times": [t for t in (ft(l.get_file_creation_time_as_integer()),
    ft(l.get_file_access_time_as_integer()), ft(l.get_file_modification_time_as_integer())) if t],
  "size": l.file_size, "attrs": l.file_attribute_flags,
  "local": s(l.local_path), "network": s(l.network_path),
  "args": s(l.command_line_arguments), "wd": s(l.working_directory),
  "rel": s(l.relative_path), "desc": s(l.description),
  "label": s(l.volume_label), "machine": s(l.machine_identifier),
  "droid": s(l.droid_file_identifier), "birth": s(l.birth_droid_file_identifier)},
  sort_keys=True, separators=(",", ":"), ensure_ascii=False))' "$f")
		parse "$f"
		[ "$status" -eq 0 ]
		got=$(printf '%s\n' "$output" | jq -s -c -S '
		    map(select(.data_type == "windows:lnk:link")) as $e |
		    {times: ($e | map(.time)), size: $e[0].file_size,
		     attrs: $e[0].file_attribute_flags, local: $e[0].local_path,
		     network: $e[0].network_path, args: $e[0].command_line_arguments,
		     wd: $e[0].working_directory, rel: $e[0].relative_path,
		     desc: $e[0].description, label: $e[0].volume_label,
		     machine: $e[0].machine_identifier,
		     droid: $e[0].droid_file_identifier,
		     birth: $e[0].birth_droid_file_identifier}')
		[ "$got" = "$want" ] || {
			echo "$f: triage $got" >&2
			echo "$f: pylnk  $want" >&2
			return 1
		}
		n=$((n + 1))
	done
	[ "$n" -eq 3 ]
}

@test "lnk: plaso's NeroInfoTool expectations and ORACLES.md's header times" {
	parse "$A/lnk/plaso/NeroInfoTool.lnk"
	[ "$status" -eq 0 ]
	run -0 jq -r -s -c 'map(select(.data_type == "windows:lnk:link")) |
	    [map([.timestamp_desc, .time]), .[0].file_size, .[0].drive_serial_number,
	    .[0].drive_type, .[0].file_attribute_flags, .[0].volume_label,
	    .[0].local_path, .[0].command_line_arguments]' <<<"$output"
	[ "$output" = '[[["Creation Time","2009-06-05T20:13:20.0000000Z"],["Last Access Time","2010-01-29T21:30:11.3321569Z"],["Content Modification Time","2009-06-05T20:13:20.0000000Z"]],4635160,1894578739,3,32,"OS","C:\\Program Files (x86)\\Nero\\Nero 9\\Nero InfoTool\\InfoTool.exe","-ScParameter=30002  "]' ]
	parse "$A/lnk/plaso/NeroInfoTool.lnk"
	run -0 jq -r -s -c 'map(select(.data_type == "windows:distributed_link_tracking:creation")) |
	    map([.time, .mac_address, .timestamp_desc])' <<<"$output"
	[ "$output" = '[["2010-01-29T21:02:17.8401717Z","70:5a:b6:16:a5:f3","Creation Time"]]' ]
	parse "$A/lnk/plaso/example.lnk"
	run -0 jq -r -s -c 'map(select(.data_type == "windows:lnk:link") | .time) | map(.[0:26])' <<<"$output"
	[ "$output" = '["2009-07-13T23:29:02.849131","2009-07-13T23:29:02.849131","2009-07-14T01:39:18.220000"]' ]
	parse "$A/lnk/artemis/Windows PowerShell (x86).lnk"
	run -0 jq -r -s -c 'map(select(.data_type == "windows:lnk:link") | .time)' <<<"$output"
	[ "$output" = '["2008-07-08T01:27:28.6254565Z","2008-07-08T01:27:28.6254565Z","2008-07-03T22:17:22.0000000Z"]' ]
}

@test "jump list (automatic): every numbered stream olecfinfo lists is a link; DestList entries equal a struct decode of olecfexport's stream" {
	need_cmd olecfinfo olecfexport
	local f="$WM/1b4dd67f29cb1962.automaticDestinations-ms" d want got
	parse "$f"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	local out=$output
	want=$(olecfinfo "$f" | sed -n 's/^  \([0-9a-fA-F]*\) ([0-9]* bytes)$/\1/p' | sort | tr '\n' ' ')
	got=$(printf '%s\n' "$out" | jq -r 'select(.data_type == "windows:lnk:link") | .stream_name' | sort -u | tr '\n' ' ')
	[ -n "$want" ]
	[ "$got" = "$want" ]
	d=$(scratch)
	(cd "$d" && olecfexport -t "$d/x" "$f" >/dev/null)
	local dl
	dl=$(find "$d" -path '*DestList*' -name StreamData.bin | head -1)
	[ -f "$dl" ]
	want=$(python3 -c "$PYTIME"'
import struct, sys
d = open(sys.argv[1], "rb").read()
ver, count = struct.unpack_from("<II", d, 0)
off, fixed = 32, (130 if ver >= 3 else 114)
for i in range(count):
    e = d[off:]
    host = e[72:88].split(b"\0")[0].decode()
    num, = struct.unpack_from("<I", e, 88)
    mt, pin = struct.unpack_from("<Qi", e, 100)
    n, = struct.unpack_from("<H", e, fixed - 2)
    path = e[fixed:fixed + 2 * n].decode("utf-16-le")
    print(num, host, ft(mt), pin, path)
    off += fixed + 2 * n + (4 if ver >= 3 else 0)' "$dl")
	got=$(printf '%s\n' "$out" | jq -r 'select(.data_type == "olecf:dest_list:entry") |
	    "\(.entry_number) \(.hostname) \(.time) \(.pin_status) \(.entry_path)"')
	[ "$(printf '%s\n' "$want" | wc -l)" -eq 7 ]
	[ "$got" = "$want" ]
}

@test "jump list (custom): each link in the file equals python3-liblnk reading it from its offset" {
	need_py pylnk
	local f="$WM/5afe4de1b92fc382.customDestinations-ms" want got
	want=$("$SYSPY" -c "$PYTIME"'
import pylnk, sys, io
d = open(sys.argv[1], "rb").read()
sig = bytes.fromhex("4c0000000114020000000000c000000000000046")
i = d.find(sig)
while i >= 0:
    l = pylnk.file(); l.open_file_object(io.BytesIO(d[i:]))
    print(ft(l.get_file_creation_time_as_integer()), l.description, l.local_path)
    i = d.find(sig, i + 1)' "$f")
	parse "$f"
	[ "$status" -eq 0 ]
	got=$(printf '%s\n' "$output" | jq -r 'select(.data_type == "windows:lnk:link" and
	    .timestamp_desc == "Creation Time") | "\(.time) \(.description) \(.local_path)"')
	[ "$(printf '%s\n' "$want" | wc -l)" -ge 2 ]
	[ "$got" = "$want" ]
}

@test "recycle bin: \$I version 2 and INFO2 equal a struct decoder" {
	local want got
	want=$(python3 -c "$PYTIME"'
import struct, sys
d = open(sys.argv[1], "rb").read()
v, size, t, n = struct.unpack_from("<QQQI", d, 0)
print(v, ft(t), size, d[28:28 + 2 * n].decode("utf-16-le").rstrip("\0"))
d = open(sys.argv[2], "rb").read()
es, = struct.unpack_from("<I", d, 12)
for off in range(20, len(d) - es + 1, es):
    idx, drive, t, size = struct.unpack_from("<IIQI", d, off + 260)
    name = d[off + 280:off + 800].decode("utf-16-le").split("\0")[0]
    print(idx, drive, ft(t), size, name)' "$WM/\$I103S5F.jpg" "$WM/INFO2")
	parse "$WM/\$I103S5F.jpg" "$WM/INFO2"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	got=$(printf '%s\n' "$output" | jq -r 'if .record_index then
	    "\(.record_index) \(.drive_number) \(.time) \(.file_size) \(.original_filename)"
	    else "2 \(.time) \(.file_size) \(.original_filename)" end')
	[ "$(printf '%s\n' "$want" | wc -l)" -eq 5 ]
	[ "$got" = "$want" ]
	printf '%s\n' "$output" | jq -e -s 'all(.data_type == "windows:metadata:deleted_item" and
	    .timestamp_desc == "Content Deletion Time")' >/dev/null
}

@test "recycle bin: a version 1 \$I made here (544 bytes) and a damaged one" {
	local d
	d=$(scratch)
	python3 -c '
import struct, sys
name = "C:\\Users\\x\\secret.docx".encode("utf-16-le")
d = struct.pack("<QQQ", 1, 12345, 131000000000000000) + name.ljust(520, b"\0")
open(sys.argv[1], "wb").write(d)
open(sys.argv[2], "wb").write(d[:100])' "$d/\$IABCDEF.docx" "$d/\$IBROKEN.docx"
	parse "$d/\$IABCDEF.docx"
	[ "$status" -eq 0 ]
	run -0 jq -r -c '[.time, .file_size, .original_filename]' <<<"$output"
	[ "$output" = '["2016-02-15T08:53:20.0000000Z",12345,"C:\\Users\\x\\secret.docx"]' ]
	parse "$d/\$IBROKEN.docx"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"offset 24 (0x18): \$I version 1: 100 bytes, expected 544"* ]]
}

@test "powershell_history: one event per command at the file's mtime, time_inferred, continuation lines joined" {
	local d
	d=$(scratch)
	mkdir "$d/PSReadLine"
	printf 'Get-Process\r\nInvoke-WebRequest -Uri http://x `\r\n  -OutFile a.exe\r\n\r\nwhoami /all\n' \
	    > "$d/PSReadLine/ConsoleHost_history.txt"
	touch -d '2024-05-06 07:08:09Z' "$d/PSReadLine/ConsoleHost_history.txt"
	parse "$d/PSReadLine/ConsoleHost_history.txt"
	[ "$status" -eq 0 ]
	run -0 jq -r -s -c 'map([.data_type, .time[0:19], .timestamp_desc, .command_index, .command, .time_inferred])' <<<"$output"
	[ "$output" = '[["powershell:history:command","2024-05-06T07:08:09","Content Modification Time",1,"Get-Process",true],["powershell:history:command","2024-05-06T07:08:09","Content Modification Time",2,"Invoke-WebRequest -Uri http://x `\r\n  -OutFile a.exe",true],["powershell:history:command","2024-05-06T07:08:09","Content Modification Time",3,"whoami /all",true]]' ]
	# the same text under another name is not taken
	cp "$d/PSReadLine/ConsoleHost_history.txt" "$d/notes.txt"
	parse "$d/notes.txt"
	[ -z "$output" ]
}

@test "damaged: a non-prefetch file named .pf is refused with its offset, exit 2" {
	local d
	d=$(scratch)
	printf 'this is not a prefetch file at all, just text\n' > "$d/FAKE.EXE-12345678.pf"
	parse "$d/FAKE.EXE-12345678.pf"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"FAKE.EXE-12345678.pf: offset 0 (0x0): not a Prefetch file"* ]]
}

@test "damaged: every fixture cut at several offsets and with flipped bytes: no crash, no hang, warnings with offsets, exit 2 when lost" {
	local d f b sz cut seed x n=0
	d=$(scratch)
	for f in "$PF"/*.pf "$A"/lnk/*/*.lnk "$WM/INFO2" "$WM/\$I103S5F.jpg" "$WM"/*Destinations-ms; do
		b=$(basename "$f")
		sz=$(stat -c %s "$f")
		for cut in 8 30 100 $((sz / 3)) $((sz / 2)) $((sz - 7)); do
			mkdir -p "$d/t$cut"
			head -c "$cut" "$f" > "$d/t$cut/$b"
		done
		for seed in 1 2 3; do
			mkdir -p "$d/f$seed"
			python3 -c '
import random, sys
d = bytearray(open(sys.argv[1], "rb").read()); r = random.Random(int(sys.argv[3]))
for i in range(max(1, len(d) // 200)):
    d[r.randrange(len(d))] ^= 1 << r.randrange(8)
open(sys.argv[2], "wb").write(d)' "$f" "$d/f$seed/$b" "$seed"
		done
	done
	for x in "$d"/*/*; do
		run --separate-stderr timeout 60 triage-parse "$x"
		[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || {
			echo "$x: exit $status" >&2
			return 1
		}
		assert_jsonl "$output"
		if [ "$status" -eq 2 ]; then
			# OLE streams are named, not placed: libolecf knows where
			[[ "$stderr" == *"offset "* ]] || [[ "$stderr" == *": stream "* ]] ||
			    [[ "$stderr" == *"no parser recognises"* ]] || {
				echo "$x: $stderr" >&2
				return 1
			}
			n=$((n + 1))
		fi
	done
	[ "$n" -gt 50 ]
}

@test "winmisc: the evidence is never touched" {
	local before after
	before=$(find "$PF" "$A/lnk" "$WM" -type f -exec sha256sum {} + | sort)
	parse "$PF" "$A/lnk" "$WM"
	after=$(find "$PF" "$A/lnk" "$WM" -type f -exec sha256sum {} + | sort)
	[ "$before" = "$after" ]
	assert_jsonl "$output"
}

@test "windows_task_xml: a UTF-16LE task (with BOM): name, author, date, triggers, actions, principal, enabled" {
	need_cmd iconv
	local d
	d=$(scratch)
	mkdir -p "$d/Tasks"
	{
		printf '\xff\xfe'
		iconv -f UTF-8 -t UTF-16LE <<'XML'
<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Date>2021-03-04T05:06:07.1234567</Date>
    <Author>CORP\mallory</Author>
    <URI>\Updater ü</URI>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger><Enabled>true</Enabled></LogonTrigger>
    <CalendarTrigger><StartBoundary>2021-03-05T00:00:00</StartBoundary></CalendarTrigger>
  </Triggers>
  <Principals><Principal id="Author"><UserId>S-1-5-18</UserId><RunLevel>HighestAvailable</RunLevel></Principal></Principals>
  <Settings><Enabled>false</Enabled><Hidden>true</Hidden></Settings>
  <Actions Context="Author">
    <Exec><Command>powershell.exe</Command><Arguments>-enc SQBFAFgA</Arguments></Exec>
    <ComHandler><ClassId>{01575CFE-9A55-4003-A5E1-F38D1EBDCBE1}</ClassId></ComHandler>
  </Actions>
</Task>
XML
	} > "$d/Tasks/Updater"
	parse "$d/Tasks/Updater"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run -0 jq -r -c '[.data_type, .time, .timestamp_desc, .task_name, .uri, .author,
	    .user_id, .run_level, .enabled, .hidden, .triggers, .actions, .time_zone]' <<<"$output"
	[ "$output" = '["windows:task_scheduler:task","2021-03-04T05:06:07.1234567Z","Registration Time","Updater ü","\\Updater ü","CORP\\mallory","S-1-5-18","HighestAvailable",false,true,["LogonTrigger","CalendarTrigger"],["powershell.exe -enc SQBFAFgA","ComHandler {01575CFE-9A55-4003-A5E1-F38D1EBDCBE1}"],"UTC (assumed)"]' ]
	# xmllint (libxml2's own tool) agrees that this is the file's author
	if command -v xmllint >/dev/null; then
		run -0 xmllint --xpath 'string(//*[local-name()="Author"])' "$d/Tasks/Updater"
		[ "$output" = 'CORP\mallory' ]
	fi
	# damaged: cut in the middle
	head -c 300 "$d/Tasks/Updater" > "$d/Tasks/Cut"
	parse "$d/Tasks/Cut"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Cut: offset 0 (0x0): not well-formed XML"* ]]
}
