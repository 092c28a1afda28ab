/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Windows shortcuts (plaso's "lnk" parser) through liblnk: one
 * windows:lnk:link event per header time that is set (Creation, Last
 * Access, Content Modification), and windows:distributed_link_tracking:
 * creation events from the version 1 UUIDs of the distributed link
 * tracking data (droid file identifier and birth droid file identifier:
 * their time and MAC address), as plaso makes them.  tri_lnk_parse() is
 * also the body of links embedded in jump lists.
 */
#include "internal.h"
#include "parse_internal.h"
#include "parse_win.h"
#include "yal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <liblnk.h>

#define LNK_API(X) \
	X(liblnk_error_free) X(liblnk_error_sprint) \
	X(liblnk_file_initialize) X(liblnk_file_free) \
	X(liblnk_file_open_file_io_handle) X(liblnk_file_close) \
	X(liblnk_file_get_file_creation_time) \
	X(liblnk_file_get_file_modification_time) \
	X(liblnk_file_get_file_access_time) \
	X(liblnk_file_get_file_size) X(liblnk_file_get_file_attribute_flags) \
	X(liblnk_file_get_drive_type) X(liblnk_file_get_drive_serial_number) \
	X(liblnk_file_get_utf8_volume_label_size) \
	X(liblnk_file_get_utf8_volume_label) \
	X(liblnk_file_get_utf8_local_path_size) \
	X(liblnk_file_get_utf8_local_path) \
	X(liblnk_file_get_utf8_network_path_size) \
	X(liblnk_file_get_utf8_network_path) \
	X(liblnk_file_get_utf8_description_size) \
	X(liblnk_file_get_utf8_description) \
	X(liblnk_file_get_utf8_relative_path_size) \
	X(liblnk_file_get_utf8_relative_path) \
	X(liblnk_file_get_utf8_working_directory_size) \
	X(liblnk_file_get_utf8_working_directory) \
	X(liblnk_file_get_utf8_command_line_arguments_size) \
	X(liblnk_file_get_utf8_command_line_arguments) \
	X(liblnk_file_get_utf8_icon_location_size) \
	X(liblnk_file_get_utf8_icon_location) \
	X(liblnk_file_get_utf8_environment_variables_location_size) \
	X(liblnk_file_get_utf8_environment_variables_location) \
	X(liblnk_file_has_distributed_link_tracking_data) \
	X(liblnk_file_get_utf8_machine_identifier_size) \
	X(liblnk_file_get_utf8_machine_identifier) \
	X(liblnk_file_get_droid_volume_identifier) \
	X(liblnk_file_get_droid_file_identifier) \
	X(liblnk_file_get_birth_droid_volume_identifier) \
	X(liblnk_file_get_birth_droid_file_identifier) \
	X(libbfio_handle_initialize) \
	X(libbfio_handle_free) X(libbfio_error_free)

static struct {
	LNK_API(TRI_YAL_MEMBER)
	tri_yal lib;
} lk;
static const char *const lk_names[] = { LNK_API(TRI_YAL_NAME) NULL };
static pthread_once_t lk_once = PTHREAD_ONCE_INIT;

static void
lk_load(void)
{
	tri_yal_load(&lk.lib, "liblnk.so.1", lk_names, (void **)&lk);
}

static const uint8_t lnk_magic[20] = { 0x4c, 0, 0, 0, 0x01, 0x14, 0x02, 0,
    0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };

/* A liblnk UTF-8 string (malloc'd) or NULL when absent. */
#define LK_STRING(out, name) do {					\
	size_t n_ = 0;							\
	(out) = NULL;							\
	if (lk.liblnk_file_get_utf8_##name##_size(f, &n_, &e) == 1 &&	\
	    n_ > 1 && n_ <= 65536 * 3 && ((out) = malloc(n_)) != NULL &&	\
	    lk.liblnk_file_get_utf8_##name(f, (uint8_t *)(out), n_,	\
	    &e) != 1) {							\
		free(out);						\
		(out) = NULL;						\
	}								\
	if (e != NULL)							\
		lk.liblnk_error_free(&e);				\
} while (0)

