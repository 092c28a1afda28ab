# SPDX-License-Identifier: Apache-2.0
"""The worker's tasks called directly (no broker), as OpenRelik's own
workers test theirs.  Needs the triage programs (TRIAGE_BINDIR or PATH)
and the sample disk (TRIAGE_SAMPLE, default tests/data/sample.img)."""
import base64
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import unittest

from src import result, tasks

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SAMPLE = os.getenv("TRIAGE_SAMPLE", os.path.join(TOP, "tests", "data",
                                                  "sample.img"))


def evidence(folder: str, name: str) -> dict:
    """An input file as OpenRelik hands it over: stored as <uuid>.<ext>."""
    path = os.path.join(folder, "0f1e2d3c4b5a69788796a5b4c3d2e1f0.img")
    shutil.copyfile(SAMPLE, path)
    return {"id": 1, "uuid": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "display_name": name, "extension": "img", "data_type": None,
            "path": path}


class ResultFormat(unittest.TestCase):
    def test_roundtrip(self):
        r = result.task_result([{"path": "/x/a.jsonl"}], "wf1", "cmd",
                               {"hits": 1}, task_files=[{"path": "/x/b"}])
        d = json.loads(base64.b64decode(r))
        self.assertEqual(d["output_files"], [{"path": "/x/a.jsonl"}])
        self.assertEqual(d["workflow_id"], "wf1")
        self.assertEqual(d["command"], "cmd")
        self.assertEqual(d["meta"], {"hits": 1})
        self.assertEqual(d["file_reports"], [])
        self.assertEqual(d["task_files"], [{"path": "/x/b"}])
        self.assertEqual(result.decode(r), d)

    def test_same_as_openrelik_worker_common(self):
        try:
            from openrelik_worker_common.task_utils import create_task_result
        except ImportError:
            self.skipTest("openrelik-worker-common is not installed")
        ours = result.decode(result.task_result([{"p": 1}], "w", "c", {}))
        theirs = json.loads(base64.b64decode(
            create_task_result([{"p": 1}], "w", "c", {})))
        self.assertEqual(ours, theirs)

    def test_inputs_from_pipe_and_chord(self):
        a = result.task_result([{"path": "a.jsonl"}], "w")
        b = result.task_result([{"path": "b.jsonl"}], "w")
        self.assertEqual(result.input_files(a, [{"path": "x"}]),
                         [{"path": "a.jsonl"}])
        self.assertEqual(result.input_files([a, b], None),
                         [{"path": "a.jsonl"}, {"path": "b.jsonl"}])
        self.assertEqual(result.input_files(None, [{"path": "x"}]),
                         [{"path": "x"}])

    def test_output_file_names(self):
        o = result.output_file("/out", "disk1.timeline", "jsonl", "t")
        self.assertEqual(o["display_name"], "disk1.timeline.jsonl")
        self.assertEqual(o["extension"], ".jsonl")
        self.assertEqual(o["path"], f"/out/{o['uuid']}.jsonl")
        self.assertEqual(len(o["uuid"]), 32)


class Names(unittest.TestCase):
    def test_hostile_display_names(self):
        for bad, want in (("../../etc/passwd", "passwd"),
                          ("..", "evidence"), ("", "evidence"),
                          ("a\x1b]0;x\x07.E01", "a__0_x_.E01"),
                          ("C:\\cases\\disk.E01", "disk.E01"),
                          (".hidden", "hidden"), ("x" * 300, "x" * 200)):
            self.assertEqual(tasks.safe_name(bad), want)

    def test_metadata_is_plain_literals(self):
        for meta in (tasks.COLLECT_METADATA, tasks.MERGE_METADATA):
            self.assertEqual(json.loads(json.dumps(meta)), meta)
        names = [o["name"] for o in tasks.COLLECT_METADATA["task_config"]]
        self.assertEqual(names, ["examiner", "case_number", "label",
                                 "artifacts", "yara_rules", "sigma_rules",
                                 "step_timeout"])
        self.assertEqual(tasks.collect.name,
                         "openrelik-worker-triage.tasks.collect")
        self.assertEqual(tasks.merge.name,
                         "openrelik-worker-triage.tasks.merge")


