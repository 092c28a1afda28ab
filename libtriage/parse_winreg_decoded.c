/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoded registry events, as plaso's winreg plugins make them: Run keys,
 * Services, UserAssist, SAM users, ComputerName, TimeZone, ShutdownTime,
 * BAM/DAM, Amcache, USB/USBSTOR, MountedDevices, ProfileList.  Key paths
 * name the control set Select\Current points to (ControlSet001...), the
 * keys as they are in the hive.
 */
#include "internal.h"
#include "parse_winreg.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SUBKEYS_MAX	100000
#define TRI_WR_PATH_MAX	8192	/* key paths built by the plugins */
#define DESC_WRITTEN	"Content Modification Time"
#define DESC_EXECUTED	"Last Time Executed"

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void
set_str(tr_rec *ev, const char *key, const char *s, int *rc)
{
	if (s != NULL)
		*rc |= tr_rec_set_text(ev, key, s, strlen(s));
}

/* Emit ev after its message and fields were set (rc != 0: no memory). */
static void
finish(struct tri_wr_hive *h, tr_rec *ev, int rc)
{
	if (ev == NULL)
		return;
	if (rc != 0) {
		tr_rec_free(ev);
		h->rc = TR_ENOMEM;
		return;
	}
	tri_wr_emit(h, ev);
}

static int
nsub_capped(struct tri_wr_hive *h, libregf_key_t *k)
{
	int n = tri_wr_nsub(k);

	(void)h;
	return n > SUBKEYS_MAX ? SUBKEYS_MAX : n;
}

/* ---- Run / RunOnce ---------------------------------------------------- */

static void
run_key(struct tri_wr_hive *h, const char *path)
{
	libregf_key_t *k;
	libregf_value_t *v = NULL;
	tr_rec *ev, *entries;
	tr_time t;
	char name[TRI_WR_NAME_MAX], *s, *e;
	uint8_t *d;
	uint32_t type;
	size_t sz, n;
	int nv = 0, i, rc = 0;

	if ((k = tri_wr_key(h, path)) == NULL)
		return;
	t = tri_wr_key_time(k);
	if ((ev = tri_wr_event(h, "windows:registry:run", &t, DESC_WRITTEN,
	    path)) == NULL || (entries = tr_rec_new_array()) == NULL) {
		tr_rec_free(ev);
		tri_wr.libregf_key_free(&k, NULL);
		return;
	}
	tri_wr.libregf_key_get_number_of_values(k, &nv, NULL);
	for (i = 0; i < nv && i < 10000; i++) {
		if (tri_wr.libregf_key_get_value(k, i, &v, NULL) != 1)
			continue;
		strcpy(name, "(default)");
		if (tri_wr.libregf_value_get_utf8_name_size(v, &n, NULL) ==
		    1 && n > 1 && n <= sizeof(name))
			tri_wr.libregf_value_get_utf8_name(v, (uint8_t *)name,
			    n, NULL);
		d = tri_wr_value_data(v, &type, &sz);
		tri_wr.libregf_value_free(&v, NULL);
		if (d == NULL)
			continue;
		s = (type == LIBREGF_VALUE_TYPE_STRING ||
		    type == LIBREGF_VALUE_TYPE_EXPANDABLE_STRING) ?
		    tri_wr_utf16(d, sz) : NULL;
		free(d);
		if (s == NULL)
			continue;
		if (asprintf(&e, "%s: %s", name, s) >= 0) {
			rc |= tr_rec_append_str(entries, e);
			free(e);
		}
		free(s);
	}
	rc |= tr_rec_set_rec(ev, "entries", entries);
	rc |= tri_event_message(ev, "[%s] %zu entries",
	    tr_rec_get_str(ev, "key_path"), tr_rec_array_size(entries));
	tri_wr.libregf_key_free(&k, NULL);
	finish(h, ev, rc);
}

static void
run_keys(struct tri_wr_hive *h)
{
	static const char *const sw[] = {
		"Microsoft\\Windows\\CurrentVersion\\Run",
		"Microsoft\\Windows\\CurrentVersion\\RunOnce",
		"Microsoft\\Windows\\CurrentVersion\\RunOnceEx",
		"Microsoft\\Windows\\CurrentVersion\\RunServices",
		"Microsoft\\Windows\\CurrentVersion\\RunServicesOnce",
		"Microsoft\\Windows\\CurrentVersion\\Policies\\Explorer\\Run",
		"Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Run",
		"Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\RunOnce",
		NULL
	};
	char p[256];
	size_t i;

	for (i = 0; sw[i] != NULL && h->rc == TR_OK; i++) {
		if (h->type == TRI_HIVE_NTUSER) {
			if (strncmp(sw[i], "Wow", 3) == 0)
				continue;
			snprintf(p, sizeof(p), "Software\\%s", sw[i]);
			run_key(h, p);
		} else
			run_key(h, sw[i]);
	}
}

/* ---- SYSTEM ------------------------------------------------------------ */