enum { S_VOLUME_LABEL, S_LOCAL_PATH, S_NETWORK_PATH, S_DESCRIPTION,
    S_RELATIVE_PATH, S_WORKING_DIRECTORY, S_ARGUMENTS, S_ICON_LOCATION,
    S_ENV_LOCATION, S_MACHINE_ID, S_COUNT };

static const char *const s_keys[S_COUNT] = { "volume_label", "local_path",
    "network_path", "description", "relative_path", "working_directory",
    "command_line_arguments", "icon_location", "env_var_location",
    "machine_identifier" };

/* GUID bytes as text: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
static void
guid_text(const uint8_t *g, char *buf)
{
	snprintf(buf, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    tri_le32(g), tri_le16(g + 4), tri_le16(g + 6), g[8], g[9], g[10],
	    g[11], g[12], g[13], g[14], g[15]);
}

static int
all_zero(const uint8_t *p, size_t n)
{
	while (n-- > 0)
		if (*p++ != 0)
			return 0;
	return 1;
}

/* Copy base's keys into ev. */
static int
add_base(tr_rec *ev, const tr_rec *base)
{
	void *it = NULL;
	const char *k;
	int rc = 0;

	if (base == NULL)
		return TR_OK;
	while ((k = tr_rec_next_key(base, &it)) != NULL)
		rc |= json_object_set(TRI_JSON(ev), k,
		    json_object_get(TRI_JSON(base), k)) == 0 ? 0 : 1;
	return rc == 0 ? TR_OK : TR_ENOMEM;
}

/* A windows:distributed_link_tracking:creation event for a v1 UUID. */
int
tri_droid_event(tri_parse_ctx *ctx, const uint8_t *g, const char *origin,
    const tr_rec *base)
{
	/* 100 ns intervals from 1582-10-15 to 1970-01-01 */
	const uint64_t epoch = 122192928000000000ULL;
	uint64_t ts;
	char uuid[40], mac[18];
	tr_time t;
	tr_rec *ev;
	int rc = 0;

	if ((tri_le16(g + 6) >> 12) != 1)
		return TR_OK;
	ts = (uint64_t)(tri_le16(g + 6) & 0x0fff) << 48 |
	    (uint64_t)tri_le16(g + 4) << 32 | tri_le32(g);
	if (ts < epoch)
		return TR_OK;
	ts -= epoch;
	t = tri_time((int64_t)(ts / 10000000), (uint32_t)(ts % 10000000) *
	    100, 7);
	guid_text(g, uuid);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", g[10],
	    g[11], g[12], g[13], g[14], g[15]);
	if ((ev = tri_event_new(ctx, "windows:distributed_link_tracking:"
	    "creation", &t, "Creation Time")) == NULL)
		return TR_ENOMEM;
	rc |= tri_event_message(ev, "%s MAC address: %s Origin: %s", uuid,
	    mac, origin);
	rc |= tr_rec_set_str(ev, "uuid", uuid);
	rc |= tr_rec_set_str(ev, "mac_address", mac);
	rc |= tr_rec_set_str(ev, "origin", origin);
	rc |= add_base(ev, base);
	if (rc != 0) {
		tr_rec_free(ev);
		return TR_ENOMEM;
	}
	return tri_parse_emit(ctx, ev);
}