@unittest.skipUnless(os.path.exists(SAMPLE), "no sample disk")
class Tasks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="orw-")
        cls.inp = os.path.join(cls.tmp, "in")
        cls.out = os.path.join(cls.tmp, "out")
        os.makedirs(cls.inp)
        os.makedirs(cls.out)
        cls.res = tasks.collect.run(
            input_files=[evidence(cls.inp, "laptop-17.img")],
            output_path=cls.out, workflow_id="wf-1",
            task_config={"examiner": "J. Doe", "case_number": "2026-7"})
        cls.d = result.decode(cls.res)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_result_keys_and_types(self):
        d = self.d
        self.assertEqual(d["workflow_id"], "wf-1")
        self.assertIsInstance(d["command"], str)
        self.assertIn("triage-collect", d["command"])
        self.assertEqual(len(d["output_files"]), 1)
        tl = d["output_files"][0]
        self.assertEqual(tl["display_name"], "laptop-17.img.timeline.jsonl")
        self.assertTrue(tl["path"].startswith(self.out + "/"))
        self.assertTrue(os.path.getsize(tl["path"]) > 0)
        names = sorted(f["display_name"] for f in d["task_files"])
        self.assertEqual(names, ["laptop-17.img.case.tar.gz",
                                 "laptop-17.img.custody.jsonl",
                                 "laptop-17.img.report.html"])
        self.assertEqual(d["meta"]["hits"], 2)      # the sample's EICAR files
        self.assertIn("2 YARA hits", d["task_report"]["content"])

    def test_records_name_the_evidence_by_display_name(self):
        path = self.d["output_files"][0]["path"]
        with open(path) as fh:
            sources = {json.loads(line).get("source") for line in fh}
        self.assertEqual(sources, {"laptop-17.img"})

    def test_archive_custody_chain_verifies(self):
        arc = [f for f in self.d["task_files"]
               if f["display_name"].endswith(".tar.gz")][0]["path"]
        dest = tempfile.mkdtemp(dir=self.tmp)
        with tarfile.open(arc) as tar:
            for m in tar.getmembers():      # nothing outside dest
                self.assertFalse(m.name.startswith("/") or ".." in m.name)
            tar.extractall(dest)
        case = os.path.join(dest, "laptop-17.img.case")
        proc = subprocess.run([tasks.program("triage-verify"), "--case",
                               case], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
        self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_merge_of_a_chord_equals_local_timeline(self):
        inp2 = os.path.join(self.tmp, "in2")
        os.makedirs(inp2, exist_ok=True)
        res2 = tasks.collect.run(input_files=[evidence(inp2, "server-2.img")],
                                 output_path=self.out, workflow_id="wf-1")
        merged = result.decode(tasks.merge.run([self.res, res2],
                                               output_path=self.out,
                                               workflow_id="wf-1"))
        out = merged["output_files"][0]["path"]
        local = subprocess.run(
            [tasks.program("triage-timeline")] +
            [result.decode(r)["output_files"][0]["path"]
             for r in (self.res, res2)],
            stdout=subprocess.PIPE, check=True).stdout
        with open(out, "rb") as fh:
            self.assertEqual(fh.read(), local)
        self.assertEqual(merged["meta"]["timelines"], 2)
        with open(out) as fh:
            sources = {json.loads(line)["source"] for line in fh}
        self.assertEqual(sources, {"laptop-17.img", "server-2.img"})

    def test_no_input_is_an_error(self):
        with self.assertRaises(RuntimeError):
            tasks.collect.run(input_files=[], output_path=self.out)
        with self.assertRaises(RuntimeError):
            tasks.merge.run(input_files=[{"path": "x.txt"}],
                            output_path=self.out)


if __name__ == "__main__":
    unittest.main()
