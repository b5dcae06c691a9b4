"""A seeded, clearly labelled synthetic portfolio of department-years (演示数据).

``perflib demo-data OUT_DIR`` writes about 12 departments × 3 years of plausible inputs under
``OUT_DIR/<code>/<year>.yaml`` (under perflib's bundled Guangzhou framework), with varied outcomes: every grade, missed and
far-exceeded targets, back-loaded spending, and reports whose stated figures trip the audit. Each
department-year also has 2–5 project self-evaluations (项目支出绩效自评表) under the bundled MOF project
framework, ``OUT_DIR/<code>/projects/<year>/<project>.yaml`` (:func:`project_year`), a few of them weak
(low spending, targets missed), so the overview's and the portfolio's project rollups have something to
show. A few departments are given what the bureau's review (:mod:`perflib.bureau`) should query, one trip
for each kind of query (:data:`REVIEW_TRIPS`). Every file says ``synthetic: true``, every department is of
the fictitious 示范区, and every report shows a 演示数据 notice. The same seed always gives the same files.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from .errors import Level, PerflibError
from .evaluation import evaluate_params
from .inputs.locate import FRAMEWORKS_DIR, find_framework
from .inputs.params import project_file, year_file
from .inputs.schema import ParamsFile
from .monitoring.snapshot import snapshot_path
from .scoring.frameworks import load_framework

FRAMEWORK = "guangzhou-department-overall"
PROJECT_FRAMEWORK = "mof-project-self-evaluation"

D = Decimal
YEARS = (2022, 2023, 2024)
REGION = "示例省示例市示范区（虚构）"


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    field: str  # what it works on, for the narrative
    quality: tuple[float, float, float]  # per year: 0 (poor) … 1 (excellent)
    backload: tuple[float, float, float]  # per year: 1 even … 3 very back-loaded
    budget: float  # 万元
    trips: tuple[str, ...] = ()  # audit findings to provoke, per "trip@year"


PROFILES = (
    Profile("demo-education", "示范区教育局", "基础教育", (0.95, 0.97, 0.98), (1.1, 1.0, 1.0), 38000,
            ("two-ways@2023",)),
    Profile("demo-health", "示范区卫生健康局", "公共卫生", (0.92, 0.88, 0.94), (1.3, 1.6, 1.2), 26000),
    Profile("demo-civil-affairs", "示范区民政局", "社会救助", (0.85, 0.9, 0.93), (1.5, 1.4, 1.2), 12000,
            ("stated-total@2022",)),
    Profile("demo-transport", "示范区交通运输局", "交通基础设施", (0.7, 0.78, 0.82), (2.4, 2.0, 1.8), 45000,
            ("no-analysis@2023",)),
    Profile("demo-agriculture", "示范区农业农村局", "乡村振兴", (0.8, 0.75, 0.86), (2.0, 2.6, 1.7), 18000,
            ("budget-sum@2024",)),
    Profile("demo-culture", "示范区文化广电旅游体育局", "公共文化服务", (0.6, 0.68, 0.74), (2.2, 1.9, 1.6), 6500,
            ("grade@2023",)),
    Profile("demo-market", "示范区市场监督管理局", "市场监管", (0.97, 0.96, 0.99), (1.0, 1.1, 1.0), 9800),
    Profile("demo-ecology", "示范区生态环境分局", "污染防治", (0.75, 0.83, 0.9), (1.8, 1.5, 1.3), 7400,
            ("rate@2022",)),
    Profile("demo-water", "示范区水务局", "水利工程", (0.3, 0.55, 0.62), (3.0, 2.7, 2.2), 52000,
            ("self-score@2024",)),
    Profile("demo-urban", "示范区城市管理和综合执法局", "市容环境", (0.62, 0.7, 0.66), (2.2, 2.0, 2.4), 21000),
    Profile("demo-hrss", "示范区人力资源和社会保障局", "就业创业", (0.9, 0.93, 0.91), (1.2, 1.3, 1.4), 15000),
    Profile("demo-justice", "示范区司法局", "公共法律服务", (0.12, 0.45, 0.7), (2.8, 2.3, 1.6), 4200,
            ("count@2022",)),
)

# indicator templates: (category, name, unit, op, target, kind) — kind "count", "rate", "reverse", "qual"
INDICATORS = {
    "产出": [
        ("产出/数量", "开展{field}专项行动次数", "次", "≥", 12, "count"),
        ("产出/数量", "{field}服务覆盖人次", "人次", "≥", 20000, "count"),
        ("产出/数量", "组织业务培训场次", "场", "≥", 8, "count"),
        ("产出/数量", "完成{field}重点项目个数", "个", "≥", 6, "count"),
        ("产出/质量", "{field}项目验收合格率", "%", "≥", 95, "rate"),
        ("产出/质量", "监督检查问题整改率", "%", "≥", 90, "rate"),
        ("产出/时效", "重点任务按期完成率", "%", "≥", 90, "rate"),
        ("产出/成本", "单位服务成本控制率", "%", "≤", 100, "reverse"),
    ],
    "效益": [
        ("效益/社会效益", "{field}服务对象受益人数", "人", "≥", 15000, "count"),
        ("效益/社会效益", "不发生重大{field}安全责任事故", "", "", 0, "qual"),
        ("效益/社会效益", "投诉办结率", "%", "≥", 95, "rate"),
        ("效益/经济效益", "带动社会投资金额", "万元", "≥", 3000, "count"),
        ("效益/生态效益", "{field}领域污染物排放超标率", "%", "≤", 2, "reverse"),
        ("效益/可持续影响", "{field}长效管理机制建立情况", "", "", 0, "qual"),
        ("满意度/服务对象满意度", "服务对象满意度", "%", "≥", 90, "rate"),
    ],
}

MANAGEMENT = (
    ("预算编制", ["预算编制完整性", "预算编制准确性", "绩效目标合理性", "绩效指标明确性"]),
    ("预算执行", ["预算调整控制", "结转结余控制", "财务管理合规性", "预算执行监控"]),
    ("信息公开", ["预决算信息公开", "绩效信息公开"]),
    ("绩效管理", ["绩效目标管理", "绩效运行监控", "绩效自评质量", "评价结果应用"]),
    ("采购管理", ["政府采购执行", "采购意向公开", "合同备案时效性"]),
    ("资产管理", ["资产管理合规性", "资产配置合理性", "固定资产利用率"]),
    ("运行成本", ["“三公”经费控制", "日常公用经费控制"]),
)
REASONS = ("个别报销凭证附件不完整", "部分事项未按规定时限办理", "台账登记不及时", "个别支出未严格按预算执行",
           "信息公开内容不够完整", "部分合同备案超出规定时限", "资产盘点不及时、账实不符")


def _q(value: float, places: str = "0.01") -> Decimal:
    return D(str(value)).quantize(D(places), ROUND_HALF_UP)


def _split(total: int, n: int, rng: random.Random) -> list[Decimal]:
    """``total`` points split into ``n`` weights, multiples of 0.5, each at least 1."""
    halves = [2] * n
    for _ in range(total * 2 - 2 * n):
        halves[rng.randrange(n)] += 1
    return [D(h) / 2 for h in halves]


def _monthly(spent: Decimal, power: float) -> list[Decimal]:
    """Cumulative spending following (m/12)^power, ending at ``spent``."""
    values = [(spent * D(str((m / 12) ** power))).quantize(D("0.01"), ROUND_HALF_UP) for m in range(1, 13)]
    values[-1] = spent
    return values


def _indicator(template, quality: float, weight: Decimal, field: str, rng: random.Random, tier_ok: bool) -> dict:
    category, name, unit, op, target, kind = template
    name = name.format(field=field)
    out: dict = {"category": category, "name": name, "weight": float(weight)}
    met = rng.random() < quality + 0.1
    if kind == "qual":
        out["target"] = name if name.startswith("不发生") else f"建立健全{field}长效管理机制"
        if met and tier_ok:
            out.update(actual="已达成，" + ("全年未发生" if name.startswith("不发生") else "已建立") + "，效果良好",
                       tier="达成", self_score=float(weight))
        else:
            share = D(str(round(rng.uniform(0.6, 0.79), 2)))
            out.update(actual="部分达成，仍需完善", tier="部分达成",
                       self_score=float((weight * share).quantize(D("0.01"), ROUND_HALF_UP)))
        out["analysis"] = f"围绕{field}工作目标推进落实，" + ("达到预期效果。" if out["tier"] == "达成" else "部分工作尚未完全到位。")
        return out
    if kind == "reverse":
        value = target * (rng.uniform(0.5, 1.0) if met else rng.uniform(1.05, 1.6))
        out["target"] = f"≤{target}{unit}"
        out["actual"] = f"{value:.2f}{unit}"
    elif kind == "rate":
        value = min(100.0, target * (rng.uniform(1.0, 1.1) if met else rng.uniform(0.75, 0.99)))
        out["target"] = f"≥{target}{unit}"
        if rng.random() < 0.5:
            denominator = rng.randrange(200, 3000)
            out["numerator"] = round(denominator * value / 100)
            out["denominator"] = denominator
            value = out["numerator"] / denominator * 100
        out["actual"] = f"{value:.2f}{unit}"
    else:
        over = rng.random() < 0.15
        value = target * (rng.uniform(1.3, 1.8) if met and over else rng.uniform(1.0, 1.2) if met else rng.uniform(0.6, 0.97))
        out["target"] = f"≥{target}{unit}"
        out["actual"] = f"{round(value)}{unit}"
    missed_text = "受项目进度和外部因素影响，未能全部完成，已列入下一年度重点推进。"
    out["analysis"] = f"按照年度计划推进{field}相关工作。" + ("" if met else missed_text)
    return out


def department_year(profile: Profile, year: int, seed: int) -> dict:
    """One synthetic params file as a dict (scores not yet stated)."""
    i = YEARS.index(year)
    rng = random.Random(f"{seed}-{profile.code}-{year}")
    quality, power = profile.quality[i], profile.backload[i]
    base = profile.budget * (1 + 0.06 * i)
    funds = []
    for kind, share in (("一般公共预算", 0.72), ("政府性基金预算", 0.28)):
        initial = _q(base * share * rng.uniform(0.95, 1.05))
        adjusted = _q(float(initial) * rng.uniform(0.9, 1.08))
        execution = min(0.995, 0.75 + 0.24 * quality + rng.uniform(-0.03, 0.02))
        funds.append({"type": kind, "initial": float(initial), "adjusted": float(adjusted),
                      "spent": float(_q(float(adjusted) * execution))})
    spent = sum(D(str(f["spent"])) for f in funds)

    indicators = []
    for group, total in (("产出", 20), ("效益", 20)):
        pool = INDICATORS[group]
        # weaker departments set incomplete indicator sets (the audit notices)
        keep = [t for t in pool if quality > 0.8 or t[5] != "qual" or t[0].endswith("社会效益")]
        if quality < 0.75:
            keep = [t for t in keep if not t[0].endswith(("成本", "时效", "可持续影响"))]
        chosen = sorted(rng.sample(keep, k=min(len(keep), rng.randint(4, 6))), key=pool.index)
        if group == "效益" and not any(t[0].startswith("满意度") for t in chosen):
            chosen[-1] = pool[-1]
        for template, weight in zip(chosen, _split(total, len(chosen), rng)):
            indicators.append(_indicator(template, quality, weight, profile.field, rng, tier_ok=quality > 0.55))

    deductions_total = max(0.0, (1 - quality) * 32 + rng.uniform(-1, 1))
    management = []
    leaves = [(g, n) for g, names in MANAGEMENT for n in names]
    hit = rng.sample(range(len(leaves)), k=min(len(leaves), max(0, round(deductions_total / 1.5))))
    per = _q(deductions_total / len(hit), "0.5") if hit else D(0)
    for k, (group, name) in enumerate(leaves):
        entry: dict = {"group": group, "name": name}
        if k in hit and per > 0:
            entry["deductions"] = [{"points": float(per), "reason": rng.choice(REASONS)}]
        management.append(entry)

    adjusted_total = sum(D(str(f["adjusted"])) for f in funds)
    project_budget = _q(float(adjusted_total) * rng.uniform(0.08, 0.2))
    project_spent = _q(float(project_budget) * min(1.0, 0.8 + 0.2 * quality))
    name = profile.name
    data = {
        "schema_version": 1,
        "synthetic": True,
        "title": f"{year} 年度{name}部门整体支出绩效自评报告（演示数据）",
        "department": {
            "code": profile.code, "name": name, "region": REGION, "level": "区级",
            "functions": [f"负责全区{profile.field}工作的统筹规划、组织实施和监督管理。",
                          f"拟订{profile.field}领域的政策措施和年度工作计划，并组织落实。",
                          "完成区委、区政府交办的其他任务。"],
        },
        "year": year,
        "framework": FRAMEWORK,
        "money_unit": "万元",
        "budget": {"funds": funds, "stated": {
            "initial": float(sum(D(str(f["initial"])) for f in funds)),
            "adjusted": float(adjusted_total), "spent": float(spent),
        }},
        "execution": {"monthly": {"basis": "cumulative", "values": [float(v) for v in _monthly(spent, power)]}},
        "indicators": indicators,
        "management": management,
        "key_projects": [{"name": f"{profile.field}重点建设项目", "budget": float(project_budget),
                          "spent": float(project_spent), "purpose": f"用于{profile.field}重点任务的实施。"}],
        "narrative": {
            "tasks": [f"围绕{profile.field}重点任务，完成年度各项工作目标。", "加强预算绩效管理，提高财政资金使用效益。"],
            "performance_management": ["按要求设置部门整体绩效目标，开展绩效运行监控和年度绩效自评。"],
            "achievements": [f"{profile.field}各项工作有序推进，年度重点任务基本完成。"],
            "problems": ["部分项目前期工作准备不足，支出进度偏慢。"] if power > 1.6 else [],
            "improvements": ["加强项目前期论证和预算执行监控，提高绩效目标设置质量。"],
        },
        "sources": ["perflib demo-data 生成的虚构数据"],
    }
    return data


#: A project's name: the department's field and one of these (项目名称 as departments write them)
PROJECT_KINDS = (("{field}能力提升项目", "示范区{field}服务中心"), ("{field}设施运行维护项目", "示范区{field}设施管理所"),
                 ("{field}专项补助资金", None), ("{field}信息化建设项目", "示范区{field}信息中心"),
                 ("{field}宣传培训项目", None))
_LEADING = re.compile(r"^\d+(\.\d+)?")
#: How the MOF project framework's 90 points of indicators are shared: 产出 50, 效益 30, 满意度 10
PROJECT_SHARES = (("产出", 50), ("效益", 30), ("满意度", 10))


def project_year(profile: Profile, year: int, seed: int, department_budget: Decimal) -> list[dict]:
    """A department-year's synthetic project self-evaluations (2–5), as dicts under the MOF project
    framework: each a few per cent of the department's budget; a weak one now and then (a weaker department
    has more), with low spending and missed targets."""
    i = YEARS.index(year)
    rng = random.Random(f"{seed}-{profile.code}-{year}-projects")
    quality = profile.quality[i]
    kinds = rng.sample(PROJECT_KINDS, k=rng.randint(2, 5))
    out = []
    for name_form, implementer in kinds:
        draw = rng.random()
        weak = draw < 0.08 + 0.3 * (1 - quality)  # far behind; else now and then merely behind (良, 中)
        behind = not weak and draw < 0.2 + 0.4 * (1 - quality)
        q = rng.uniform(0.1, 0.35) if weak or behind else min(1.0, quality + rng.uniform(-0.1, 0.1))
        budget = _q(float(department_budget) * rng.uniform(0.02, 0.08))
        funds = []
        for kind, share in (("财政拨款", 0.85), ("其他资金", 0.15)):
            adjusted = _q(float(budget) * share)
            rate = (rng.uniform(0.4, 0.7) if weak else rng.uniform(0.75, 0.9) if behind
                    else min(1.0, 0.82 + 0.18 * q + rng.uniform(-0.04, 0.02)))
            funds.append({"type": kind, "initial": float(_q(float(adjusted) * rng.uniform(0.95, 1.05))),
                          "adjusted": float(adjusted), "spent": float(_q(float(adjusted) * rate))})
        indicators = []
        for group, total in PROJECT_SHARES:
            pool = [t for t in (INDICATORS["产出"] + INDICATORS["效益"]) if t[0].startswith(group)]
            chosen = sorted(rng.sample(pool, k=min(len(pool), rng.randint(3, 4))), key=pool.index)
            weights = _split(total, len(chosen), rng) if len(chosen) > 1 else [D(total)]
            for template, weight in zip(chosen, weights):
                indicators.append(_indicator(template, q, weight, profile.field, rng, tier_ok=q > 0.55))
        if weak or behind:  # short of its targets (a weak one far from them)
            low, high = (0.3, 0.6) if weak else (0.7, 0.9)
            for ind in indicators:
                number = _LEADING.match(ind.get("actual", "")) if ind["target"].startswith("≥") else None
                if number and not ind.get("numerator"):
                    value = D(number[0]) * D(str(round(rng.uniform(low, high), 2)))
                    ind["actual"] = f"{value.quantize(D(1) if '.' not in number[0] else D('0.01'), ROUND_HALF_UP)}" \
                                    + ind["actual"][len(number[0]):]
        name = name_form.format(field=profile.field)
        out.append({
            "schema_version": 1,
            "synthetic": True,
            "title": f"{year} 年度{name.removesuffix('项目')}项目支出绩效自评报告（演示数据）",
            "department": {"code": profile.code, "name": profile.name, "region": REGION, "level": "区级"},
            "project": {"name": name, **({"implementer": implementer.format(field=profile.field)} if implementer else {})},
            "year": year,
            "framework": PROJECT_FRAMEWORK,
            "money_unit": "万元",
            "budget": {"funds": funds},
            "indicators": indicators,
            "narrative": {
                "tasks": [f"实施{name}，完成年度绩效目标。"],
                "achievements": [f"{name}按计划实施，服务对象获得感有所提升。"] if not weak else [],
                "problems": ["项目前期准备不足，资金支付和绩效目标完成均滞后。"] if weak else [],
                "improvements": ["加强项目前期论证和执行监控，及时调整实施计划。"],
            },
            "sources": ["perflib demo-data 生成的虚构数据"],
        })
    return out


def _trip(data: dict, trip: str, ev) -> None:  # Evaluation
    """Introduce one mistake of the kind published reports contain."""
    if trip == "stated-total":
        data["stated"]["total"] = float(ev.total + D("1.5"))
    elif trip == "budget-sum":
        data["budget"]["stated"]["spent"] = round(data["budget"]["stated"]["spent"] + 100, 2)
    elif trip == "grade":
        better = {"良": "优", "中": "良", "差": "中", "优": "良"}[ev.grade]
        data["stated"]["grade"] = better
    elif trip == "rate":
        rate = ev.metrics.execution_rate * 100
        data["budget"]["stated"]["execution_rate"] = f"{(rate + D('3')).quantize(D('0.01'), ROUND_HALF_UP)}%"
    elif trip == "no-analysis":
        for ind in data["indicators"]:
            r = next(r for r in ev.scorecard.indicators if r.name == ind["name"])
            if not r.met:
                ind.pop("analysis", None)
    elif trip == "self-score":
        for ind, r in zip(data["indicators"], ev.scorecard.indicators):
            if not r.qualitative and not r.met:
                ind["self_score"] = ind["weight"]
                ind["self_score_reason"] = "工作已尽力推进"
                break
    elif trip == "count":
        data["stated"]["indicator_counts"]["产出指标完成情况"] += 1
    elif trip == "two-ways":
        rates = [r for r in ev.scorecard.indicators if r.parts and r.parts[0].target.unit == "%"]
        if rates:
            r = rates[0]
            data["narrative"]["achievements"].append(f"{r.name}为 {r.parts[0].actual / 10:.2f}%，成效明显。")


#: departments whose reports say what they did about last year's problems (上年问题整改情况)
RECTIFYING = ("demo-culture", "demo-education", "demo-health", "demo-ecology", "demo-civil-affairs")


def rectification(data: dict, profile: Profile, last_file: Path, fw) -> None:  # a Framework
    """For a department of :data:`RECTIFYING` with last year's file written, its report's 上年问题整改情况
    (``narrative.rectification``): one sentence for each of last year's errors and warnings — rectified where
    this year's audit does not find it again, in hand where it does — and for each problem it stated; the
    other departments say nothing of last year's problems (the review's 整改清单 shows each case)."""
    if profile.code not in RECTIFYING or not last_file.is_file():
        return
    last = evaluate_params(ParamsFile.model_validate(yaml.safe_load(last_file.read_text(encoding="utf-8"))), fw)
    again = {(f.code, f.subject) for f in evaluate_params(ParamsFile.model_validate(data), fw).findings}
    said, seen = [], set()
    for f in last.findings:
        if f.level == Level.INFO or not f.topic or (f.code, f.subject) in seen:
            continue
        seen.add((f.code, f.subject))
        done = "已着手整改，尚未完全到位" if (f.code, f.subject) in again else "已逐项核实并完成整改"
        said.append(f"针对上年“{f.subject.rsplit('/', 1)[-1]}”方面的{f.topic}问题，{done}。")
    said += [f"针对上年提出的“{p.rstrip('。')}”问题，已制定整改措施并逐项落实。" for p in last.params.narrative.problems]
    if said:
        data["narrative"]["rectification"] = list(dict.fromkeys(said))
#: the kinds of :func:`_trip`: a mistake in what the form states, made after it is scored
TRIPS = frozenset({"stated-total", "budget-sum", "grade", "rate", "no-analysis", "self-score", "count", "two-ways"})

#: what the bureau's review (perflib.bureau) should query, provoked on purpose by department, so that the demo's
#: review shows every kind of query: a kind of :func:`_trip` is made after the form is scored (what the form
#: states is wrong), any other by :func:`_review_trip` before (what the department did or wrote is questionable,
#: and the form states it consistently); the monitoring ones by :data:`REVIEW_MONITOR_TRIPS`.
REVIEW_TRIPS = {
    "demo-hrss": ("stock-phrase@2023", "stock-phrase@2024"),  # unverifiable: "效果良好" and nothing else
    "demo-agriculture": ("stated@2023", "stated@2024", "promised@2024"),  # unverifiable; forecast_missed
    "demo-transport": ("hazards@2023", "hazards@2024"),  # disagree: 隐患整改 项数 missed, 整改率 met
    "demo-market": ("underspent@2023", "underspent@2024"),  # results_ahead and unspent
    "demo-civil-affairs": ("zero-budget@2023", "zero-budget@2024"),  # zero_budget: a key project without budget
    "demo-ecology": ("rate@2023", "rate@2024"),  # recurring: 2022's misstated execution rate, not corrected
}
#: the monitoring snapshot's side of :data:`REVIEW_TRIPS`
REVIEW_MONITOR_TRIPS = {"demo-agriculture": "promised", "demo-justice": "target-raised"}


def _review_trip(data: dict, trip: str) -> None:
    """Make a department-year something the bureau's review should query (before it is scored: the form states
    what it did consistently)."""
    indicators = data["indicators"]
    if trip == "stock-phrase":  # a qualitative result that says only "效果良好": nothing a reviewer can check
        ind = next((i for i in indicators if i.get("tier")), None)
        if ind is None:  # no qualitative indicator drawn this year: the 效益 group gets its 长效机制 row
            ind = next(i for i in reversed(indicators) if i["category"].startswith("效益/") and "满意度" not in i["name"])
            ind.update(category="效益/可持续影响", name=f"{data['department']['name'].removeprefix('示范区')}长效管理机制建立情况",
                       target="建立健全长效管理机制")
            for key in ("numerator", "denominator"):
                ind.pop(key, None)
        ind.update(actual="效果良好", tier="达成", self_score=ind["weight"])
        ind.pop("analysis", None)
    elif trip == "stated":  # the actual not counted: the row scored as the form states it (method stated)
        ind = next(i for i in indicators if not i.get("tier") and i["category"].startswith("产出/"))
        for key in ("actual", "numerator", "denominator"):
            ind.pop(key, None)
        ind.update(method="stated", self_score=float((D(str(ind["weight"])) * D("0.9")).quantize(D("0.01"))),
                   self_score_reason="实际完成值未统计，按工作开展情况估计得分")
    elif trip == "promised":  # a count missed at the year end without a word why (June said 确定能)
        ind = next(i for i in indicators if _cumulative(i) and not i.get("numerator") and "method" not in i)
        target = _LEADING.search(ind["target"].lstrip("≥"))
        value = (D(target[0]) * D("0.8")).quantize(D(1), ROUND_HALF_UP)
        ind["actual"] = f"{value}{ind['target'].lstrip('≥')[len(target[0]):]}"
        ind.pop("analysis", None)
    elif trip == "hazards":  # the number of hazards fixed missed, the share of hazards fixed met: which is it?
        count = next(i for i in indicators if i["category"] == "产出/数量")
        rate = next((i for i in indicators if i["category"] == "产出/质量"), None)
        if rate is None:  # no 质量 row drawn: the second 数量 row becomes it
            rate = [i for i in indicators if i["category"] == "产出/数量"][1]
        field = data["department"]["functions"][0].removeprefix("负责全区").split("工作")[0]
        for ind in (count, rate):
            for key in ("numerator", "denominator"):
                ind.pop(key, None)
        count.update(name=f"完成{field}安全隐患整改项数", target="≥120项", actual="96项",
                     analysis="部分隐患整改涉及多个部门，整改周期较长，已列入下一年度计划。")
        rate.update(category="产出/质量", name=f"{field}安全隐患整改率", target="≥95%", actual="98%",
                    analysis="对排查发现的安全隐患建立台账，逐项整改销号。")
    elif trip == "underspent":  # some 70 % of the budget spent, the indicators all met all the same
        for f in data["budget"]["funds"]:
            f["spent"] = float(_q(f["adjusted"] * 0.7))
        spent = sum(D(str(f["spent"])) for f in data["budget"]["funds"])
        data["budget"]["stated"]["spent"] = float(spent)
        old = data["execution"]["monthly"]["values"]
        data["execution"]["monthly"]["values"] = [
            float((D(str(v)) * spent / D(str(old[-1]))).quantize(D("0.01"), ROUND_HALF_UP)) for v in old[:-1]] + [float(spent)]
    elif trip == "zero-budget":  # a key project paid for out of the year's other money, with no budget of its own
        field = data["department"]["functions"][0].removeprefix("负责全区").split("工作")[0]
        data["key_projects"].append({"name": f"{field}临时应急项目", "budget": 0.0, "spent": 35.0,
                                     "purpose": f"年中临时安排的{field}应急事项，未单独编列预算。"})
    else:  # pragma: no cover - the table above names only these
        raise ValueError(trip)


def _review_monitor_trip(snapshot: dict, data: dict, trip: str) -> None:
    """The monitoring snapshot's side of a review trip."""
    years = {i["name"]: i for i in data["indicators"]}
    if trip == "promised":  # June said 确定能 for what :func:`_review_trip` made missed without analysis
        for row in snapshot["indicators"]:
            ind = years.get(row["name"])
            if ind is not None and "analysis" not in ind and not ind.get("tier"):
                row.update(likely="确定能", forecast=ind["target"].lstrip("≥"))
    elif trip == "target-raised":  # June monitored a higher target than the year end scores against
        row = next(r for r in snapshot["indicators"] if _cumulative(years[r["name"]]))
        target = years[row["name"]]["target"]
        number = _LEADING.search(target.lstrip("≥"))
        higher = (D(number[0]) * D("1.25")).quantize(D(1), ROUND_HALF_UP)
        row["target"] = f"≥{higher}{target.lstrip('≥')[len(number[0]):]}"
    else:  # pragma: no cover
        raise ValueError(trip)