static void
services(struct tri_wr_hive *h)
{
	libregf_key_t *svcs, *k, *par;
	char path[TRI_WR_PATH_MAX], name[TRI_WR_NAME_MAX], *img, *obj, *dll;
	uint32_t start, type, ec;
	int hs, ht, he, n, i, rc;
	tr_rec *ev;
	tr_time t;

	snprintf(path, sizeof(path), "%s\\Services", h->ccs);
	if ((svcs = tri_wr_key(h, path)) == NULL)
		return;
	n = nsub_capped(h, svcs);
	for (i = 0; i < n && h->rc == TR_OK; i++) {
		if ((k = tri_wr_sub(svcs, i)) == NULL)
			continue;
		tri_wr_key_name(k, name, sizeof(name));
		hs = tri_wr_dword(k, "Start", &start);
		ht = tri_wr_dword(k, "Type", &type);
		he = tri_wr_dword(k, "ErrorControl", &ec);
		img = tri_wr_string(k, "ImagePath");
		obj = tri_wr_string(k, "ObjectName");
		dll = NULL;
		par = NULL;
		if (tri_wr.libregf_key_get_sub_key_by_utf8_name(k,
		    (const uint8_t *)"Parameters", 10, &par, NULL) == 1)
			dll = tri_wr_string(par, "ServiceDll");
		tri_wr.libregf_key_free(&par, NULL);
		if (dll == NULL)
			dll = tri_wr_string(k, "ServiceDll");
		t = tri_wr_key_time(k);
		snprintf(path, sizeof(path), "%s\\Services\\%s", h->ccs, name);
		rc = 0;
		if ((ev = tri_wr_event(h, "windows:registry:service", &t,
		    DESC_WRITTEN, path)) != NULL) {
			set_str(ev, "name", name, &rc);
			set_str(ev, "image_path", img, &rc);
			if (hs)
				rc |= tr_rec_set_int(ev, "start_type", start);
			if (ht)
				rc |= tr_rec_set_int(ev, "service_type", type);
			if (he)
				rc |= tr_rec_set_int(ev, "error_control", ec);
			set_str(ev, "object_name", obj, &rc);
			set_str(ev, "service_dll", dll, &rc);
			rc |= tri_event_message(ev, "[%s] %s%s%s",
			    tr_rec_get_str(ev, "key_path"), name,
			    img ? " image_path: " : "", img ? img : "");
		}
		free(img);
		free(obj);
		free(dll);
		tri_wr.libregf_key_free(&k, NULL);
		finish(h, ev, rc);
	}
	tri_wr.libregf_key_free(&svcs, NULL);
}

static void
system_misc(struct tri_wr_hive *h)
{
	libregf_key_t *k;
	char path[TRI_WR_PATH_MAX], *s, *std, *dl;
	uint8_t *d;
	uint32_t type, bias;
	size_t sz;
	tr_rec *ev;
	tr_time t;
	int rc;

	/* ComputerName */
	snprintf(path, sizeof(path),
	    "%s\\Control\\ComputerName\\ComputerName", h->ccs);
	if ((k = tri_wr_key(h, path)) != NULL) {
		s = tri_wr_string(k, "ComputerName");
		t = tri_wr_key_time(k);
		rc = 0;
		if (s != NULL && (ev = tri_wr_event(h,
		    "windows:registry:computer_name", &t, DESC_WRITTEN,
		    path)) != NULL) {
			set_str(ev, "computer_name", s, &rc);
			rc |= tri_event_message(ev, "Computer name: %s", s);
			finish(h, ev, rc);
		}
		free(s);
		tri_wr.libregf_key_free(&k, NULL);
	}
	/* ShutdownTime: a FILETIME in a binary value. */
	snprintf(path, sizeof(path), "%s\\Control\\Windows", h->ccs);
	if ((k = tri_wr_key(h, path)) != NULL) {
		if ((d = tri_wr_data(k, "ShutdownTime", &type, &sz)) != NULL &&
		    sz == 8) {
			t = tri_filetime(le64(d));
			rc = 0;
			if ((ev = tri_wr_event(h, "windows:registry:shutdown",
			    &t, "Last Shutdown Time", path)) != NULL) {
				set_str(ev, "value_name", "ShutdownTime", &rc);
				rc |= tri_event_message(ev, "[%s] "
				    "ShutdownTime", tr_rec_get_str(ev,
				    "key_path"));
				finish(h, ev, rc);
			}
		}
		free(d);
		tri_wr.libregf_key_free(&k, NULL);
	}
	/* TimeZoneInformation */
	snprintf(path, sizeof(path), "%s\\Control\\TimeZoneInformation",
	    h->ccs);
	if ((k = tri_wr_key(h, path)) != NULL) {
		t = tri_wr_key_time(k);
		rc = 0;
		if ((ev = tri_wr_event(h, "windows:registry:timezone", &t,
		    DESC_WRITTEN, path)) != NULL) {
			tr_rec *cfg = tri_wr_values(h, k, path);

			std = tri_wr_string(k, "StandardName");
			dl = tri_wr_string(k, "TimeZoneKeyName");
			set_str(ev, "time_zone_key_name", dl, &rc);
			set_str(ev, "standard_name", std, &rc);
			if (tri_wr_dword(k, "Bias", &bias))
				rc |= tr_rec_set_int(ev, "bias",
				    (int32_t)bias);
			if (cfg != NULL)
				rc |= tr_rec_set_rec(ev, "configuration", cfg);
			rc |= tri_event_message(ev, "[%s] %s",
			    tr_rec_get_str(ev, "key_path"),
			    dl ? dl : std ? std : "");
			free(std);
			free(dl);
			finish(h, ev, rc);
		}
		tri_wr.libregf_key_free(&k, NULL);
	}
}

