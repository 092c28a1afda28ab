#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Submit one array job over the images listed in LIST (one path a line) and
# a merge job that waits for the whole array (afterany: it merges what was
# collected and names what was not).
#   contrib/slurm/submit.sh [-p PARALLEL] LIST ROOT [collect options...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
par=8
if [ "${1:-}" = -p ]; then par=$2; shift 2; fi
[ $# -ge 2 ] || { echo "usage: submit.sh [-p PARALLEL] LIST ROOT [collect options]" >&2; exit 2; }
list=$1 root=$2
shift 2
n=$(grep -c . "$list" || true)
[ "$n" -gt 0 ] || { echo "submit.sh: $list lists no image" >&2; exit 2; }
array=$(sbatch --parsable --array="1-$n%$par" "$here/triage-collect.sbatch" "$list" "$root" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterany:$array" "$here/triage-merge.sbatch" "$root")
echo "array job $array ($n images, $par at a time), merge job ${merge%%;*}"
