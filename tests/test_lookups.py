"""The remembered lookups of scoring: Scorecard.node by name, Framework.category_of by what was written."""

from __future__ import annotations

from perflib.evaluation import evaluate
from perflib.scoring.frameworks import load_framework

from .conftest import EXAMPLE, FRAMEWORKS


def test_scorecard_node_finds_the_first_node_of_a_name_as_a_walk_would():
    card = evaluate(EXAMPLE).scorecard
    for node in card.walk():
        assert card.node(node.name) is next(n for n in card.walk() if n.name == node.name)
    assert card.node("没有这个节点") is None


def test_category_of_remembers_and_a_copy_with_other_categories_does_not_reuse_it():
    fw = load_framework(FRAMEWORKS / "guangzhou-department-overall.yaml")
    assert fw.category_of("效益/社会效益指标") == ("效益", "社会效益")
    assert fw.category_of("效益/社会效益指标") == ("效益", "社会效益")  # remembered
    assert fw.category_of("个性指标/其他") is None
    other = fw.model_copy(update={"categories": {"个性指标": "warning"}})
    assert other.category_of("个性指标/其他") == ("个性指标", "个性指标")
    assert other.category_of("效益/社会效益指标") is None
    assert fw.category_of("个性指标/其他") is None
