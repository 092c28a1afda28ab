# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-extract (library sources, program, man page, tests).
