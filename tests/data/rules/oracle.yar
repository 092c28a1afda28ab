/* SPDX-License-Identifier: Apache-2.0 */
/* Broad rules for the yara-vs-triage-scan oracle test: they match many
 * ordinary files, so the comparison covers far more than a few hits. */

rule oracle_word_root { strings: $a = "root" condition: $a }
rule oracle_shebang { condition: uint16(0) == 0x2123 }
rule oracle_larger_than_10k { condition: filesize > 10KB }
rule oracle_empty { condition: filesize == 0 }
rule oracle_four_nuls { strings: $z = { 00 00 00 00 } condition: $z }
rule oracle_url { strings: $u = /https?:\/\/[a-z0-9.\-]{3,}/ condition: $u }
rule oracle_mz { condition: uint16(0) == 0x5a4d }
rule oracle_many_lines { strings: $nl = "\n" condition: #nl > 20 }
rule oracle_last_byte_newline { condition: filesize > 0 and uint8(filesize - 1) == 0x0a }
rule oracle_ntfs_magic { strings: $f = "FILE0" $i = "INDX" condition: $f at 0 or $i at 0 }