/* BAM/DAM: State\UserSettings\<SID> (Win10 1809+) or UserSettings\<SID>. */
static void
bam(struct tri_wr_hive *h)
{
	static const char *const where[] = {
		"bam\\State\\UserSettings", "bam\\UserSettings",
		"dam\\State\\UserSettings", "dam\\UserSettings", NULL
	};
	libregf_key_t *us, *sk;
	libregf_value_t *v = NULL;
	char path[TRI_WR_PATH_MAX], sp[TRI_WR_PATH_MAX * 2], sid[256], name[TRI_WR_NAME_MAX];
	uint8_t *d;
	uint32_t type;
	size_t sz, n;
	int ns, nv, i, j, w, rc;
	tr_rec *ev;
	tr_time t;

	for (w = 0; where[w] != NULL && h->rc == TR_OK; w++) {
		snprintf(path, sizeof(path), "%s\\Services\\%s", h->ccs,
		    where[w]);
		if ((us = tri_wr_key(h, path)) == NULL)
			continue;
		ns = nsub_capped(h, us);
		for (i = 0; i < ns && h->rc == TR_OK; i++) {
			if ((sk = tri_wr_sub(us, i)) == NULL)
				continue;
			tri_wr_key_name(sk, sid, sizeof(sid));
			snprintf(sp, sizeof(sp), "%s\\%s", path, sid);
			nv = 0;
			tri_wr.libregf_key_get_number_of_values(sk, &nv, NULL);
			for (j = 0; j < nv && j < 10000 && h->rc == TR_OK;
			    j++) {
				if (tri_wr.libregf_key_get_value(sk, j, &v,
				    NULL) != 1)
					continue;
				name[0] = '\0';
				if (tri_wr.libregf_value_get_utf8_name_size(v,
				    &n, NULL) == 1 && n > 1 &&
				    n <= sizeof(name))
					tri_wr.libregf_value_get_utf8_name(v,
					    (uint8_t *)name, n, NULL);
				d = tri_wr_value_data(v, &type, &sz);
				tri_wr.libregf_value_free(&v, NULL);
				if (d == NULL || name[0] == '\0' ||
				    type != LIBREGF_VALUE_TYPE_BINARY_DATA ||
				    sz < 8) {
					free(d);
					continue;	/* Version, SequenceNumber */
				}
				t = tri_filetime(le64(d));
				free(d);
				rc = 0;
				if ((ev = tri_wr_event(h, "windows:registry:bam",
				    &t, DESC_EXECUTED, sp)) == NULL)
					continue;
				set_str(ev, "binary_path", name, &rc);
				set_str(ev, "user_sid", sid, &rc);
				rc |= tri_event_message(ev, "%s [%s]", name,
				    sid);
				finish(h, ev, rc);
			}
			tri_wr.libregf_key_free(&sk, NULL);
		}
		tri_wr.libregf_key_free(&us, NULL);
	}
}

/*
 * USBSTOR\<Disk&Ven_&Prod_&Rev_>\<serial> and USB\<VID_&PID_>\<serial>:
 * one event at the instance key's last-written time, plus the times of
 * its Properties
 * {83da6326-97a6-4088-9453-a1923f573b29} where present: 0064 install,
 * 0065 first install (first connected), 0066 last arrival, 0067 last
 * removal (DEVPKEY_Device_InstallDate and the three after it).
 */
static void
usb_times(struct tri_wr_hive *h, libregf_key_t *inst, const char *ipath,
    tr_rec *proto)
{
	static const struct { const char *id, *desc; } times[] = {
		{ "0064", "Install Time" },
		{ "0065", "First Connection Time" },
		{ "0066", "Last Connection Time" },
		{ "0067", "Last Removal Time" },
	};
	char p[TRI_WR_PATH_MAX * 3 + 64];
	libregf_key_t *props, *k, *kk = NULL;
	uint8_t *d;
	uint32_t type;
	size_t sz, i;
	tr_rec *ev;
	tr_time t;
	int rc;

	if (tri_wr.libregf_key_get_sub_key_by_utf8_name(inst,
	    (const uint8_t *)"Properties", 10, &props, NULL) != 1)
		return;
	k = NULL;
	if (tri_wr.libregf_key_get_sub_key_by_utf8_name(props,
	    (const uint8_t *)"{83da6326-97a6-4088-9453-a1923f573b29}", 38, &k,
	    NULL) != 1) {
		tri_wr.libregf_key_free(&props, NULL);
		return;
	}
	for (i = 0; i < sizeof(times) / sizeof(times[0]) && h->rc == TR_OK;
	    i++) {
		/*
		 * Win8+: "0064" with a default value; Win7: "00000064" with
		 * a sub-key "00000000" holding Type and Data.
		 */
		snprintf(p, sizeof(p), "0000%s", times[i].id);
		if (tri_wr.libregf_key_get_sub_key_by_utf8_name(k,
		    (const uint8_t *)times[i].id, 4, &kk, NULL) != 1 &&
		    tri_wr.libregf_key_get_sub_key_by_utf8_name(k,
		    (const uint8_t *)p, 8, &kk, NULL) != 1)
			continue;
		d = tri_wr_data(kk, "", &type, &sz);
		if (d == NULL) {
			libregf_key_t *z = tri_wr_sub(kk, 0);

			if (z != NULL && (d = tri_wr_data(z, "Data", &type,
			    &sz)) == NULL)
				d = tri_wr_data(z, "", &type, &sz);
			tri_wr.libregf_key_free(&z, NULL);
		}
		tri_wr.libregf_key_free(&kk, NULL);
		if (d == NULL || sz != 8) {
			free(d);
			continue;
		}
		t = tri_filetime(le64(d));
		free(d);
		snprintf(p, sizeof(p), "%s\\Properties\\"
		    "{83da6326-97a6-4088-9453-a1923f573b29}\\%s", ipath,
		    times[i].id);
		if ((ev = tri_wr_event(h, "windows:registry:usb", &t,
		    times[i].desc, p)) == NULL)
			continue;
		rc = 0;
		{
			void *it = NULL;
			const char *key;

			while ((key = tr_rec_next_key(proto, &it)) != NULL)
				set_str(ev, key, tr_rec_get_str(proto, key),
				    &rc);
		}
		rc |= tri_event_message(ev, "%s %s: %s",
		    tr_rec_get_str(proto, "subkey_name"), times[i].desc,
		    tr_rec_get_str(proto, "serial"));
		finish(h, ev, rc);
	}
	tri_wr.libregf_key_free(&k, NULL);
	tri_wr.libregf_key_free(&props, NULL);
}

