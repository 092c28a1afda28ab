# SPDX-License-Identifier: Apache-2.0
"""Celery tasks of the triage OpenRelik worker.

collect: one `triage collect` per input file (a disk image, a device
         image, a collected folder), into a case folder under output_path;
         hands the case's timeline on (for the Timesketch worker or merge)
         and keeps the case folder archive, custody.jsonl and report.html
         as task files.
merge:   one `triage timeline` over every timeline handed to it (a result,
         or the list of results of a chord), sorted in bounded memory.

The signatures and the result format are OpenRelik's worker contract.
"""
import os
import re
import shutil
import subprocess
import tarfile
import tempfile

from . import result
from .app import celery

QUEUE = "openrelik-worker-triage"
COLLECT = f"{QUEUE}.tasks.collect"
MERGE = f"{QUEUE}.tasks.merge"

# What the OpenRelik server shows and asks; plain literals it can read.
COLLECT_METADATA = {
    "display_name": "triage: collect",
    "description": "Walk, hash, extract artifacts, parse, scan (YARA), "
                   "detect (Sigma) and build a JSON timeline and a case "
                   "report of a disk image, with a hash-chained custody log",
    "task_config": [
        {"name": "examiner", "label": "Examiner",
         "description": "Name written into the custody log and report",
         "type": "text", "required": False},
        {"name": "case_number", "label": "Case number",
         "description": "Case number for the custody log and report",
         "type": "text", "required": False},
        {"name": "label", "label": "Evidence label",
         "description": "Name of the evidence item in every record "
                        "(default: the file's display name)",
         "type": "text", "required": False},
        {"name": "artifacts", "label": "Artifact groups",
         "description": "Artifact definitions or groups to extract, "
                        "comma-separated (default: what each system needs)",
         "type": "text", "required": False},
        {"name": "yara_rules", "label": "YARA rules folder",
         "description": "Folder of YARA rules on the worker (default: the "
                        "rules shipped with triage)",
         "type": "text", "required": False},
        {"name": "sigma_rules", "label": "Sigma rules folder",
         "description": "Folder of Sigma rules on the worker, used where "
                        "triage-detect is installed",
         "type": "text", "required": False},
        {"name": "step_timeout", "label": "Step timeout (seconds)",
         "description": "Kill a step still running after this long",
         "type": "text", "required": False},
    ],
}
MERGE_METADATA = {
    "display_name": "triage: merge timelines",
    "description": "Merge the timelines of several evidence items into one "
                   "sorted JSON Lines timeline for Timesketch",
    "task_config": [],
}

_SAFE = re.compile(r"[^A-Za-z0-9._+-]")