def generate(out_dir: str | Path, *, seed: int = 2024, frameworks_dir: str | Path | None = None) -> list[Path]:
    """Write the demo portfolio under ``out_dir``; return the department-year files written (the project
    forms beside them: :func:`perflib.inputs.params.discover_projects`)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if frameworks_dir:  # a bureau's own frameworks go with the demo; else the bundled ones are found
        (out_dir / FRAMEWORKS_DIR).mkdir(exist_ok=True)
        for f in Path(frameworks_dir).glob("*.yaml"):
            shutil.copyfile(f, out_dir / FRAMEWORKS_DIR / f.name)
    fw_file = find_framework(FRAMEWORK, out_dir / FRAMEWORKS_DIR)
    if fw_file is None:  # pragma: no cover - the bundled framework ships with perflib
        raise PerflibError(f"找不到评价框架 {FRAMEWORK}")
    fw = load_framework(fw_file)
    project_fw = load_framework(find_framework(PROJECT_FRAMEWORK, out_dir / FRAMEWORKS_DIR))
    written = []
    for profile in PROFILES:
        for year in YEARS:
            data = department_year(profile, year, seed)
            review_trips = [kind for kind, _, at in (t.partition("@") for t in REVIEW_TRIPS.get(profile.code, ()))
                            if int(at) == year]
            for kind in review_trips:
                if kind not in TRIPS:
                    _review_trip(data, kind)
            ev = evaluate_params(ParamsFile.model_validate(data), fw)
            data["stated"] = {
                "total": float(ev.total), "grade": ev.grade,
                "nodes": {n.name: float(n.score) for n in ev.scorecard.nodes},
                "indicator_counts": {
                    "产出指标完成情况": len(ev.scorecard.node("产出指标完成情况").children),
                    "效益指标完成情况": len(ev.scorecard.node("效益指标完成情况").children),
                },
            }
            for trip in profile.trips:
                kind, _, at = trip.partition("@")
                if int(at) == year:
                    _trip(data, kind, ev)
            for kind in review_trips:
                if kind in TRIPS:
                    _trip(data, kind, ev)
            path = year_file(out_dir, profile.code, year)
            rectification(data, profile, year_file(out_dir, profile.code, year - 1), fw)
            path.parent.mkdir(parents=True, exist_ok=True)
            header = "# 演示数据（perflib demo-data 生成，虚构，不代表任何真实部门）\n"
            path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120),
                            encoding="utf-8")
            written.append(path)
            budget = sum((D(str(f["adjusted"])) for f in data["budget"]["funds"]), D(0))
            _forget_projects(project_file(out_dir, profile.code, year, "x").parent, header)
            for project in project_year(profile, year, seed, budget):
                project_ev = evaluate_params(ParamsFile.model_validate(project), project_fw)
                project["stated"] = {"total": float(project_ev.total), "grade": project_ev.grade}
                where = project_file(out_dir, profile.code, year, project["project"]["name"])
                where.parent.mkdir(parents=True, exist_ok=True)
                where.write_text(header + yaml.safe_dump(project, allow_unicode=True, sort_keys=False, width=120),
                                 encoding="utf-8")
            if year == YEARS[-1]:  # the latest year also has its mid-year monitoring snapshot
                snapshot = snapshot_path(path, MONITOR_MONTH)
                snapshot.write_text(header + yaml.safe_dump(monitoring_snapshot(data, seed), allow_unicode=True,
                                                            sort_keys=False, width=120), encoding="utf-8")
    return written


def _forget_projects(folder: Path, header: str) -> None:
    """Remove the demo's own project forms of an earlier generation (another seed names other projects);
    a file without the demo's header line is not the demo's and stays."""
    for path in folder.glob("*.yaml") if folder.is_dir() else ():
        with path.open(encoding="utf-8", errors="replace") as f:
            if f.readline() == header:
                path.unlink()


MONITOR_MONTH = 6
LEVEL_UNITS = ("%", "‰")


def _scaled(text: str, share: float) -> str:
    """An actual as written, its cumulative figures scaled to ``share`` (rates kept): "186 人" → "74 人"."""
    from .scoring.targets import parse

    parts = parse(text).parts
    out = []
    for part in parts:
        if part.unit in LEVEL_UNITS:
            value = part.value
        else:
            value = (part.value * D(str(share))).quantize(D(1) if part.value == part.value.to_integral_value() else D("0.01"),
                                                          ROUND_HALF_UP)
        out.append(f"{value:f}{part.unit}")
    return "、".join(out)


#: monitoring findings provoked on purpose, by department, so that the demo shows every one of them
MONITOR_TRIPS = {"demo-education": "not-reported", "demo-market": "ahead-of-targets",
                 "demo-hrss": "contradicts-year-end", "demo-urban": "monthly-as-month",
                 "demo-transport": "over-budget"}
NEXT_STEPS = ("下一步，将对照年度绩效目标逐项梳理进度，对红灯、黄灯指标建立台账，明确责任人和完成时限，每月跟踪。",
              "加快资金拨付和项目实施进度，确保 {checkpoint} 月末累计执行率达到规定要求；对执行缓慢的项目及时调整预算安排。")


def _cumulative(ind: dict) -> bool:
    """A quantitative "at least" target counted up over the year (not a rate): 12 次, 2000 人."""
    return not ind.get("tier") and ind["target"].startswith("≥") and not any(u in ind["target"] for u in LEVEL_UNITS)


def monitoring_snapshot(data: dict, seed: int) -> dict:
    """A department's 1–6 月 monitoring snapshot, consistent with its year file: figures to date are a share of
    the year's, spending follows the year's monthly series; some rows trip every monitoring finding, and a few
    departments (:data:`MONITOR_TRIPS`) trip the rest."""
    code = data["department"]["code"]
    trip = MONITOR_TRIPS.get(code)
    rng = random.Random(f"{seed}-{code}-monitor")
    monthly = data["execution"]["monthly"]["values"]
    share_spent = D(str(monthly[MONITOR_MONTH - 1])) / D(str(monthly[-1])) if monthly[-1] else D(0)
    if trip == "ahead-of-targets":  # money out early while the targets lag
        share_spent = D("0.78")
    funds = [{"type": f["type"], "spent": float((D(str(f["spent"])) * share_spent).quantize(D("0.01")))}
             for f in data["budget"]["funds"]]
    projects = [{"name": p["name"], "spent": float((D(str(p["spent"])) * share_spent).quantize(D("0.01")))}
                for p in data["key_projects"]]
    if trip == "over-budget":  # a key project booked above its annual budget by June
        projects[0]["spent"] = float((D(str(data["key_projects"][0]["budget"])) * D("1.06")).quantize(D("0.01")))
    indicators = []
    for ind in data["indicators"]:
        row: dict = {"name": ind["name"]}
        if ind.get("tier"):
            status = rng.choice(["达到", "部分达到", "进行中"])
            row["to_date"] = f"{status}，按计划推进"
            row["likely"] = "确定能" if status == "达到" else "有可能"
        else:
            actual = ind.get("actual") or ind["target"]
            share = rng.choice([0.2, 0.35, 0.45, 0.5, 0.55, 0.7])
            if trip == "ahead-of-targets":
                share = 0.2
            row["to_date"] = _scaled(actual, share)
            lagging = share < 0.4
            row["likely"] = "有可能" if lagging and rng.random() < 0.7 else "确定能"
            row["forecast"] = actual
        if row.get("likely") == "有可能" or rng.random() < 0.15:
            if rng.random() < 0.75:
                row["reason"] = rng.choice(["经费保障：资金下半年到位", "人员保障：人员调整，工作进度滞后",
                                            "制度保障：配套制度尚在制定", "其他：项目招标流程较长"])
                row["measures"] = "加快工作进度，按月跟踪，确保年底前完成。"
        indicators.append(row)
    if trip == "not-reported":  # the last indicator left out of the monitoring form
        indicators.pop()
    if trip == "contradicts-year-end":  # more by June than in the whole year
        row = next(r for r, ind in zip(indicators, data["indicators"]) if "forecast" in r and _cumulative(ind))
        row["to_date"] = _scaled(row["forecast"], 1.2)
    total = sum((D(str(f["spent"])) for f in funds), D(0))
    june = D(str(monthly[MONITOR_MONTH - 1]))
    series = [(D(str(v)) * total / june).quantize(D("0.01"), ROUND_HALF_UP) if june else D(0)
              for v in monthly[:MONITOR_MONTH]]
    series[-1] = total  # the last month is the spending to date of the funds
    if trip == "monthly-as-month":  # a month's own spending typed where the cumulative belongs
        series[3] = (series[3] - series[2]).quantize(D("0.01"))
    snapshot = {"schema_version": 1, "department": {"code": code, "name": data["department"]["name"]},
                "year": data["year"], "month": MONITOR_MONTH, "rules": "sichuan-2025",
                "budget": {"funds": funds, "key_projects": projects, "monthly": [float(v) for v in series]},
                "indicators": indicators}
    if code in REVIEW_MONITOR_TRIPS:
        _review_monitor_trip(snapshot, data, REVIEW_MONITOR_TRIPS[code])
    if rng.random() < 0.75:
        snapshot["next_steps"] = [NEXT_STEPS[0], NEXT_STEPS[1].format(checkpoint=8)]
    return snapshot
