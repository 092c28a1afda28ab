# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-scan (library sources, program, man page, tests).
