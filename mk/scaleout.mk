# SPDX-License-Identifier: Apache-2.0
# Beyond one machine: the OpenRelik worker (Celery tasks) and the Slurm
# templates in contrib/, and their tests.
SCALEOUT_FILES = \
	contrib/openrelik-worker-triage/README.md \
	contrib/openrelik-worker-triage/pyproject.toml \
	contrib/openrelik-worker-triage/Dockerfile \
	contrib/openrelik-worker-triage/docker-compose.triage.yml \
	contrib/openrelik-worker-triage/src/__init__.py \
	contrib/openrelik-worker-triage/src/app.py \
	contrib/openrelik-worker-triage/src/result.py \
	contrib/openrelik-worker-triage/src/tasks.py \
	contrib/openrelik-worker-triage/tests/__init__.py \
	contrib/openrelik-worker-triage/tests/test_tasks.py \
	contrib/openrelik-worker-triage/tests/dispatch.py \
	contrib/slurm/README.md \
	contrib/slurm/triage-collect.sbatch \
	contrib/slurm/triage-merge.sbatch \
	contrib/slurm/submit.sh
EXTRA_DIST += $(SCALEOUT_FILES) tests/cli/openrelik-worker.bats \
	tests/cli/slurm.bats
if HAVE_BATS
TESTS += tests/cli/openrelik-worker.bats tests/cli/slurm.bats
endif
