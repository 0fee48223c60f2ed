"""`edutv epg import` and `edutv epg export`: a round trip through XMLTV."""

from __future__ import annotations

from pathlib import Path

from epg.m3u import read_m3u
from epg.xmltv import read_xmltv

FIXTURE = Path(__file__).parents[1] / "fixtures" / "epg_small.xml"


def test_import_export_round_trip(run, tmp_path):
    result = run("epg", "import", str(FIXTURE))
    assert result.exit_code == 0, result.output
    assert "3 channels (3 new), 7 programmes (0 replaced)" in result.output
    out = tmp_path / "out.xml"
    exported = run("epg", "export", "--output", str(out))
    assert exported.exit_code == 0, exported.output
    original, again = read_xmltv(FIXTURE.read_bytes()), read_xmltv(out.read_bytes())
    assert again.channels == original.channels
    assert again.programmes == original.programmes
    reimport = run("epg", "import", str(out))
    assert "0 new), 7 programmes (7 replaced)" in reimport.output
    stdout = run("epg", "export")
    assert stdout.output.encode() == out.read_bytes()


def test_export_m3u(run):
    run("epg", "import", str(FIXTURE))
    result = run("epg", "export", "--m3u", "--base-url", "http://box.example/")
    assert result.exit_code == 0
    ids = [e.tvg_id for e in read_m3u(result.output)]
    assert ids == ["hnjy1.edutv.cn", "hnjy2.edutv.cn", "kids.edutv.cn"]


def test_a_refused_file_exits_1_and_imports_nothing(run, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b'<!DOCTYPE tv [<!ENTITY x "y">]><tv>&x;</tv>')
    result = run("epg", "import", str(bad))
    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert "<channel" not in run("epg", "export").output
