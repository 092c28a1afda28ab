# SPDX-License-Identifier: Apache-2.0
"""OpenRelik worker running triage (collect, merge)."""
