"""`pvverify gate --package --cluster`: the same package gated on a real Dask
cluster (worker processes on loopback) gives every outcome the verdict the
local process pool gives it, and the work really runs on the workers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from test_package import RELEASE, rows_of, tree  # noqa: E402, F401  (the fixture package)

from pvverify.cli.gate import main  # noqa: E402


def _gate(capsys, package: Path, cache: Path, *extra: str) -> tuple[int, dict]:
    code = main(["--package", str(package), "--cache", str(cache), "--format", "json", "--jobs", "2",
                 *extra])
    return code, json.loads(capsys.readouterr().out)


def test_scheduler_address_gives_the_local_verdicts(tree, tmp_path, capsys):  # noqa: F811
    code, local = _gate(capsys, tree, tmp_path / "local")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        # a fresh cache: the workers read and prove everything themselves
        code_c, remote = _gate(capsys, tree, tmp_path / "shared", "--cluster", cluster.scheduler_address)
    ran = {str(t["key"]) for t in stream.data}  # collected when the stream closes
    assert code_c == code == 1
    assert rows_of(remote) == rows_of(local)
    assert remote["packages"] == local["packages"]
    assert any("run_task" in k for k in ran) and any("check_shared" in k for k in ran), ran
    # the cache the workers' results went into answers a local run the same way
    code_w, warm = _gate(capsys, tree, tmp_path / "shared")
    assert (code_w, rows_of(warm)) == (code, rows_of(local))


def test_local_cluster_of_n_workers(tree, tmp_path, capsys):  # noqa: F811
    code, local = _gate(capsys, tree, tmp_path / "local")
    code_c, remote = _gate(capsys, tree, tmp_path / "dask", "--cluster", "local:2")
    assert code_c == code
    assert rows_of(remote) == rows_of(local)
    assert all(r["file"].startswith("linux-image-test-dbg/") for r in remote["results"])
    assert f"usr/lib/debug/boot/vmlinux-{RELEASE}" in {p["vmlinux"] for p in remote["packages"]}


def test_cluster_needs_a_package(capsys):
    with pytest.raises(SystemExit):
        main(["vmlinux", "--cluster", "local:1"])
