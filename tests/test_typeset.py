"""The Typst world: exactly perflib's fonts, named as readers expect; SVG charts rasterised for Word."""

from __future__ import annotations

import struct

import pytest

from perflib.present import typeset
from perflib.present.typeset import SANS, SERIF, TypesetError, font_folder, static_fonts, svg_png


def test_the_instances_are_named_as_static_fonts_of_their_own() -> None:
    from fontTools.ttLib import TTFont

    for weight, path in static_fonts().items():
        font = TTFont(path, lazy=True)
        style = "Bold" if weight == 700 else "Regular"
        assert (font["name"].getDebugName(1), font["name"].getDebugName(2), font["name"].getDebugName(6)) == (
            SANS, style, f"NotoSansSC-{style}")
        assert font["OS/2"].usWeightClass == weight and bool(font["head"].macStyle & 1) == (weight == 700)


def test_typst_sees_only_perflibs_fonts_and_its_own() -> None:
    import typst

    families = set(typst.Fonts(include_system_fonts=False, font_paths=[str(font_folder())]).families())
    assert {SANS, SERIF} <= families
    assert families - {SANS, SERIF} <= {"DejaVu Sans Mono", "Libertinus Serif", "New Computer Modern",
                                        "New Computer Modern Math"}  # Typst's own, bundled in the wheel


def test_svg_charts_become_pngs_at_print_resolution() -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="72pt" height="36pt" viewBox="0 0 72 36">'
           b'<rect width="72" height="36" fill="#888"/><text x="4" y="20" font-family="Noto Sans SC">'
           b"\xe9\xa2\x84\xe7\xae\x97 100%</text></svg>")
    pngs = svg_png([svg, svg], ppi=200)
    assert len(pngs) == 2 and all(p.startswith(b"\x89PNG") for p in pngs)
    assert struct.unpack(">II", pngs[0][16:24]) == (200, 100)  # one inch by half an inch at 200 ppi
    assert svg_png([]) == []


def test_a_broken_image_is_an_error_that_says_so() -> None:
    with pytest.raises(TypesetError, match="Typst 排版失败"):
        svg_png([b"<svg this is not svg"])


def test_without_the_font_package_typesetting_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    found = typeset._package_dir
    monkeypatch.setattr(typeset, "_package_dir", lambda name: None if name == typeset.FONT_PACKAGE else found(name))
    monkeypatch.setattr(typeset, "_local", threading.local())  # no compiler held yet
    static_fonts.cache_clear()
    try:
        with pytest.raises(TypesetError, match="justmytype-intl-cjk.*make setup"):
            svg_png([b"<svg/>"])
    finally:
        static_fonts.cache_clear()