static void
usb(struct tri_wr_hive *h, const char *bus)
{
	libregf_key_t *root, *dev, *inst;
	char path[TRI_WR_PATH_MAX], dp[TRI_WR_PATH_MAX * 2], ip[TRI_WR_PATH_MAX * 3], dname[TRI_WR_NAME_MAX];
	char serial[TRI_WR_NAME_MAX], *fn;
	const char *s;
	int nd, ni, i, j, rc;
	tr_rec *ev, *proto;
	tr_time t;

	snprintf(path, sizeof(path), "%s\\Enum\\%s", h->ccs, bus);
	if ((root = tri_wr_key(h, path)) == NULL)
		return;
	nd = nsub_capped(h, root);
	for (i = 0; i < nd && h->rc == TR_OK; i++) {
		if ((dev = tri_wr_sub(root, i)) == NULL)
			continue;
		tri_wr_key_name(dev, dname, sizeof(dname));
		snprintf(dp, sizeof(dp), "%s\\%s", path, dname);
		ni = nsub_capped(h, dev);
		for (j = 0; j < ni && h->rc == TR_OK; j++) {
			if ((inst = tri_wr_sub(dev, j)) == NULL)
				continue;
			tri_wr_key_name(inst, serial, sizeof(serial));
			snprintf(ip, sizeof(ip), "%s\\%s", dp, serial);
			fn = tri_wr_string(inst, "FriendlyName");
			rc = 0;
			if ((proto = tr_rec_new_object()) == NULL) {
				free(fn);
				tri_wr.libregf_key_free(&inst, NULL);
				h->rc = TR_ENOMEM;
				break;
			}
			rc |= tr_rec_set_str(proto, "device_type",
			    strcmp(bus, "USBSTOR") == 0 ? "USBSTOR" : "USB");
			set_str(proto, "subkey_name", dname, &rc);
			set_str(proto, "serial", serial, &rc);
			set_str(proto, "friendly_name", fn, &rc);
			/* Disk&Ven_X&Prod_Y&Rev_Z or VID_X&PID_Y */
			if ((s = strcasestr(dname, "Ven_")) != NULL) {
				char b[256];

				snprintf(b, sizeof(b), "%.*s",
				    (int)strcspn(s + 4, "&"), s + 4);
				set_str(proto, "vendor", b, &rc);
			} else if ((s = strcasestr(dname, "VID_")) != NULL) {
				char b[256];

				snprintf(b, sizeof(b), "%.*s",
				    (int)strcspn(s, "&"), s);
				set_str(proto, "vendor", b, &rc);
			}
			if ((s = strcasestr(dname, "Prod_")) != NULL) {
				char b[256];

				snprintf(b, sizeof(b), "%.*s",
				    (int)strcspn(s + 5, "&"), s + 5);
				set_str(proto, "product", b, &rc);
			} else if ((s = strcasestr(dname, "PID_")) != NULL) {
				char b[256];

				snprintf(b, sizeof(b), "%.*s",
				    (int)strcspn(s, "&"), s);
				set_str(proto, "product", b, &rc);
			}
			free(fn);
			t = tri_wr_key_time(inst);
			if (rc == 0 && (ev = tri_wr_event(h,
			    "windows:registry:usb", &t, DESC_WRITTEN,
			    ip)) != NULL) {
				void *it = NULL;
				const char *key;

				while ((key = tr_rec_next_key(proto, &it)) !=
				    NULL)
					set_str(ev, key, tr_rec_get_str(proto,
					    key), &rc);
				rc |= tri_event_message(ev, "%s serial %s",
				    dname, serial);
				finish(h, ev, rc);
			}
			usb_times(h, inst, ip, proto);
			tr_rec_free(proto);
			tri_wr.libregf_key_free(&inst, NULL);
		}
		tri_wr.libregf_key_free(&dev, NULL);
	}
	tri_wr.libregf_key_free(&root, NULL);
}