def safe_name(name: str, fallback: str = "evidence") -> str:
    """A display name made safe as one path component: no folders, no
    control bytes, no leading dot, at most 200 bytes."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = _SAFE.sub("_", name).lstrip(".")[:200]
    return name or fallback


def program(name: str) -> str:
    """A triage program: from TRIAGE_BINDIR when set, else from PATH."""
    bindir = os.getenv("TRIAGE_BINDIR")
    if bindir:
        return os.path.join(bindir, name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed (PATH or TRIAGE_BINDIR)")
    return found


def _help_of(prog: str) -> str:
    return subprocess.run([prog, "--help"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout


def _lines(path: str) -> int:
    if not os.path.exists(path):
        return 0
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def _link_out(src: str, output_path: str, display: str, ext: str,
              data_type: str) -> dict:
    """Hand a file of the case on as an output file (a hard link: the
    case folder, whose custody log names its hashes, stays as it is)."""
    out = result.output_file(output_path, display, ext, data_type)
    try:
        os.link(src, out["path"])
    except OSError:
        shutil.copyfile(src, out["path"])
    return out


def collect_one(path: str, display_name: str, output_path: str,
                config: dict) -> tuple:
    """Run triage-collect on one input; returns (output_files, task_files,
    command, meta for this item)."""
    label = safe_name(config.get("label") or display_name)
    work = tempfile.mkdtemp(prefix="triage-in-", dir=output_path)
    # Records name the evidence as the examiner knows it, not <uuid>.<ext>.
    os.symlink(os.path.abspath(path), os.path.join(work, label))
    case = tempfile.mkdtemp(prefix="triage-case-", dir=output_path)
    prog = program("triage-collect")
    cmd = [prog, "-q", "-o", case]
    if config.get("examiner"):
        cmd += ["-e", str(config["examiner"])]
    if config.get("case_number"):
        cmd += ["-c", str(config["case_number"])]
    if config.get("step_timeout"):
        cmd += ["--step-timeout", str(int(config["step_timeout"]))]
    helptext = _help_of(prog)
    if config.get("sigma_rules") and "--sigma" in helptext:
        cmd += ["--sigma", str(config["sigma_rules"])]
    if config.get("artifacts") and "--artifact" in helptext:
        for a in str(config["artifacts"]).split(","):
            if a.strip():
                cmd += ["--artifact", a.strip()]
    if "--label" in helptext:
        cmd += ["--label", label]
    env = dict(os.environ)
    if config.get("yara_rules"):
        env["TRIAGE_RULES"] = str(config["yara_rules"])
    cmd.append(label)
    proc = subprocess.run(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    timeline = os.path.join(case, "timeline.jsonl")
    if not os.path.exists(timeline):
        raise RuntimeError(f"triage-collect failed on {label} "
                           f"(exit {proc.returncode}): "
                           f"{proc.stderr.strip()[-2000:]}")
    outputs = [_link_out(timeline, output_path, f"{label}.timeline",
                         "jsonl", "triage:timeline:jsonl")]
    tasks = []
    archive = result.output_file(output_path, f"{label}.case", "tar.gz",
                                 "triage:case:archive")
    with tarfile.open(archive["path"], "w:gz") as tar:
        tar.add(case, arcname=f"{label}.case")
    tasks.append(archive)
    for name, ext, dtype in (("custody", "jsonl", "triage:custody:jsonl"),
                             ("report", "html", "triage:report:html")):
        src = os.path.join(case, f"{name}.{ext}")
        if os.path.exists(src):
            tasks.append(_link_out(src, output_path, f"{label}.{name}", ext,
                                   dtype))
    meta = {
        "evidence": label,
        "exit_status": proc.returncode,
        "hits": _lines(os.path.join(case, "hits.jsonl")),
        "detections": _lines(os.path.join(case, "detections.jsonl")),
        "events": _lines(timeline),
        "case_folder": case,
        "errors": proc.stderr.strip()[-2000:] if proc.returncode else "",
    }
    shutil.rmtree(work, ignore_errors=True)
    return outputs, tasks, " ".join(cmd), meta


def _report(items: list) -> dict:
    hits = sum(i["hits"] for i in items)
    dets = sum(i["detections"] for i in items)
    lines = ["# triage collect", ""]
    for i in items:
        state = "complete" if i["exit_status"] == 0 else \
            f"a step failed (exit {i['exit_status']})"
        lines.append(f"- **{i['evidence']}**: {i['events']} events, "
                     f"{i['hits']} YARA hits, {i['detections']} Sigma "
                     f"detections; {state}")
    return {
        "title": "triage collect",
        "content": "\n".join(lines),
        "priority": 80 if hits or dets else 20,
    }


@celery.task(bind=True, name=COLLECT, metadata=COLLECT_METADATA)
def collect(self, pipe_result=None, input_files=None, output_path=None,
            workflow_id=None, task_config=None) -> str:
    """triage collect on every input file."""
    config = task_config or {}
    files = result.input_files(pipe_result, input_files)
    if not files:
        raise RuntimeError("no input files")
    outputs, tasks, commands, items = [], [], [], []
    for f in files:
        out, tf, command, meta = collect_one(
            f["path"], f.get("display_name") or os.path.basename(f["path"]),
            output_path, config)
        outputs += out
        tasks += tf
        commands.append(command)
        items.append(meta)
    return result.task_result(
        output_files=outputs, workflow_id=workflow_id,
        command="; ".join(commands),
        meta={"items": items,
              "hits": sum(i["hits"] for i in items),
              "detections": sum(i["detections"] for i in items)},
        task_report=_report(items), task_files=tasks)


def merge_timelines(paths: list, out_path: str, tmpdir: str) -> str:
    """triage-timeline over paths into out_path (external sort in tmpdir,
    bounded memory); returns the command."""
    cmd = [program("triage-timeline"), "-q", "-m", "256M", "-T", tmpdir]
    cmd += paths
    with open(out_path, "wb") as out:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out,
                              stderr=subprocess.PIPE, text=False)
    if proc.returncode != 0:
        raise RuntimeError("triage-timeline failed: " +
                           proc.stderr.decode("utf-8", "replace")[-2000:])
    return " ".join(cmd)


@celery.task(bind=True, name=MERGE, metadata=MERGE_METADATA)
def merge(self, pipe_result=None, input_files=None, output_path=None,
          workflow_id=None, task_config=None) -> str:
    """One timeline from every timeline handed on."""
    files = [f for f in result.input_files(pipe_result, input_files)
             if str(f.get("path", "")).endswith(".jsonl")]
    if not files:
        raise RuntimeError("no timelines to merge")
    out = result.output_file(output_path, "merged.timeline", "jsonl",
                             "triage:timeline:jsonl")
    tmp = tempfile.mkdtemp(prefix="triage-sort-", dir=output_path)
    try:
        command = merge_timelines([f["path"] for f in files], out["path"],
                                  tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result.task_result(
        output_files=[out], workflow_id=workflow_id, command=command,
        meta={"timelines": len(files), "events": _lines(out["path"])},
        task_report={"title": "triage merge",
                     "content": f"{len(files)} timelines merged",
                     "priority": 20})
