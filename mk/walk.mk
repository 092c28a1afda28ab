# SPDX-License-Identifier: Apache-2.0
# Build wiring of triage-walk (library sources, program, man page, tests).