/* MountedDevices: one event at the key's time with every mapping. */
static void
mounted_devices(struct tri_wr_hive *h)
{
	libregf_key_t *k;
	tr_rec *ev, *vals;
	tr_time t;
	int rc = 0, n = 0;

	if ((k = tri_wr_key(h, "MountedDevices")) == NULL)
		return;
	t = tri_wr_key_time(k);
	tri_wr.libregf_key_get_number_of_values(k, &n, NULL);
	if ((ev = tri_wr_event(h, "windows:registry:mount_points", &t,
	    DESC_WRITTEN, "MountedDevices")) != NULL) {
		if ((vals = tri_wr_values(h, k, "MountedDevices")) != NULL)
			rc |= tr_rec_set_rec(ev, "values", vals);
		rc |= tr_rec_set_int(ev, "number_of_mounted_devices", n);
		rc |= tri_event_message(ev, "[%s] %d mounted devices",
		    tr_rec_get_str(ev, "key_path"), n);
		finish(h, ev, rc);
	}
	tri_wr.libregf_key_free(&k, NULL);
}

/* ---- NTUSER: UserAssist ------------------------------------------------ */

static void
rot13(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= 'a' && *s <= 'z')
			*s = (char)('a' + (*s - 'a' + 13) % 26);
		else if (*s >= 'A' && *s <= 'Z')
			*s = (char)('A' + (*s - 'A' + 13) % 26);
	}
}

static void
userassist(struct tri_wr_hive *h)
{
	static const char ua[] =
	    "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\UserAssist";
	libregf_key_t *root, *g, *cnt = NULL;
	libregf_value_t *v = NULL;
	char gname[TRI_WR_NAME_MAX], name[TRI_WR_NAME_MAX], path[TRI_WR_PATH_MAX];
	const char *desc;
	uint8_t *d;
	uint32_t type, count;
	size_t sz, n;
	int ng, nv, i, j, idx, rc;
	tr_rec *ev;
	tr_time t;

	if ((root = tri_wr_key(h, ua)) == NULL)
		return;
	ng = nsub_capped(h, root);
	for (i = 0; i < ng && h->rc == TR_OK; i++) {
		if ((g = tri_wr_sub(root, i)) == NULL)
			continue;
		tri_wr_key_name(g, gname, sizeof(gname));
		if (tri_wr.libregf_key_get_sub_key_by_utf8_name(g,
		    (const uint8_t *)"Count", 5, &cnt, NULL) != 1) {
			tri_wr.libregf_key_free(&g, NULL);
			continue;
		}
		snprintf(path, sizeof(path), "%s\\%s\\Count", ua, gname);
		nv = 0;
		tri_wr.libregf_key_get_number_of_values(cnt, &nv, NULL);
		for (j = 0, idx = 0; j < nv && j < 100000 && h->rc == TR_OK;
		    j++) {
			if (tri_wr.libregf_key_get_value(cnt, j, &v,
			    NULL) != 1)
				continue;
			name[0] = '\0';
			if (tri_wr.libregf_value_get_utf8_name_size(v, &n,
			    NULL) == 1 && n > 1 && n <= sizeof(name))
				tri_wr.libregf_value_get_utf8_name(v,
				    (uint8_t *)name, n, NULL);
			d = tri_wr_value_data(v, &type, &sz);
			tri_wr.libregf_value_free(&v, NULL);
			if (d == NULL)
				continue;
			rot13(name);
			rc = 0;
			ev = NULL;
			/*
			 * An entry without a time (UEME_CTLCUACount:ctor) is
			 * put at its key's last-written time, as such.
			 */
			desc = DESC_EXECUTED;
			if (sz == 16) {
				/* XP: session, count (+5), FILETIME */
				count = le32(d + 4);
				if (count > 5)
					count -= 5;
				t = tri_filetime(le64(d + 8));
				if (!tr_time_isset(&t)) {
					t = tri_wr_key_time(cnt);
					desc = DESC_WRITTEN;
				}
				if ((ev = tri_wr_event(h,
				    "windows:registry:userassist", &t,
				    desc, path)) != NULL) {
					rc |= tr_rec_set_int(ev,
					    "number_of_executions", count);
				}
			} else if (sz == 72) {
				/* Win7+: count, focus count, focus ms, time */
				t = tri_filetime(le64(d + 60));
				if (!tr_time_isset(&t)) {
					t = tri_wr_key_time(cnt);
					desc = DESC_WRITTEN;
				}
				if ((ev = tri_wr_event(h,
				    "windows:registry:userassist", &t,
				    desc, path)) != NULL) {
					rc |= tr_rec_set_int(ev,
					    "number_of_executions",
					    le32(d + 4));
					rc |= tr_rec_set_int(ev,
					    "application_focus_count",
					    le32(d + 8));
					rc |= tr_rec_set_int(ev,
					    "application_focus_duration",
					    le32(d + 12));
				}
			}
			free(d);
			if (ev == NULL)
				continue;
			rc |= tr_rec_set_int(ev, "entry_index", idx++);
			set_str(ev, "value_name", name, &rc);
			rc |= tri_event_message(ev, "[%s] UserAssist entry: "
			    "%s", tr_rec_get_str(ev, "key_path"), name);
			finish(h, ev, rc);
		}
		tri_wr.libregf_key_free(&cnt, NULL);
		tri_wr.libregf_key_free(&g, NULL);
	}
	tri_wr.libregf_key_free(&root, NULL);
}

