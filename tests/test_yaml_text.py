"""yaml_text: what the importers and the intake write is perflib input as it stands."""

from __future__ import annotations

from decimal import Decimal

from perflib.inputs.yamlio import parse_yaml
from perflib.workbooks.sheets import yaml_text


def test_a_value_used_twice_is_written_twice_not_as_an_alias():
    weight = Decimal("1.5")
    shared = {"a": 1}
    text = yaml_text({"indicators": [{"weight": weight, "self_score": weight}], "x": shared, "y": shared})
    assert "&" not in text and "*" not in text
    assert "weight: 1.5\n" in text and "self_score: 1.5\n" in text
    data, _ = parse_yaml(text)  # perflib's loader refuses aliases: this one has none
    assert data["y"] == {"a": 1}


def test_decimals_keep_their_kind():
    text = yaml_text({"int": Decimal("5"), "float": Decimal("5.0"), "fraction": Decimal("2.50"), "big": Decimal("5E+2")})
    assert text == "int: 5\nfloat: 5.0\nfraction: 2.5\nbig: 500\n"
