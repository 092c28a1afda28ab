#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# mkrds.sh OUT.db COUNT [SQL-FILE]: an SQLite database with the schema NIST
# publishes for NSRL RDSv3 (schema.sql of the RDS_YYYY.MM.R releases: tables
# FILE, MFG, OS, PKG, VERSION and the DISTINCT_HASH view), COUNT random FILE
# rows (upper-case hex, as NSRL writes them), then the statements of
# SQL-FILE (known rows of a test).  Used by tests/cli/triage-known.bats and
# tests/bench/known.sh.
set -eu
out=$1 count=$2 extra=${3:-}
rm -f "$out"
{
	cat <<'SQL'
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE FILE (
 sha256     VARCHAR NOT NULL,
 sha1       VARCHAR NOT NULL,
 md5        VARCHAR NOT NULL,
 crc32      VARCHAR NOT NULL,
 file_name  VARCHAR NOT NULL,
 file_size  INTEGER NOT NULL,
 package_id INTEGER NOT NULL,
 CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name,
  file_size, package_id)
);
CREATE TABLE MFG (
 manufacturer_id INTEGER NOT NULL,
 name            VARCHAR NOT NULL,
 CONSTRAINT PK_MFG__MFG_ID PRIMARY KEY (manufacturer_id)
);
CREATE TABLE OS (
 operating_system_id INTEGER NOT NULL,
 name                VARCHAR NOT NULL,
 version             VARCHAR NOT NULL,
 manufacturer_id     INTEGER NOT NULL,
 CONSTRAINT PK_OS__OS_ID PRIMARY KEY (operating_system_id, manufacturer_id)
);
CREATE TABLE PKG (
 package_id          INTEGER NOT NULL,
 name                VARCHAR NOT NULL,
 version             VARCHAR NOT NULL,
 operating_system_id INTEGER NOT NULL,
 manufacturer_id     INTEGER NOT NULL,
 language            VARCHAR NOT NULL,
 application_type    VARCHAR NOT NULL,
 CONSTRAINT PK_PGK__PKG_ID PRIMARY KEY (package_id, operating_system_id,
  manufacturer_id, language, application_type)
);
CREATE TABLE VERSION (
 version      VARCHAR UNIQUE NOT NULL,
 build_set    VARCHAR NOT NULL,
 build_date   TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL,
 release_date TIMESTAMP NOT NULL,
 description  VARCHAR NOT NULL,
 CONSTRAINT PK_VERSION__VERSION PRIMARY KEY (version)
);
CREATE VIEW DISTINCT_HASH AS
 SELECT DISTINCT sha256, sha1, md5, crc32 FROM FILE;
INSERT INTO MFG VALUES (1, 'Example Software');
INSERT INTO OS VALUES (1, 'Windows', '11', 1);
INSERT INTO PKG VALUES (1, 'Example Suite', '1.0', 1, 1, 'English',
 'Office Suite');
INSERT INTO VERSION VALUES ('2026.09.1', 'modern minimal',
 '2026-09-01 00:00:00', '2026-09-01 00:00:00', 'test data');
SQL
	# Sorted on the primary key's first column, so the index is appended
	# to instead of rebuilt at random (minutes instead of hours at 10M).
	cat <<SQL
INSERT INTO FILE
 WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c
  WHERE x < $count)
 SELECT * FROM (SELECT hex(randomblob(32)) AS s, hex(randomblob(20)),
  hex(randomblob(16)), hex(randomblob(4)), 'file' || x || '.dll', x,
  1 FROM c) ORDER BY s;
SQL
	[ -z "$extra" ] || cat "$extra"
} | sqlite3 "$out" >/dev/null