/* ---- SAM users ----------------------------------------------------------- */

/* A UTF-16 string of the V value: entry e of its header. */
static char *
v_string(const uint8_t *v, size_t sz, int e)
{
	uint32_t off, len;

	if (sz < 0xcc)
		return NULL;
	off = le32(v + 12 * e) + 0xcc;
	len = le32(v + 12 * e + 4);
	if (len == 0 || off > sz || len > sz - off)
		return NULL;
	return tri_wr_utf16(v + off, len);
}

static void
sam_users(struct tri_wr_hive *h)
{
	static const char users[] = "SAM\\Domains\\Account\\Users";
	libregf_key_t *uk, *k;
	char name[TRI_WR_NAME_MAX], path[TRI_WR_PATH_MAX], *un, *fn, *cm;
	uint8_t *f, *v;
	uint32_t type;
	size_t fsz, vsz;
	int n, i, j, rc;
	uint64_t ft[3];
	static const char *const desc[3] = { "Content Modification Time",
	    "Last Login Time", "Last Password Set Time" };
	tr_rec *ev;
	tr_time t;

	if ((uk = tri_wr_key(h, users)) == NULL)
		return;
	n = nsub_capped(h, uk);
	for (i = 0; i < n && h->rc == TR_OK; i++) {
		if ((k = tri_wr_sub(uk, i)) == NULL)
			continue;
		tri_wr_key_name(k, name, sizeof(name));
		f = tri_wr_data(k, "F", &type, &fsz);
		v = tri_wr_data(k, "V", &type, &vsz);
		if (f == NULL || fsz < 68 || v == NULL) {
			free(f);
			free(v);
			tri_wr.libregf_key_free(&k, NULL);
			continue;	/* "Names" */
		}
		snprintf(path, sizeof(path), "%s\\%s", users, name);
		un = v_string(v, vsz, 1);
		fn = v_string(v, vsz, 2);
		cm = v_string(v, vsz, 3);
		ft[0] = 0;
		{
			/*
			 * The Names\<user> key's last-written time (when
			 * the account was made: regripper's "Account
			 * Created"), as plaso's sam_users; else the RID key's.
			 */
			tr_time kt = tri_wr_key_time(k);
			char np[TRI_WR_PATH_MAX];
			libregf_key_t *nk;

			if (un != NULL) {
				snprintf(np, sizeof(np), "%s\\Names\\%s", users,
				    un);
				if ((nk = tri_wr_key(h, np)) != NULL) {
					kt = tri_wr_key_time(nk);
					tri_wr.libregf_key_free(&nk, NULL);
				}
			}
			tr_time lt = tri_filetime(le64(f + 8));
			tr_time pt = tri_filetime(le64(f + 24));
			const tr_time *ts[3] = { &kt, &lt, &pt };

			for (j = 0; j < 3 && h->rc == TR_OK; j++) {
				t = *ts[j];
				if ((ev = tri_wr_event(h,
				    "windows:registry:sam_users", &t, desc[j],
				    path)) == NULL)
					continue;
				rc = 0;
				rc |= tr_rec_set_int(ev, "account_rid",
				    le32(f + 48));
				set_str(ev, "username", un, &rc);
				set_str(ev, "fullname", fn, &rc);
				set_str(ev, "comments", cm, &rc);
				rc |= tr_rec_set_int(ev, "login_count",
				    f[66] | f[67] << 8);
				rc |= tri_event_message(ev, "[%s] Username: "
				    "%s RID: %u Login count: %d",
				    tr_rec_get_str(ev, "key_path"),
				    un ? un : "", le32(f + 48),
				    f[66] | f[67] << 8);
				finish(h, ev, rc);
			}
		}
		(void)ft;
		free(un);
		free(fn);
		free(cm);
		free(f);
		free(v);
		tri_wr.libregf_key_free(&k, NULL);
	}
	tri_wr.libregf_key_free(&uk, NULL);
}

/* ---- Amcache --------------------------------------------------------------- */

/* "MM/DD/YYYY HH:MM:SS" (Amcache LinkDate) to a time. */
static tr_time
link_date(const char *s)
{
	int mo, d, y, H, M, S;
	struct tm tm;

	if (s == NULL || sscanf(s, "%d/%d/%d %d:%d:%d", &mo, &d, &y, &H, &M,
	    &S) != 6 || mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1601 ||
	    H > 23 || M > 59 || S > 60)
		return TR_TIME_UNSET;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = H;
	tm.tm_min = M;
	tm.tm_sec = S;
	return tri_time((int64_t)timegm(&tm), 0, 0);
}

