/* SPDX-License-Identifier: Apache-2.0 */
/* Each libyal library in a namespace of its own: see yal.h. */
#include "internal.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "yal.h"

int
tri_yal_load(tri_yal *lib, const char *soname, const char *const *names,
    void **slots)
{
	size_t i;

	memset(lib, 0, sizeof(*lib));
	if ((lib->handle = dlmopen(LM_ID_NEWLM, soname, RTLD_NOW |
	    RTLD_LOCAL)) == NULL) {
		snprintf(lib->why, sizeof(lib->why), "cannot load %s: %s",
		    soname, dlerror());
		return 0;
	}
	for (i = 0; names[i] != NULL; i++) {
		if ((slots[i] = dlsym(lib->handle, names[i])) == NULL) {
			snprintf(lib->why, sizeof(lib->why), "no %s in %s",
			    names[i], soname);
			return 0;
		}
	}
	lib->ok = 1;
	return 1;
}
