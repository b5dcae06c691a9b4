"""The intake benchmark's generated forms (benchmarks/forms.py): seeded, of both kinds, and they read back."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
N, SEED = 10, 11  # this seed gives both kinds and messy forms among the first 10


def _forms():
    spec = importlib.util.spec_from_file_location("bench_forms", REPO / "benchmarks" / "forms.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    forms = _forms()
    folder = forms.generate(N, SEED, folder=tmp_path_factory.mktemp("forms"), jobs=1)
    return forms, folder, forms.manifest(folder)


def test_generator_writes_n_varied_forms(generated, tmp_path: Path):
    from openpyxl import load_workbook

    forms, folder, manifest = generated
    assert (folder / "done").is_file()
    assert len(manifest) == N
    assert sorted(manifest) == sorted(str(p.relative_to(folder)) for p in folder.rglob("*.xlsx"))
    kinds = {info["kind"] for info in manifest.values()}
    assert kinds == {"department", "project"}
    assert all(10 <= info["indicators"] <= 40 for info in manifest.values())
    assert any(info["mutations"] for info in manifest.values())
    for rel, info in manifest.items():
        assert rel.startswith(info["kind"] + "/")
        wb = load_workbook(folder / rel, read_only=True)  # read-only keeps the file open until closed
        title = next(wb.active.iter_rows(max_row=1, values_only=True))[0]
        wb.close()
        assert f"{info['year']} 年度" in title
    # the same seed gives the same forms: found in the cache, or written again alike
    assert forms.generate(N, SEED, folder=folder) == folder
    again = forms.generate(3, SEED, folder=tmp_path / "again", jobs=1)
    assert len(forms.manifest(again)) == 3
    assert all(manifest[rel] == info for rel, info in forms.manifest(again).items())


def test_generated_forms_read_back(generated):
    intake = pytest.importorskip("perflib.intake")
    forms, folder, manifest = generated
    for rel, info in manifest.items():
        result = intake.read_form(folder / rel, framework=info["framework"])
        assert result.status in ("read", "findings"), (rel, info["mutations"], result.refusal)
        if not info["mutations"]:
            assert (float(result.total), result.grade) == (info["total"], info["grade"]), rel
