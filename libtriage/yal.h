/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading the libyal parser libraries (libevtx, libevt, libregf, libscca,
 * liblnk, libolecf, libfwsi, libmsiecf, libfwnt...) each into a link-map
 * namespace of its own with dlmopen(), never linking them.
 *
 * Why: every libyal library carries and exports its own private copies of
 * libcerror, libcdata, libuna, libbfio... at different versions (libewf,
 * and libvmdk/libvhdi under libtsk, too).  In one namespace the first copy
 * loaded serves every library, so a structure made by one version is
 * handed to another: libewf crashed on truncated E01s once libregf was
 * linked.  A namespace per library keeps each with its own copies and its
 * own libbfio (Debian's libyal packages link the system libbfio.so.1, which
 * then loads once per namespace).  glibc allows 16 namespaces; triage uses
 * one per library (ten today).
 *
 * Use: list the functions with an X-macro, declare the table with their
 * real types from the library's header, load once with pthread_once:
 *
 *	#define EVTX_API(X) X(libevtx_file_initialize) X(libevtx_file_free)
 *	static struct { EVTX_API(TRI_YAL_MEMBER) tri_yal lib; } ev;
 *	static const char *const ev_names[] = { EVTX_API(TRI_YAL_NAME) NULL };
 *	static void ev_load(void) { tri_yal_load(&ev.lib, "libevtx.so.1",
 *	    ev_names, (void **)&ev); }
 *
 * The function pointers must come first in the struct, in the names' order.
 */
#ifndef TRIAGE_YAL_H
#define TRIAGE_YAL_H

#include <stddef.h>

typedef struct tri_yal {
	void	*handle;	/* NULL when not loaded */
	int	ok;		/* every symbol found */
	char	why[256];	/* why not, for messages */
} tri_yal;

#define TRI_YAL_MEMBER(f)	__typeof__(f) *f;
#define TRI_YAL_NAME(f)		#f,

/*
 * dlmopen(LM_ID_NEWLM, soname) and resolve every name into slots[i].  On
 * failure lib->ok is 0 and lib->why says what is missing.  Returns lib->ok.
 */
int	tri_yal_load(tri_yal *lib, const char *soname,
	    const char *const *names, void **slots);

#endif
