#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# triage-extract: selection, artifact definitions, safe names, oracles (icat, fls).
load helpers

setup() {
	export TRIAGE_ARTIFACTS="$TRIAGE_SRCDIR/rules/artifacts"
	SAMPLE=$DATA/sample.img
	HOSTILE=$DATA/hostile.img
	[ -f "$SAMPLE" ] || skip "sample.img not built (tests/data/mkartifacts.sh)"
}

# sha256 of icat's output for inode $3 of image $1 at byte offset $2.
icat_sha() {
	icat -o $(($2 / 512)) "$1" "$3" | sha256sum | cut -d' ' -f1
}

# Every extracted record's sha256 equals icat's for the same address, the copy
# on disk has that hash, and the set of inodes equals fls's allocated regular
# files (fls -r -F -u).  Args: image.
oracle_every_file() {
	local img=$1 out fsrec vol off fs n_fls n_ours rec sha want
	out=$(scratch)/out
	run --separate-stderr triage-extract -q -p '**' -o "$out" "$img"
	[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	assert_jsonl "$output"
	cmp <(printf '%s\n' "$output" | grep -v '^$') <(grep -v '^$' "$out/manifest.jsonl" || true)
	while IFS=$'\t' read -r vol off fs; do
		# fls: allocated regular files of this filesystem (virtual ones excluded).
		fls -r -F -u -o $((off / 512)) "$img" | awk '$1 == "r/r" {sub(":", "", $2); print $2}' |
			sort > "$out.fls"
		jq -r --argjson v "$vol" 'select((.volume // -1) == $v) | .inode' "$out/manifest.jsonl" |
			sort > "$out.ours"
		diff "$out.fls" "$out.ours"
		jq -r --argjson v "$vol" 'select((.volume // -1) == $v) | [.inode, .sha256, .output] | @tsv' \
			"$out/manifest.jsonl" | while IFS=$'\t' read -r ino sha rel; do
			want=$(icat_sha "$img" "$off" "$ino")
			[ "$sha" = "$want" ] || { echo "$img inode $ino: $sha != icat $want" >&2; return 1; }
			[ "$(sha256sum < "$out/$rel" | cut -d' ' -f1)" = "$want" ]
		done
	done < <(triage-info "$img" | jq -r 'select(.record == "filesystem" and .fs != "apfs") |
		[(.volume // -1), .offset, .fs] | @tsv')
}

@test "--help first line equals the man page SYNOPSIS" {
	assert_help_matches_man triage-extract
}

@test "--version exits 0 and names the libraries" {
	run -0 --separate-stderr triage-extract --version
	[[ $output == "triage-extract (triage) "* ]]
}

@test "unknown option, missing -o, missing source, unknown artifact: exit 2 with usage" {
	run -2 --separate-stderr triage-extract --bogus
	[[ $stderr == *"usage: triage-extract"* ]]
	[ -z "$output" ]
	run -2 --separate-stderr triage-extract -p '**' "$SAMPLE"
	[[ $stderr == *"no output folder"* ]]
	run -2 --separate-stderr triage-extract -p '**' -o "$(scratch)/o"
	[[ $stderr == *"no source given"* ]]
	run -2 --separate-stderr triage-extract -a NoSuchArtifact -o "$(scratch)/o" "$SAMPLE"
	[[ $stderr == *"unknown artifact 'NoSuchArtifact'"* ]]
	run -2 --separate-stderr triage-extract -v x -p '**' -o "$(scratch)/o" "$SAMPLE"
	[[ $stderr == *"invalid volume 'x'"* ]]
}

@test "missing image: exit 2, path quoted, nothing on stdout" {
	run -2 --separate-stderr triage-extract -p '**' -o "$(scratch)/o" /no/such.img
	[[ $stderr == *"'/no/such.img'"* ]]
	[ -z "$output" ]
}

@test "-- ends the options" {
	local s; s=$(scratch)
	cp "$DATA/ext4.img" "$s/-p"
	cd "$s"
	run -0 --separate-stderr triage-extract -i 14 -o out -- -p
	[ "$(jq -r .path <<<"$output")" = /etc/passwd ]
}

@test "stdout to /dev/full: exit 2" {
	run -2 --separate-stderr sh -c "triage-extract -p '**' -o '$(scratch)/o' '$DATA/ext4.img' > /dev/full"
	[[ $stderr == *triage-extract* ]]
}

@test "--list: one artifact record per definition, our groups included" {
	run -0 --separate-stderr triage-extract --list
	assert_jsonl "$output"
	local names; names=$(jq -r .name <<<"$output")
	for n in windows-triage linux-triage macos-triage TriageWindowsEventLogs \
		TriageWindowsSystemRegistryHives TriageWindowsUserRegistryHives TriageWindowsAmcache \
		TriageWindowsPrefetch TriageWindowsSRUM TriageWindowsScheduledTasks TriageNTFSMetadata \
		TriageWindowsPowerShellHistory TriageChromeHistory TriageEdgeHistory \
		TriageFirefoxHistory TriageLinuxAuthLogs TriageLinuxSyslog TriageLinuxJournal \
		TriageLinuxLoginRecords TriageLinuxShellHistory TriageLinuxCrontabs \
		TriageLinuxSystemdUnits TriageLinuxSSH TriageLinuxAccounts TriageLinuxSudoers; do
		grep -qx "$n" <<<"$names" || { echo "missing $n" >&2; return 1; }
	done
	[ "$(jq -r 'select(.name == "linux-triage") | .sources[0].type' <<<"$output")" = ARTIFACT_GROUP ]
	# Every group member is defined.
	local missing
	missing=$(jq -r '.sources[] | select(.type == "ARTIFACT_GROUP") | .names[]' <<<"$output" |
		sort -u | comm -23 - <(sort -u <<<"$names"))
	[ -z "$missing" ]
}

@test "--definitions: every public ForensicArtifacts file loads; other source types noted" {
	need_shared
	local d=$TRIAGE_TEST_DATA/artifact-definitions
	run -0 --separate-stderr triage-extract -D "$d" --list
	assert_jsonl "$output"
	# Every definition of every file is listed (ours too).
	local want
	want=$(cat "$d"/*.yaml | grep -c '^name:')
	[ "$(jq -r 'select(.definitions | startswith("'"$d"'")) | .name' <<<"$output" | wc -l)" -eq "$want" ]
	[[ $stderr == *"REGISTRY_KEY source skipped"* ]]
	[[ $stderr == *"WMI source skipped"* ]]
	[[ $stderr == *"COMMAND source skipped"* ]]
	# One file at a time too.
	for f in "$d"/*.yaml; do
		run -0 --separate-stderr triage-extract -q -D "$f" --list
	done
}

@test "broken definitions file: exit 2 naming file and line" {
	local s; s=$(scratch)
	printf 'name: X\nsources: [\n' > "$s/bad.yaml"
	run -2 --separate-stderr triage-extract -D "$s/bad.yaml" --list
	[[ $stderr == *"'$s/bad.yaml' line "* ]]
}

@test "linux-triage on sample.img: exact set, homes from /etc/passwd, bytes equal icat" {
	local out; out=$(scratch)/out
	run -0 --separate-stderr triage-extract -a linux-triage -v 2 -o "$out" "$SAMPLE"
	assert_jsonl "$output"
	run -0 jq -r '.output' "$out/manifest.jsonl"
	diff <(sort <<<"$output") - <<'EOF2'
vol2/etc/cron.d/sysupdate
vol2/etc/crontab
vol2/etc/group
vol2/etc/passwd
vol2/etc/shadow
vol2/etc/ssh/ssh_config
vol2/etc/sudoers
vol2/etc/systemd/system/sysupdate.service
vol2/home/alice/.bash_history
vol2/home/alice/.local/share/fish/fish_history
vol2/home/alice/.ssh/authorized_keys
vol2/home/alice/.ssh/known_hosts
vol2/root/.bash_history
vol2/srv/carol/.ssh/authorized_keys
vol2/srv/carol/.zsh_history
vol2/var/log/auth.log
vol2/var/log/syslog
vol2/var/log/wtmp
vol2/var/spool/cron/crontabs/alice
EOF2
	[ "$(jq -r 'select(.path == "/srv/carol/.zsh_history") | .artifact' "$out/manifest.jsonl")" = TriageLinuxShellHistory ]
	jq -r '[.inode, .sha256] | @tsv' "$out/manifest.jsonl" | while read -r ino sha; do
		[ "$sha" = "$(icat_sha "$SAMPLE" 1048576 "$ino")" ]
	done
	# Times restored: mtime and atime (whole seconds and nanoseconds).
	[ "$(stat -c %y "$out/vol2/etc/passwd")" = "2023-04-06 00:07:09.200000018 +0000" ]
	[ "$(stat -c %x "$out/vol2/etc/passwd")" = "2023-04-06 00:07:11.400000018 +0000" ]
	# Copies are plain 0644 files, even of 0755 or 0600 originals.
	[ "$(stat -c %a "$out/vol2/etc/shadow")" = 644 ]
}

@test "windows-triage on sample.img: mixed-case FAT paths, per-user hives, case-insensitive match" {
	local out; out=$(scratch)/out
	run -0 --separate-stderr triage-extract -a windows-triage -o "$out" "$SAMPLE"
	assert_jsonl "$output"
	# The SOFTWARE hive is real and its ProfileList names Bob: no warning.
	[ -z "$stderr" ]
	run -0 jq -r '"\(.output)\t\(.artifact)"' "$out/manifest.jsonl"
	diff <(sort <<<"$output") - <<'EOF2'
vol3/Users/Bob/AppData/Local/Google/Chrome/User Data/Default/History	TriageChromeHistory
vol3/Users/Bob/AppData/Local/Microsoft/Windows/UsrClass.dat	TriageWindowsUserRegistryHives
vol3/Users/Bob/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadline/ConsoleHost_history.txt	TriageWindowsPowerShellHistory
vol3/Users/Bob/NTUSER.DAT	TriageWindowsUserRegistryHives
vol3/Windows/AppCompat/Programs/Amcache.hve	TriageWindowsAmcache
vol3/Windows/Prefetch/CMD.EXE-087B4001.pf	TriageWindowsPrefetch
vol3/Windows/System32/Tasks/Updater	TriageWindowsScheduledTasks
vol3/Windows/System32/config/SAM	TriageWindowsSystemRegistryHives
vol3/Windows/System32/config/SECURITY	TriageWindowsSystemRegistryHives
vol3/Windows/System32/config/SOFTWARE	TriageWindowsSystemRegistryHives
vol3/Windows/System32/config/SYSTEM	TriageWindowsSystemRegistryHives
vol3/Windows/System32/winevt/Logs/Security.evtx	TriageWindowsEventLogs
EOF2
	jq -r '[.inode, .sha256] | @tsv' "$out/manifest.jsonl" | while read -r ino sha; do
		[ "$sha" = "$(icat_sha "$SAMPLE" 7340032 "$ino")" ]
	done
	# The ext4 partition is case-sensitive: an upper-case glob finds nothing there.
	run -1 --separate-stderr triage-extract -p '/ETC/PASSWD' -v 2 -o "$(scratch)/o" "$SAMPLE"
	[ -z "$output" ]
	run -0 --separate-stderr triage-extract -p '/WINDOWS/system32/CONFIG/sam' -o "$(scratch)/o" "$SAMPLE"
	[ "$(jq -r .inode <<<"$output")" = 583 ]
}

@test "public ForensicArtifacts definitions select on sample.img" {
	need_shared
	run -0 --separate-stderr triage-extract -q -D "$TRIAGE_TEST_DATA/artifact-definitions" \
		-a WindowsEventLogs -a LinuxAuthLogs -o "$(scratch)/o" "$SAMPLE"
	jq -r .path <<<"$output" | grep -qx /Windows/System32/winevt/Logs/Security.evtx
	jq -r .path <<<"$output" | grep -qx /var/log/auth.log
}

@test "--deleted: recoverable deleted file as name~deleted-INODE, equal to icat" {
	local out; out=$(scratch)/out
	run -0 --separate-stderr triage-extract -p '/home/alice/Downloads/*' -o "$out" "$SAMPLE"
	[ "$(jq -r .output <<<"$output")" = vol2/home/alice/Downloads/invoice.pdf.exe ]
	out=$(scratch)/out
	run -0 --separate-stderr triage-extract -d -p '/home/alice/Downloads/*' -o "$out" "$SAMPLE"
	run -0 jq -r 'select(.deleted) | "\(.inode) \(.output)"' "$out/manifest.jsonl"
	[ "$output" = "56 vol2/home/alice/Downloads/dropper.sh~deleted-56" ]
	[ "$(sha256sum < "$out/vol2/home/alice/Downloads/dropper.sh~deleted-56" | cut -d' ' -f1)" = \
		"$(icat_sha "$SAMPLE" 1048576 56)" ]
}

@test "--inode and --volume; nothing selected exits 1" {
	local out; out=$(scratch)/out
	run -0 --separate-stderr triage-extract -i 37 -v 2 -o "$out" "$SAMPLE"
	[ "$(jq -r .path <<<"$output")" = /home/alice/Downloads/invoice.pdf.exe ]
	grep -q 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE' "$out/vol2/home/alice/Downloads/invoice.pdf.exe"
	run -1 --separate-stderr triage-extract -p '/no/such/*' -o "$(scratch)/o" "$SAMPLE"
	[ -z "$output" ]
	run -2 --separate-stderr triage-extract -p '**' -v 9 -o "$(scratch)/o" "$SAMPLE"
}

@test "file records on stdin select exactly those files; garbage is an error with its line" {
	local out; out=$(scratch)/out
	run -0 --separate-stderr triage-extract -o "$out" <<EOF2
{"record":"file","source":"$SAMPLE","volume":2,"inode":"18","path":"/etc/passwd","type":"file"}
{"record":"file","source":"$SAMPLE","volume":3,"inode":"583","path":"/Windows/System32/config/SAM","type":"file"}
{"record":"file","source":"$SAMPLE","volume":2,"inode":"56","path":"/home/alice/Downloads/dropper.sh","type":"file","deleted":true}
EOF2
	assert_jsonl "$output"
	[ "$(jq -r .output <<<"$output" | sort | tr '\n' ' ')" = \
		"vol2/etc/passwd vol2/home/alice/Downloads/dropper.sh~deleted-56 vol3/Windows/System32/config/SAM " ]
	run -2 --separate-stderr triage-extract -o "$(scratch)/o2" <<EOF2
{"record":"file","source":"$SAMPLE","volume":2,"inode":"18","path":"/etc/passwd"}
this is not json
{"record":"image","source":"$SAMPLE"}
EOF2
	[[ $stderr == *"line 2"* ]]
	[[ $stderr == *"line 3: not a file record"* ]]
	[ "$(jq -r .path <<<"$output")" = /etc/passwd ]
	run -2 --separate-stderr triage-extract -o "$(scratch)/o3" "$SAMPLE" </dev/null
	[[ $stderr == *"nothing selected"* ]]
	# A record naming no file, or a volume out of range, is an error, not
	# silently left out; a repeated one is copied once.
	run -2 --separate-stderr triage-extract -o "$(scratch)/o4" <<EOF2
{"record":"file","source":"$SAMPLE","volume":2,"inode":"18","path":"/etc/passwd","type":"file"}
{"record":"file","source":"$SAMPLE","volume":2,"inode":"18","path":"/etc/passwd","type":"file"}
{"record":"file","source":"$SAMPLE","volume":2,"inode":"99","path":"/etc/passwd","type":"file"}
{"record":"file","source":"$SAMPLE","volume":4294967298,"inode":"18","path":"/etc/passwd","type":"file"}
{"record":"file","source":"$SAMPLE","volume":2,"inode":"12","path":"/etc","type":"dir"}
EOF2
	[ "$(jq -r .output <<<"$output")" = vol2/etc/passwd ]
	[[ $stderr == *"no inode 99 with path '/etc/passwd' in volume 2 of '$SAMPLE'"* ]]
	[[ $stderr == *"line 4: invalid volume 4294967298"* ]]
	[ "$(grep -c . <<<"$stderr")" -eq 2 ]
}

@test "hostile names: nothing escapes OUT, every name mapped, unique and reversible" {
	local s out; s=$(scratch); out=$s/out
	mkdir "$s/etc"
	cd "$s"
	run -0 --separate-stderr triage-extract -p '**' -o "$out" "$HOSTILE"
	assert_jsonl "$output"
	# Nothing outside OUT: the scratch folder holds only OUT and the empty etc/.
	[ "$(find "$s" -mindepth 1 -not -path "$out*" | tr '\n' ' ')" = "$s/etc " ]
	[ -z "$(ls -A "$s/etc")" ]
	[ -z "$(find "$out" -type l)" ]
	run -0 jq -r '[.inode, .output] | @tsv' "$out/manifest.jsonl"
	diff <(sort -n <<<"$output") - <<'EOF2'
12	%2Fabs
13	%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F%7F~hcd24b2c0e29715d9
15	README.TXT
16	Readme.txt~2
17	ctl%01x.txt
19	dir/..%2F..%2Fetc%2Fevil
20	dir/a%2Fb
21	new%0Aline.txt
22	readme.txt~3
44	~long/40666c69e2f109c4/bottom.txt
EOF2
	# Every output is a regular file under OUT whose bytes equal icat's.
	jq -r '[.inode, .output, .sha256] | @tsv' "$out/manifest.jsonl" | while IFS=$'\t' read -r ino rel sha; do
		[ -f "$out/$rel" ]
		[ ! -L "$out/$rel" ]
		[ "$sha" = "$(icat_sha "$HOSTILE" 0 "$ino")" ]
	done
	# Reversible: percent-decoding the output name gives the original name.
	[ "$(jq -r 'select(.inode == "21") | .path' "$out/manifest.jsonl")" = $'/new\nline.txt' ]
	[ "$(printf '%b' "$(jq -r 'select(.inode == "21") | .output | gsub("%"; "\\x")' "$out/manifest.jsonl")")" = $'new\nline.txt' ]
	# Path over PATH_MAX once encoded: recorded with its full original path.
	[ "$(jq -r 'select(.inode == "44") | .path | length' "$out/manifest.jsonl")" -eq 1636 ]
}

@test "a symbolic link planted in OUT is not followed (with --force)" {
	local s out; s=$(scratch); out=$s/out
	mkdir -p "$out" "$s/elsewhere"
	ln -s ../elsewhere "$out/vol2"
	ln -s ../elsewhere/passwd-target "$out/x"
	run -0 --separate-stderr triage-extract -F -p /etc/passwd -v 2 -o "$out" "$SAMPLE"
	[ "$(jq -r .output <<<"$output")" = "vol2~2/etc/passwd" ]
	[ -z "$(ls -A "$s/elsewhere")" ]
	[ -L "$out/vol2" ]
}

@test "an existing non-empty OUT is refused without --force; nothing is overwritten with it" {
	local out; out=$(scratch)/out
	run -0 --separate-stderr triage-extract -i 14 -o "$out" "$DATA/ext4.img"
	run -2 --separate-stderr triage-extract -i 14 -o "$out" "$DATA/ext4.img"
	[[ $stderr == *"'$out' is not empty"* ]]
	[ -z "$output" ]
	run -0 --separate-stderr triage-extract -F -i 14 -o "$out" "$DATA/ext4.img"
	[ "$(jq -r .output <<<"$output")" = "etc/passwd~2" ]
	cmp "$out/etc/passwd" "$out/etc/passwd~2"
	[ "$(wc -l < "$out/manifest.jsonl")" -eq 2 ]
}

@test "OUT inside a live source folder is refused; a live folder is extracted" {
	local s; s=$(scratch)
	mkdir -p "$s/live/sub"
	echo hello > "$s/live/sub/a.txt"
	run -2 --separate-stderr triage-extract -p '**' -o "$s/live/out" "$s/live"
	[[ $stderr == *"inside the source"* ]]
	[ ! -e "$s/live/out" ]
	run -0 --separate-stderr triage-extract -p '**' -o "$s/out" "$s/live"
	[ "$(jq -r .output <<<"$output")" = sub/a.txt ]
	cmp "$s/live/sub/a.txt" "$s/out/sub/a.txt"
}

@test "a folder that cannot be read (a loop): warning, the rest copied, exit 2" {
	need_cmd debugfs
	local s out; s=$(scratch); out=$s/out
	cp "$DATA/ext4.img" "$s/loop.img"
	debugfs -w -R "link /home /home/alice/loop" "$s/loop.img" 2>/dev/null
	run -2 --separate-stderr triage-extract -p /etc/passwd -o "$out" "$s/loop.img"
	[[ "$stderr" == *"inode 15 ('/home/alice/loop') in '$s/loop.img'"* ]]
	[ "$(jq -r .output <<<"$output")" = etc/passwd ]
}

@test "a time with nanoseconds out of range (crafted ext4) does not stop the copy" {
	need_cmd debugfs
	local s out; s=$(scratch); out=$s/out
	cp "$DATA/ext4.img" "$s/ns.img"
	# mtime_extra: 10^9 nanoseconds (epoch bits 0), invalid for utimensat.
	debugfs -w -R "set_inode_field <14> mtime_extra 0xEE6B2800" "$s/ns.img" 2>/dev/null
	run -0 --separate-stderr triage-extract -i 14 -o "$out" "$s/ns.img"
	[ "$(jq -r .output <<<"$output")" = etc/passwd ]
	[ "$(jq -r 'has("mtime")' <<<"$output")" = false ]
	cmp "$out/etc/passwd" <(icat "$s/ns.img" 14)
}

@test "evidence is not modified" {
	local before; before=$(sha256sum "$SAMPLE" "$HOSTILE")
	run -0 --separate-stderr triage-extract -d -p '**' -o "$(scratch)/o" "$SAMPLE" "$HOSTILE"
	[ "$(sha256sum "$SAMPLE" "$HOSTILE")" = "$before" ]
}

@test "truncated or corrupt images: exit 2 with the path, no crash" {
	run -2 --separate-stderr triage-extract -p '**' -o "$(scratch)/o" "$DATA/truncated.E01"
	[[ $stderr == *truncated.E01* ]]
	run -2 --separate-stderr triage-extract -p '**' -o "$(scratch)/o" "$DATA/corrupt-pt.img"
	[[ $stderr == *corrupt-pt.img* ]]
	local s; s=$(scratch)
	head -c 1500000 "$SAMPLE" > "$s/cut.img"
	run -2 --separate-stderr triage-extract -p '**' -o "$s/o" "$s/cut.img"
	[[ $stderr == *"cut.img"* ]]
	assert_jsonl "$output"
}

@test "no filesystem at all: exit 2, each problem said once" {
	run -2 --separate-stderr triage-extract -p '**' -o "$(scratch)/o" "$DATA/random.bin"
	[ -z "$output" ]
	[ "$(grep -c "random.bin': no partition table and no filesystem found" <<<"$stderr")" = 1 ]
	[ "$(grep -c "no filesystem found in '$DATA/random.bin'" <<<"$stderr")" = 1 ]
}

@test "oracle: every allocated regular file of the committed fixtures equals icat" {
	need_cmd icat fls
	for img in ext4.img fat32.img mbr.img gpt.img sample.img hostile.img mbr.E01; do
		oracle_every_file "$DATA/$img"
	done
}

@test "oracle: every allocated regular file of the shared images equals icat" {
	need_shared
	need_cmd icat fls
	local img
	for img in dfvfs/ext2.E01 dfvfs/ext2.splitraw.000 dfvfs/ext2.vmdk dfvfs/ext2.vhd \
		dfvfs/image.vhd dfvfs/hfsplus.raw dfvfs/iso9660.raw plaso/image.E01 \
		plaso/image-split.E01 plaso/tsk_volume_system.raw plaso/syslog_image.dd; do
		oracle_every_file "$TRIAGE_TEST_DATA/images/$img"
	done
}

# ---- user profile folders from the registry's ProfileList ----

# profiles_hive OUT: a small real hive (a copy of the shared fixtures'
# SECURITY hive, MIT, never committed) with a ProfileList added by hivexsh
# (fixtures-lib.bash, as for sample.img): dave in C:\Profiles\dave (not under
# Users), LocalService under %SystemRoot%, erin again as %SystemDrive%\Users\ERIN,
# and frank on D:.
profiles_hive() {
	local base=$TRIAGE_TEST_DATA/artifacts/registry/regipy/SECURITY
	[ -f "$base" ] || skip "no registry hive in the shared fixtures ($base)"
	need_cmd hivexsh
	# shellcheck source=../data/fixtures-lib.bash
	. "$DATA/fixtures-lib.bash"
	hive_with_profiles "$base" "$1" 'C:\WINDOWS' \
		'S-1-5-21-7-8-9-1001=string:C:\Profiles\dave' \
		'S-1-5-19=expandstring:%SystemRoot%\ServiceProfiles\LocalService' \
		'S-1-5-21-7-8-9-1002=expandstring:%SystemDrive%\Users\ERIN' \
		'S-1-5-21-7-8-9-1003=string:D:\Users\frank'
}

# profiles_img IMG SOFTWARE: a Windows-like FAT disk with that SOFTWARE hive,
# Users/erin, Profiles/dave and Windows/ServiceProfiles/LocalService, each
# with an NTUSER.DAT and (erin, dave) a PowerShell history; a Recycle Bin
# with a deleted file of dave ($I and $R), a deleted folder of erin and a
# deleted file of a SID the ProfileList does not name; dave's
# ActivitiesCache.db under L.dave and a decoy under L.other.
profiles_img() {
	local img=$1 hive=$2 st u ps rb
	need_cmd mkfs.vfat mcopy
	st=$(scratch)/staging
	ps=AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine
	mkdir -p "$st/Windows/System32/config" "$st/Windows/ServiceProfiles/LocalService"
	cp "$hive" "$st/Windows/System32/config/SOFTWARE"
	for u in Users/erin Profiles/dave; do
		mkdir -p "$st/$u/$ps"
		echo "hive of $u" > "$st/$u/NTUSER.DAT"
		echo "history of $u" > "$st/$u/$ps/ConsoleHost_history.txt"
	done
	echo "hive of LocalService" > "$st/Windows/ServiceProfiles/LocalService/NTUSER.DAT"
	for u in dave other; do
		mkdir -p "$st/Profiles/dave/AppData/Local/ConnectedDevicesPlatform/L.$u"
		echo "activities of $u" > \
			"$st/Profiles/dave/AppData/Local/ConnectedDevicesPlatform/L.$u/ActivitiesCache.db"
	done
	rb='$Recycle.Bin'
	mkdir -p "$st/$rb/S-1-5-21-7-8-9-1001" "$st/$rb/S-1-5-21-7-8-9-1002/\$RDIR01" \
		"$st/$rb/S-1-5-21-unknown"
	echo "metadata of dave's file" > "$st/$rb/S-1-5-21-7-8-9-1001/\$IABC123.txt"
	echo "dave's deleted file" > "$st/$rb/S-1-5-21-7-8-9-1001/\$RABC123.txt"
	echo "metadata of erin's folder" > "$st/$rb/S-1-5-21-7-8-9-1002/\$IDIR01"
	echo "a file in erin's deleted folder" > "$st/$rb/S-1-5-21-7-8-9-1002/\$RDIR01/inner.txt"
	echo "metadata of a stranger's file" > "$st/$rb/S-1-5-21-unknown/\$IXYZ.txt"
	rm -f "$img"
	mkfs.vfat -C -n WIN "$img" 4096 >/dev/null
	MTOOLS_SKIP_CHECK=1 MTOOLSRC=/dev/null mcopy -s -i "$img" "$st"/* ::/
}

@test "ProfileList: profiles outside Users are found (hivex-made SOFTWARE hive)" {
	local s out rel; s=$(scratch)
	profiles_hive "$s/SOFTWARE"
	profiles_img "$s/win.img" "$s/SOFTWARE"
	out=$s/out
	run -0 --separate-stderr triage-extract -a windows-triage -o "$out" "$s/win.img"
	assert_jsonl "$output"
	run -0 jq -r '"\(.path)\t\(.artifact)"' "$out/manifest.jsonl"
	# Recycle Bin metadata ($I) of every SID folder (an unknown SID's too: a
	# deleted account keeps its folder), not the contents ($R).
	diff <(sort <<<"$output") - <<'EOF2'
/$Recycle.Bin/S-1-5-21-7-8-9-1001/$IABC123.txt	TriageWindowsRecycleBinMetadata
/$Recycle.Bin/S-1-5-21-7-8-9-1002/$IDIR01	TriageWindowsRecycleBinMetadata
/$Recycle.Bin/S-1-5-21-unknown/$IXYZ.txt	TriageWindowsRecycleBinMetadata
/Profiles/dave/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt	TriageWindowsPowerShellHistory
/Profiles/dave/NTUSER.DAT	TriageWindowsUserRegistryHives
/Users/erin/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt	TriageWindowsPowerShellHistory
/Users/erin/NTUSER.DAT	TriageWindowsUserRegistryHives
/Windows/ServiceProfiles/LocalService/NTUSER.DAT	TriageWindowsUserRegistryHives
/Windows/System32/config/SOFTWARE	TriageWindowsSystemRegistryHives
EOF2
	rel=$(jq -r 'select(.path == "/Profiles/dave/NTUSER.DAT") | .output' "$out/manifest.jsonl")
	[ "$(cat "$out/$rel")" = "hive of Profiles/dave" ]
	# frank's profile is on D: (not this volume): said, with SID and value.
	[[ $stderr == *"S-1-5-21-7-8-9-1003"* ]]
	[[ $stderr == *"'D:\\Users\\frank'"* ]]
	[[ $stderr == *"not on this volume"* ]]
	# erin (listed and in ProfileList as ERIN) and the rest give no other message.
	[ "$(grep -c . <<<"$stderr")" = 1 ]
}

@test "ProfileList: a corrupt or truncated SOFTWARE hive gives a warning; Users/ still expands" {
	local s out kind; s=$(scratch)
	profiles_hive "$s/good"
	for kind in random truncated; do
		case $kind in
		random) head -c 65536 /dev/urandom > "$s/SOFTWARE" ;;
		truncated) head -c 6000 "$s/good" > "$s/SOFTWARE" ;;
		esac
		profiles_img "$s/win.img" "$s/SOFTWARE"
		out=$s/out-$kind
		run -0 --separate-stderr triage-extract -a windows-triage -o "$out" "$s/win.img"
		[[ $stderr == *"cannot parse registry hive '/Windows/System32/config/SOFTWARE'"* ]]
		[[ $stderr == *"'$s/win.img'"* ]]
		[[ $stderr == *"folder listing only"* ]]
		run -0 jq -r .path "$out/manifest.jsonl"
		grep -qx /Users/erin/NTUSER.DAT <<<"$output"
		grep -qx /Users/erin/AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt <<<"$output"
		! grep -q /Profiles/dave <<<"$output"
		# The Recycle Bin needs no SID from the hive: every folder's $I.
		grep -qxF '/$Recycle.Bin/S-1-5-21-unknown/$IXYZ.txt' <<<"$output"
		grep -qxF '/$Recycle.Bin/S-1-5-21-7-8-9-1001/$IABC123.txt' <<<"$output"
		[[ $stderr != *"%%users.sid%%"* ]]
	done
}

@test "ProfileList: %%users.sid%% is each profile's SID; the Recycle Bin of every SID, \$I and \$R" {
	local s out rel; s=$(scratch)
	profiles_hive "$s/SOFTWARE"
	profiles_img "$s/win.img" "$s/SOFTWARE"
	out=$s/out
	run -0 --separate-stderr triage-extract -a TriageWindowsRecycleBin -o "$out" "$s/win.img"
	assert_jsonl "$output"
	run -0 jq -r '"\(.path)\t\(.artifact)"' "$out/manifest.jsonl"
	diff <(sort <<<"$output") - <<'EOF2'
/$Recycle.Bin/S-1-5-21-7-8-9-1001/$IABC123.txt	TriageWindowsRecycleBin
/$Recycle.Bin/S-1-5-21-7-8-9-1001/$RABC123.txt	TriageWindowsRecycleBin
/$Recycle.Bin/S-1-5-21-7-8-9-1002/$IDIR01	TriageWindowsRecycleBin
/$Recycle.Bin/S-1-5-21-7-8-9-1002/$RDIR01/inner.txt	TriageWindowsRecycleBin
/$Recycle.Bin/S-1-5-21-unknown/$IXYZ.txt	TriageWindowsRecycleBin
EOF2
	rel=$(jq -r 'select(.path | endswith("$RABC123.txt")) | .output' "$out/manifest.jsonl")
	[ "$(cat "$out/$rel")" = "dave's deleted file" ]
	# Only frank's profile on D: is noted: every user here has a SID.
	[ "$(grep -c . <<<"$stderr")" = 1 ]
	[[ $stderr == *"not on this volume"* ]]
	# %%users.sid%% and %%users.username%% (the profile folder's name) in
	# definitions of one's own.
	cat > "$s/own.yaml" <<'EOF2'
name: OwnSidPaths
sources:
- type: FILE
  attributes:
    paths:
    - '\$Recycle.Bin\%%users.sid%%\$I*'
    - '%%users.localappdata%%\ConnectedDevicesPlatform\L.%%users.username%%\*.db'
    separator: '\'
EOF2
	run -0 --separate-stderr triage-extract -D "$s/own.yaml" -a OwnSidPaths -o "$s/own" "$s/win.img"
	run -0 jq -r .path "$s/own/manifest.jsonl"
	diff <(sort <<<"$output") - <<'EOF2'
/$Recycle.Bin/S-1-5-21-7-8-9-1001/$IABC123.txt
/$Recycle.Bin/S-1-5-21-7-8-9-1002/$IDIR01
/Profiles/dave/AppData/Local/ConnectedDevicesPlatform/L.dave/ActivitiesCache.db
EOF2
}

@test "progress on a terminal: a line blanked out before an error and at the end, never in the records; none with -q" {
	need_cmd script
	local d x="$TRIAGE_BUILDDIR/cmd/triage-extract"
	d=$(scratch)
	# script copies its stdin to the terminal it makes: give it nothing.
	run -0 script -qec "'$x' -p '**' -o '$d/tty' '$SAMPLE' > '$d/out'" /dev/null </dev/null
	[[ "$output" == *$'\r'"triage-extract: "*" files, "*" MiB, "* ]]
	[[ "$output" == *$'\r' ]]
	assert_jsonl "$(cat "$d/out")"
	# the same records and manifest as with stderr a file, which stays empty
	run -0 --separate-stderr triage-extract -p '**' -o "$d/file" "$SAMPLE"
	[ -z "$stderr" ]
	[ "$(cat "$d/out")" = "$output" ]
	cmp "$d/tty/manifest.jsonl" "$d/file/manifest.jsonl"
	# an error (a record on stdin naming no file) takes the line's place
	triage-walk "$SAMPLE" > "$d/recs"
	jq -c 'select(.type == "file")' "$d/recs" | tail -1 | jq -c '.inode = "99999"' >> "$d/recs"
	run -2 script -qec "'$x' -o '$d/err' < '$d/recs' > '$d/out'" /dev/null </dev/null
	[[ "$output" == *$'\r'"triage-extract: "*" files, "*$'\r'" "*$'\r'"triage-extract: no inode 99999 "* ]]
	run -2 --separate-stderr triage-extract -o "$d/err2" < "$d/recs"
	[ "$(cat "$d/out")" = "$output" ]
	cmp "$d/err/manifest.jsonl" "$d/err2/manifest.jsonl"
	# -q: no progress line
	run -0 script -qec "'$x' -q -p '**' -o '$d/q' '$SAMPLE' > /dev/null" /dev/null </dev/null
	[ -z "$output" ]
}
