# SPDX-License-Identifier: Apache-2.0
dist_man_MANS += man/triage.1 man/triage-info.1 man/triage-records.5