static void
amcache_files(struct tri_wr_hive *h)
{
	static const char inv[] = "Root\\InventoryApplicationFile";
	libregf_key_t *root, *k;
	char name[TRI_WR_NAME_MAX], path[TRI_WR_PATH_MAX];
	char *fp, *fid, *ld, *pn, *pub, *ver, *pid, *nm;
	uint64_t size;
	uint32_t type;
	size_t sz;
	uint8_t *d;
	int n, i, j, rc;
	tr_rec *ev;
	tr_time ts[2];
	static const char *const desc[2] = { DESC_WRITTEN, "Link Time" };

	if ((root = tri_wr_key(h, inv)) == NULL)
		return;
	n = nsub_capped(h, root);
	for (i = 0; i < n && h->rc == TR_OK; i++) {
		if ((k = tri_wr_sub(root, i)) == NULL)
			continue;
		tri_wr_key_name(k, name, sizeof(name));
		snprintf(path, sizeof(path), "%s\\%s", inv, name);
		fp = tri_wr_string(k, "LowerCaseLongPath");
		fid = tri_wr_string(k, "FileId");
		ld = tri_wr_string(k, "LinkDate");
		pn = tri_wr_string(k, "ProductName");
		pub = tri_wr_string(k, "Publisher");
		ver = tri_wr_string(k, "Version");
		pid = tri_wr_string(k, "ProgramId");
		nm = tri_wr_string(k, "Name");
		size = 0;
		if ((d = tri_wr_data(k, "Size", &type, &sz)) != NULL) {
			if (sz == 8)
				size = le64(d);
			else if (sz == 4)
				size = le32(d);
			else if (type == LIBREGF_VALUE_TYPE_STRING) {
				char *s = tri_wr_utf16(d, sz);

				if (s != NULL)
					size = strtoull(s, NULL, 0);
				free(s);
			}
			free(d);
		}
		ts[0] = tri_wr_key_time(k);
		ts[1] = link_date(ld);
		for (j = 0; j < 2 && h->rc == TR_OK; j++) {
			if ((ev = tri_wr_event(h, "windows:registry:amcache",
			    &ts[j], desc[j], path)) == NULL)
				continue;
			rc = 0;
			set_str(ev, "full_path", fp, &rc);
			set_str(ev, "file_reference", name, &rc);
			if (fid != NULL && strlen(fid) == 44)
				set_str(ev, "sha1", fid + 4, &rc);
			else
				set_str(ev, "sha1", fid, &rc);
			set_str(ev, "name", nm, &rc);
			set_str(ev, "product_name", pn, &rc);
			set_str(ev, "company_name", pub, &rc);
			set_str(ev, "file_version", ver, &rc);
			set_str(ev, "program_identifier", pid, &rc);
			if (size != 0)
				rc |= tr_rec_set_uint(ev, "file_size", size);
			rc |= tri_event_message(ev, "path: %s sha1: %s",
			    fp ? fp : "", fid ? fid : "");
			finish(h, ev, rc);
		}
		free(fp);
		free(fid);
		free(ld);
		free(pn);
		free(pub);
		free(ver);
		free(pid);
		free(nm);
		tri_wr.libregf_key_free(&k, NULL);
	}
	tri_wr.libregf_key_free(&root, NULL);
}

static void
amcache_programs(struct tri_wr_hive *h)
{
	static const char inv[] = "Root\\InventoryApplication";
	libregf_key_t *root, *k;
	char name[TRI_WR_NAME_MAX], path[TRI_WR_PATH_MAX], *nm, *pub, *ver, *src, *ui;
	int n, i, rc;
	tr_rec *ev;
	tr_time t;

	if ((root = tri_wr_key(h, inv)) == NULL)
		return;
	n = nsub_capped(h, root);
	for (i = 0; i < n && h->rc == TR_OK; i++) {
		if ((k = tri_wr_sub(root, i)) == NULL)
			continue;
		tri_wr_key_name(k, name, sizeof(name));
		snprintf(path, sizeof(path), "%s\\%s", inv, name);
		nm = tri_wr_string(k, "Name");
		pub = tri_wr_string(k, "Publisher");
		ver = tri_wr_string(k, "Version");
		src = tri_wr_string(k, "Source");
		ui = tri_wr_string(k, "UninstallString");
		t = tri_wr_key_time(k);
		if ((ev = tri_wr_event(h, "windows:registry:amcache:programs",
		    &t, DESC_WRITTEN, path)) != NULL) {
			rc = 0;
			set_str(ev, "program_identifier", name, &rc);
			set_str(ev, "name", nm, &rc);
			set_str(ev, "publisher", pub, &rc);
			set_str(ev, "version", ver, &rc);
			set_str(ev, "entry_type", src, &rc);
			set_str(ev, "uninstall_key", ui, &rc);
			rc |= tri_event_message(ev, "name: %s publisher: %s "
			    "version: %s", nm ? nm : "", pub ? pub : "",
			    ver ? ver : "");
			finish(h, ev, rc);
		}
		free(nm);
		free(pub);
		free(ver);
		free(src);
		free(ui);
		tri_wr.libregf_key_free(&k, NULL);
	}
	tri_wr.libregf_key_free(&root, NULL);
}

/*
 * The older layout (Windows 7/8): Root\File\{volume GUID}\<file ref>,
 * values 15 (path), 101 (SHA-1 with "0000"), f (link time, POSIX), 17
 * (last modified FILETIME).
 */