int
tri_lnk_parse(tri_parse_ctx *ctx, const uint8_t *data, size_t size,
    uint64_t offset, const char *origin, const tr_rec *base)
{
	static const char *const descs[3] = { "Creation Time",
	    "Last Access Time", "Content Modification Time" };
	liblnk_file_t *f = NULL;
	liblnk_error_t *e = NULL;
	libbfio_handle_t *h = NULL;
	libbfio_error_t *be = NULL;
	char *s[S_COUNT] = { NULL };
	uint8_t g[4][16];
	int has[4] = { 0 }, have_sn = 0, have_dt = 0, i, rc = TR_OK, open = 0;
	uint64_t times[3] = { 0 };
	uint32_t fsize = 0, attrs = 0, dtype = 0, serial = 0;
	char why[1024], gt[40];
	const char *target;
	tr_rec *ev;
	tr_time t;

	pthread_once(&lk_once, lk_load);
	if (!lk.lib.ok) {
		tri_parse_warn(ctx, offset, "%s", lk.lib.why);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	if (size < 76 || memcmp(data, lnk_magic, sizeof(lnk_magic)) != 0) {
		tri_parse_warn(ctx, offset, "%s: not a shell link (no "
		    "ShellLinkHeader)", origin);
		tri_parse_lost(ctx);
		return TR_OK;
	}
	if (tri_bfio_memory(lk.libbfio_handle_initialize, &h, data,
	    size) != TR_OK) {
		rc = TR_ENOMEM;
		goto out;
	}
	if (lk.liblnk_file_initialize(&f, &e) != 1 ||
	    lk.liblnk_file_open_file_io_handle(f, h, LIBLNK_OPEN_READ,
	    &e) != 1) {
		why[0] = '\0';
		if (e != NULL)
			lk.liblnk_error_sprint(e, why, sizeof(why));
		tri_parse_warn(ctx, offset, "%s: liblnk cannot read it: %s",
		    origin, why);
		tri_parse_lost(ctx);
		goto out;
	}
	open = 1;
	lk.liblnk_file_get_file_creation_time(f, &times[0], &e);
	if (e != NULL)
		lk.liblnk_error_free(&e);
	lk.liblnk_file_get_file_access_time(f, &times[1], &e);
	if (e != NULL)
		lk.liblnk_error_free(&e);
	lk.liblnk_file_get_file_modification_time(f, &times[2], &e);
	if (e != NULL)
		lk.liblnk_error_free(&e);
	lk.liblnk_file_get_file_size(f, &fsize, &e);
	if (e != NULL)
		lk.liblnk_error_free(&e);
	lk.liblnk_file_get_file_attribute_flags(f, &attrs, &e);
	if (e != NULL)
		lk.liblnk_error_free(&e);
	have_dt = lk.liblnk_file_get_drive_type(f, &dtype, &e) == 1;
	if (e != NULL)
		lk.liblnk_error_free(&e);
	have_sn = lk.liblnk_file_get_drive_serial_number(f, &serial, &e) == 1;
	if (e != NULL)
		lk.liblnk_error_free(&e);
	LK_STRING(s[S_VOLUME_LABEL], volume_label);
	LK_STRING(s[S_LOCAL_PATH], local_path);
	LK_STRING(s[S_NETWORK_PATH], network_path);
	LK_STRING(s[S_DESCRIPTION], description);
	LK_STRING(s[S_RELATIVE_PATH], relative_path);
	LK_STRING(s[S_WORKING_DIRECTORY], working_directory);
	LK_STRING(s[S_ARGUMENTS], command_line_arguments);
	LK_STRING(s[S_ICON_LOCATION], icon_location);
	LK_STRING(s[S_ENV_LOCATION], environment_variables_location);
	if (lk.liblnk_file_has_distributed_link_tracking_data(f, &e) == 1) {
		LK_STRING(s[S_MACHINE_ID], machine_identifier);
		has[0] = lk.liblnk_file_get_droid_volume_identifier(f, g[0],
		    16, &e) == 1;
		if (e != NULL)
			lk.liblnk_error_free(&e);
		has[1] = lk.liblnk_file_get_droid_file_identifier(f, g[1], 16,
		    &e) == 1;
		if (e != NULL)
			lk.liblnk_error_free(&e);
		has[2] = lk.liblnk_file_get_birth_droid_volume_identifier(f,
		    g[2], 16, &e) == 1;
		if (e != NULL)
			lk.liblnk_error_free(&e);
		has[3] = lk.liblnk_file_get_birth_droid_file_identifier(f,
		    g[3], 16, &e) == 1;
	}
	if (e != NULL)
		lk.liblnk_error_free(&e);
	target = s[S_LOCAL_PATH] != NULL ? s[S_LOCAL_PATH] :
	    s[S_NETWORK_PATH];
	for (i = 0; i < 3 && rc == TR_OK; i++) {
		if (times[i] == 0)
			continue;
		t = tri_filetime(times[i]);
		if ((ev = tri_event_new(ctx, "windows:lnk:link", &t,
		    descs[i])) == NULL) {
			rc = TR_ENOMEM;
			break;
		}
		rc = tri_event_message(ev, "[%s] File size: %u File attribute "
		    "flags: 0x%08x Drive type: %u Drive serial number: 0x%08x "
		    "Local path: %s Network path: %s cmd arguments: %s "
		    "working dir: %s Link target: %s",
		    s[S_DESCRIPTION] != NULL ? s[S_DESCRIPTION] : "", fsize,
		    attrs, dtype, serial, s[S_LOCAL_PATH] != NULL ?
		    s[S_LOCAL_PATH] : "", s[S_NETWORK_PATH] != NULL ?
		    s[S_NETWORK_PATH] : "", s[S_ARGUMENTS] != NULL ?
		    s[S_ARGUMENTS] : "", s[S_WORKING_DIRECTORY] != NULL ?
		    s[S_WORKING_DIRECTORY] : "", target != NULL ? target : "");
		rc |= tr_rec_set_str(ev, "link_target", target);
		rc |= tr_rec_set_uint(ev, "file_size", fsize);
		rc |= tr_rec_set_uint(ev, "file_attribute_flags", attrs);
		if (have_dt)
			rc |= tr_rec_set_uint(ev, "drive_type", dtype);
		if (have_sn)
			rc |= tr_rec_set_uint(ev, "drive_serial_number",
			    serial);
		for (int k = 0; k < S_COUNT; k++)
			if (s[k] != NULL)
				rc |= tr_rec_set_text(ev, s_keys[k], s[k],
				    strlen(s[k]));
		if (has[0] && !all_zero(g[0], 16)) {
			guid_text(g[0], gt);
			rc |= tr_rec_set_str(ev, "droid_volume_identifier",
			    gt);
		}
		if (has[1] && !all_zero(g[1], 16)) {
			guid_text(g[1], gt);
			rc |= tr_rec_set_str(ev, "droid_file_identifier", gt);
		}
		if (has[2] && !all_zero(g[2], 16)) {
			guid_text(g[2], gt);
			rc |= tr_rec_set_str(ev,
			    "birth_droid_volume_identifier", gt);
		}
		if (has[3] && !all_zero(g[3], 16)) {
			guid_text(g[3], gt);
			rc |= tr_rec_set_str(ev,
			    "birth_droid_file_identifier", gt);
		}
		rc |= add_base(ev, base);
		if (rc != 0) {
			tr_rec_free(ev);
			rc = TR_ENOMEM;
			break;
		}
		rc = tri_parse_emit(ctx, ev);
	}
	/* plaso: the droid, then the birth droid when it differs */
	if (rc == TR_OK && has[1])
		rc = tri_droid_event(ctx, g[1], origin, base);
	if (rc == TR_OK && has[3] && (!has[1] || memcmp(g[1], g[3], 16) != 0))
		rc = tri_droid_event(ctx, g[3], origin, base);
out:
	for (i = 0; i < S_COUNT; i++)
		free(s[i]);
	if (e != NULL)
		lk.liblnk_error_free(&e);
	if (f != NULL) {
		if (open)
			lk.liblnk_file_close(f, &e);
		if (e != NULL)
			lk.liblnk_error_free(&e);
		lk.liblnk_file_free(&f, &e);
		if (e != NULL)
			lk.liblnk_error_free(&e);
	}
	if (h != NULL)
		lk.libbfio_handle_free(&h, &be);
	if (be != NULL)
		lk.libbfio_error_free(&be);
	return rc;
}

static int
lnk_match(const uint8_t *head, size_t len, uint64_t size, const char *name)
{
	size_t nl;

	(void)size;
	if (len >= sizeof(lnk_magic) &&
	    memcmp(head, lnk_magic, sizeof(lnk_magic)) == 0)
		return 100;
	if (name != NULL && (nl = strlen(name)) > 4 &&
	    strcasecmp(name + nl - 4, ".lnk") == 0)
		return 5;
	return 0;
}

static int
lnk_parse(tri_parse_ctx *ctx, const tr_artifact *a)
{
	return tri_lnk_parse(ctx, a->data, a->size, 0,
	    a->name != NULL ? a->name : "link", NULL);
}

static const char *const lnk_types[] = { "windows:lnk:link",
    "windows:distributed_link_tracking:creation", NULL };
static const char *const lnk_artifacts[] = { "WindowsUserRecentFiles", NULL };

const tri_parser tri_parser_lnk = {
	"lnk",
	"Windows shortcut (.lnk) files (liblnk)",
	lnk_types,
	lnk_artifacts,
	lnk_match,
	lnk_parse,
};
