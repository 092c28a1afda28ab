# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-acquire (library sources, program, man page, tests).
