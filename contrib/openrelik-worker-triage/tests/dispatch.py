# SPDX-License-Identifier: Apache-2.0
"""Dispatch, through a running broker and worker, `collect` on each image
given and a chord of them into `merge`, as OpenRelik's server does; print
the merged timeline's path.  Usage: dispatch.py OUTDIR IMAGE...
(REDIS_URL names the broker)."""
import os
import sys

from celery import chord, signature

from src import result
from src.app import celery
from src.tasks import COLLECT, MERGE, QUEUE


def main(argv):
    out, images = argv[1], argv[2:]
    header = []
    for i, img in enumerate(images):
        f = {"id": i, "uuid": f"{i:032x}", "path": img,
             "display_name": os.path.basename(img), "extension": "img"}
        header.append(signature(COLLECT, kwargs={
            "input_files": [f], "output_path": out, "workflow_id": "wf",
            "task_config": {"examiner": "ci", "case_number": "1"}},
            queue=QUEUE, app=celery))
    callback = signature(MERGE, kwargs={"output_path": out,
                                        "workflow_id": "wf"},
                         queue=QUEUE, app=celery)
    res = chord(header, app=celery)(callback)
    merged = result.decode(res.get(timeout=600))
    print(merged["output_files"][0]["path"])
    # The collect results too, for the local comparison.
    for r in res.parent.results:
        print(result.decode(r.get(timeout=60))["output_files"][0]["path"])


if __name__ == "__main__":
    main(sys.argv)
