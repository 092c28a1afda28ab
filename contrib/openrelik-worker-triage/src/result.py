# SPDX-License-Identifier: Apache-2.0
"""OpenRelik's task result and input encoding.

openrelik-worker-common is used when it is installed (it is not a Debian
package).  Without it, the same format: a base64 string of the JSON of a
dict with output_files, workflow_id, command, meta, file_reports and
task_report (plus task_files, which newer OpenRelik servers read); a
previous task's result is decoded the same way.  tests/test_tasks.py
checks that both agree where openrelik-worker-common is present.
"""
import base64
import json
import os
import uuid

try:  # pragma: no cover - depends on what is installed
    from openrelik_worker_common.task_utils import (
        create_task_result as _common_result,
        get_input_files as _common_inputs,
    )
except ImportError:  # pragma: no cover
    _common_result = None
    _common_inputs = None


def encode(result: dict) -> str:
    """Base64 of the JSON of result, as OpenRelik's workers return it."""
    return base64.b64encode(json.dumps(result).encode("utf-8")).decode("utf-8")


def decode(text: str) -> dict:
    """Inverse of encode()."""
    return json.loads(base64.b64decode(text.encode("utf-8")).decode("utf-8"))


def task_result(output_files, workflow_id, command=None, meta=None,
                file_reports=None, task_report=None, task_files=None) -> str:
    """The base64 result of a task."""
    result = {
        "output_files": output_files,
        "workflow_id": workflow_id,
        "command": command,
        "meta": meta,
        "file_reports": file_reports or [],
        "task_report": task_report,
    }
    if task_files is not None:
        result["task_files"] = task_files
    return encode(result)


def input_files(pipe_result, files) -> list:
    """The files a task works on: the previous task's output_files when it
    piped a result (one, or a list of them from a chord), else files."""
    if not pipe_result:
        return list(files or [])
    results = pipe_result if isinstance(pipe_result, list) else [pipe_result]
    out = []
    for r in results:
        if r:
            out.extend(decode(r).get("output_files") or [])
    return out


def output_file(output_path: str, display_name: str, extension: str = None,
                data_type: str = None) -> dict:
    """A new output file entry, named <uuid>.<ext> under output_path as
    OpenRelik's create_output_file() names them."""
    uid = uuid.uuid4().hex
    if extension:
        extension = extension.lstrip(".")
        display_name = f"{display_name}.{extension}"
    ext = os.path.splitext(display_name)[1]
    return {
        "uuid": uid,
        "display_name": display_name,
        "extension": ext,
        "data_type": data_type,
        "path": os.path.join(output_path, f"{uid}{ext}"),
        "original_path": None,
        "source_file_id": None,
    }
