#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
load helpers

@test "triage --help lists the verbs" {
	run -0 --separate-stderr triage --help
	[[ "${lines[0]}" == "usage: triage "* ]]
	for v in info walk acquire verify scan parse detect timeline extract known report collect; do
		[[ "$output" == *"  $v "* ]]
	done
}

@test "triage --help matches its man page" {
	assert_help_matches_man triage
}

@test "triage --version prints library versions" {
	run -0 --separate-stderr triage --version
	[[ "${lines[0]}" == "triage (triage) "* ]]
	[[ "$output" == *"libtsk"* ]]
}

@test "triage info runs triage-info with the same arguments" {
	need_fixtures
	run -0 --separate-stderr triage info "$DATA/gpt.img"
	[ "$output" = "$(triage-info "$DATA/gpt.img")" ]
	run -2 --separate-stderr triage info --bogus
	[[ "$stderr" == *"usage: triage-info"* ]]
}

@test "an unknown verb exits 2" {
	run -2 --separate-stderr triage frobnicate
	[[ "$stderr" == *"unknown verb 'frobnicate'"* ]]
	[[ "$stderr" != *"did you mean"* ]]
	run -2 --separate-stderr triage
}

@test "a mistyped verb gets a suggestion (swaps, one letter off, one missing)" {
	local typo want
	for typo in wlak:walk scna:scan timelime:timeline extrat:extract colect:collect; do
		run -2 --separate-stderr triage "${typo%%:*}"
		want=${typo#*:}
		[[ "$stderr" == *"unknown verb '${typo%%:*}'; did you mean '$want'?"* ]]
	done
}

@test "triage help VERB is that verb's --help; triage --help says where to start" {
	run -0 --separate-stderr triage help walk
	[ "$output" = "$(triage-walk --help)" ]
	run -2 --separate-stderr triage help wlak
	[[ "$stderr" == *"did you mean 'walk'?"* ]]
	run -0 --separate-stderr triage --help
	[ "${lines[1]}" = "start here: triage collect -e NAME -c CASE -o DIR SOURCE" ]
}

@test "the committed fixtures are the ones their SHA256SUMS name" {
	need_fixtures
	cd "$DATA"
	run -0 sha256sum --quiet -c SHA256SUMS
	run -0 sha256sum --quiet -c SHA256SUMS.artifacts
}

@test "the fixture scripts rebuild every committed image byte for byte" {
	need_shared
	local cmd
	for cmd in mke2fs debugfs dumpe2fs mkfs.vfat mcopy mmd mdel sfdisk ewfacquire faketime openssl perl hivexsh; do
		need_cmd "$cmd"
	done
	bash "$DATA/mkfixtures.sh" "$BATS_TEST_TMPDIR/fx" </dev/null
	bash "$DATA/mkartifacts.sh" "$BATS_TEST_TMPDIR/fx" </dev/null
	cd "$BATS_TEST_TMPDIR/fx"
	sha256sum --quiet -c "$DATA/SHA256SUMS"
	sha256sum --quiet -c "$DATA/SHA256SUMS.artifacts"
}