static void
amcache_old(struct tri_wr_hive *h)
{
	libregf_key_t *root, *vol, *k;
	char vn[TRI_WR_NAME_MAX], fr[TRI_WR_NAME_MAX], path[TRI_WR_PATH_MAX * 3], *fp, *fid;
	uint8_t *d;
	uint32_t type;
	size_t sz;
	int nv, nf, i, j, rc;
	tr_rec *ev;
	tr_time t;

	if ((root = tri_wr_key(h, "Root\\File")) == NULL)
		return;
	nv = nsub_capped(h, root);
	for (i = 0; i < nv && h->rc == TR_OK; i++) {
		if ((vol = tri_wr_sub(root, i)) == NULL)
			continue;
		tri_wr_key_name(vol, vn, sizeof(vn));
		nf = nsub_capped(h, vol);
		for (j = 0; j < nf && h->rc == TR_OK; j++) {
			if ((k = tri_wr_sub(vol, j)) == NULL)
				continue;
			tri_wr_key_name(k, fr, sizeof(fr));
			snprintf(path, sizeof(path), "Root\\File\\%s\\%s", vn,
			    fr);
			fp = tri_wr_string(k, "15");
			fid = tri_wr_string(k, "101");
			t = TR_TIME_UNSET;
			if ((d = tri_wr_data(k, "f", &type, &sz)) != NULL &&
			    sz >= 4)
				t = tri_time(le32(d), 0, 0);
			free(d);
			if (!tr_time_isset(&t))
				t = tri_wr_key_time(k);
			if ((ev = tri_wr_event(h, "windows:registry:amcache",
			    &t, tr_time_isset(&t) ? "Link Time" : DESC_WRITTEN,
			    path)) != NULL) {
				rc = 0;
				set_str(ev, "full_path", fp, &rc);
				set_str(ev, "file_reference", fr, &rc);
				if (fid != NULL && strlen(fid) == 44)
					set_str(ev, "sha1", fid + 4, &rc);
				rc |= tri_event_message(ev, "path: %s",
				    fp ? fp : "");
				finish(h, ev, rc);
			}
			free(fp);
			free(fid);
			tri_wr.libregf_key_free(&k, NULL);
		}
		tri_wr.libregf_key_free(&vol, NULL);
	}
	tri_wr.libregf_key_free(&root, NULL);
}

/* ---- SOFTWARE: ProfileList ------------------------------------------------ */

static void
profile_list(struct tri_wr_hive *h)
{
	static const char pl[] =
	    "Microsoft\\Windows NT\\CurrentVersion\\ProfileList";
	libregf_key_t *root, *k;
	char sid[TRI_WR_NAME_MAX], path[TRI_WR_PATH_MAX], *pip;
	int n, i, rc;
	tr_rec *ev;
	tr_time t;

	if ((root = tri_wr_key(h, pl)) == NULL)
		return;
	n = nsub_capped(h, root);
	for (i = 0; i < n && h->rc == TR_OK; i++) {
		if ((k = tri_wr_sub(root, i)) == NULL)
			continue;
		tri_wr_key_name(k, sid, sizeof(sid));
		snprintf(path, sizeof(path), "%s\\%s", pl, sid);
		pip = tri_wr_string(k, "ProfileImagePath");
		t = tri_wr_key_time(k);
		if ((ev = tri_wr_event(h, "windows:registry:profile", &t,
		    DESC_WRITTEN, path)) != NULL) {
			rc = 0;
			set_str(ev, "user_sid", sid, &rc);
			set_str(ev, "profile_path", pip, &rc);
			rc |= tri_event_message(ev, "%s %s", sid,
			    pip ? pip : "");
			finish(h, ev, rc);
		}
		free(pip);
		tri_wr.libregf_key_free(&k, NULL);
	}
	tri_wr.libregf_key_free(&root, NULL);
}

void
tri_wr_decoded(struct tri_wr_hive *h)
{
	libregf_key_t *sel;
	uint32_t cur;

	switch (h->type) {
	case TRI_HIVE_SYSTEM:
		if ((sel = tri_wr_key(h, "Select")) != NULL &&
		    tri_wr_dword(sel, "Current", &cur) && cur > 0 &&
		    cur < 1000)
			snprintf(h->ccs, sizeof(h->ccs), "ControlSet%03u",
			    cur);
		else {
			tri_parse_warn(h->ctx, UINT64_MAX, "SYSTEM hive: no "
			    "Select\\Current; ControlSet001 is taken as the "
			    "current control set");
			snprintf(h->ccs, sizeof(h->ccs), "ControlSet001");
		}
		tri_wr.libregf_key_free(&sel, NULL);
		services(h);
		system_misc(h);
		bam(h);
		usb(h, "USBSTOR");
		usb(h, "USB");
		mounted_devices(h);
		break;
	case TRI_HIVE_SOFTWARE:
		run_keys(h);
		profile_list(h);
		break;
	case TRI_HIVE_NTUSER:
		run_keys(h);
		userassist(h);
		break;
	case TRI_HIVE_SAM:
		sam_users(h);
		break;
	case TRI_HIVE_AMCACHE:
		amcache_files(h);
		amcache_programs(h);
		amcache_old(h);
		break;
	default:
		break;
	}
}
