# SPDX-License-Identifier: Apache-2.0
lib_LTLIBRARIES += libtriage/libtriage.la
libtriage_libtriage_la_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS) -fvisibility=hidden
libtriage_libtriage_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(TR_LT_VERSION) \
	-export-symbols-regex '^tr_'
libtriage_libtriage_la_LIBADD = $(DEP_LIBS)
libtriage_libtriage_la_SOURCES = \
	libtriage/internal.h \
	libtriage/error.c \
	libtriage/library.c \
	libtriage/record.c \
	libtriage/hash.c \
	libtriage/source.c \
	libtriage/layout.c \
	libtriage/fs.c \
	libtriage/walk_dir.c \
	libtriage/progress.c
triageinclude_HEADERS += \
	libtriage/include/triage/triage.h \
	libtriage/include/triage/error.h \
	libtriage/include/triage/record.h \
	libtriage/include/triage/hash.h \
	libtriage/include/triage/source.h \
	libtriage/include/triage/fs.h \
	libtriage/include/triage/progress.h
