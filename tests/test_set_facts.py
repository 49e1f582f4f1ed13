"""Set-valued facts: an input holding several values of one enum (智能化、数字化、低碳化).

A project may be smart and digital and low-carbon at once: `input x: set of kind`,
read by `x contains v`, `x contains all of (…)`, `x contains any of (…)` and
`number of x at least N` (Chinese 包含 / 包含全部 / 包含任一 / 项数). Amounts below are
worked out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kfpl.codes import PRELUDE
from kfpl.diagnostics import Diagnostic, Sources, render
from kfpl.project.loader import compile_texts
from kfpl.python.evaluate import Program
from kfpl.render.sentences import Renderer
from kfpl.runtime import ApplicationError
from kfpl.syntax.formatter import format_text

ROOT = Path(__file__).resolve().parent.parent
WENZHOU = ROOT / "tests" / "fixtures" / "wenzhou" / "final"

DECLS = """
enum transform_kind zh "改造方向" en "direction of transformation"
  value smart   zh "智能化" en "smart"
  value digital zh "数字化" en "digital"
  value green   zh "低碳化" en "low-carbon"
input directions: set of transform_kind zh "改造方向" en "directions of the project"
"""


def measure(requires: str, examples: str = "") -> str:
    return (
        "\nmeasure mfg-3\n  source mfg 3\n"
        '  title zh "技术改造" en "Upgrading"\n  department 市工业和信息化局\n'
        f"  requires {requires}\n  award 10% of investment\n  cap 100万 per project\n"
        f"{examples}"
    )


def check(text: str) -> list[Diagnostic]:
    return compile_texts({"p.kfpl": PRELUDE + DECLS + text}).diagnostics


def errors(text: str) -> list[Diagnostic]:
    return [d for d in check(text) if d.severity == "error"]


def program(requires: str) -> Program:
    comp = compile_texts({"p.kfpl": PRELUDE + DECLS + measure(requires)})
    assert comp.policy_set is not None, [d.one_line() for d in comp.diagnostics]
    return Program.from_policy_set(comp.policy_set)


def app(directions: Any, investment: str = "300万") -> dict[str, Any]:
    facts: dict[str, Any] = {"investment": investment}
    if directions is not None:
        facts["directions"] = directions
    return {
        "year": 2021,
        "enterprise": {"id": "E1", "local_tax": "1000万"},
        "claims": [{"id": "c1", "measure": "mfg-3", "project": "p", "facts": facts}],
    }


def outcome(prog: Program, directions: Any) -> tuple[str, str]:
    result = prog.evaluate(app(directions))["measures"][0]
    return result["status"], result["amount"]


# --------------------------------------------------------------------------- meaning


@pytest.mark.parametrize(
    ("requires", "held", "paid"),
    [
        # 10% of 300万 = 30万 whenever the condition holds.
        ("directions contains smart", ["smart"], True),
        ("directions contains smart", ["digital", "green"], False),
        ("directions contains all of (smart, digital)", ["digital", "smart"], True),
        ("directions contains all of (smart, digital)", ["smart", "green"], False),
        ("directions contains any of (digital, green)", ["green"], True),
        ("directions contains any of (digital, green)", ["smart"], False),
        ("directions contains any of (digital, green)", [], False),
        ("number of directions at least 2", ["smart", "green"], True),
        ("number of directions at least 2", ["green"], False),
        ("number of directions 2以上", ["smart", "digital", "green"], True),
        ("not directions contains smart", [], True),
    ],
)
def test_set_conditions_hold_as_the_words_say(requires: str, held: list[str], paid: bool) -> None:
    status, amount = outcome(program(requires), held)
    assert (status, amount) == (("awarded", "300000.00") if paid else ("not_eligible", "0.00"))


def test_chinese_keywords_give_the_same_model_as_english() -> None:
    en = "directions contains all of (smart, digital) and number of directions at least 2"
    zh = "directions 包含全部 (smart, digital) 且 项数 directions 不低于 2"
    any_en, any_zh = (
        "directions contains any of (smart, green)",
        "directions 包含任一 (smart, green)",
    )
    one_en, one_zh = "directions contains smart", "directions 包含 smart"
    for a, b in ((en, zh), (any_en, any_zh), (one_en, one_zh)):
        ma = compile_texts({"p.kfpl": PRELUDE + DECLS + measure(a)}).policy_set
        mb = compile_texts({"p.kfpl": PRELUDE + DECLS + measure(b)}).policy_set
        assert ma is not None and mb is not None
        assert ma.measures["mfg-3"].requires == mb.measures["mfg-3"].requires


def test_a_missing_set_leaves_the_claim_undetermined() -> None:
    status, _ = outcome(program("directions contains smart"), None)
    assert status == "undetermined"


def test_the_explanation_names_what_was_wanted_and_what_was_held() -> None:
    prog = program("directions contains any of (digital, green)")
    steps = prog.evaluate(app(["green", "smart"]))["measures"][0]["explain"]
    zh = "\n".join(s["zh"] for s in steps)
    en = "\n".join(s["en"] for s in steps)
    # Held values are shown in the enum's order, whatever order the applicant used.
    assert "改造方向包含数字化、低碳化中的至少一项（实际智能化、低碳化）" in zh
    assert "includes at least one of digital or low-carbon (is smart, low-carbon)" in en


# --------------------------------------------------------------------------- application data


@pytest.mark.parametrize(
    ("value", "path", "words"),
    [
        (["smart", "smart"], "claims[0].facts.directions[1]", "listed twice"),
        (["smart", "clever"], "claims[0].facts.directions[1]", "expected one of smart, digital"),
        ("smart", "claims[0].facts.directions", "expected a list of values"),
        ([1], "claims[0].facts.directions[0]", "expected one of"),
    ],
)
def test_bad_set_values_are_refused_naming_the_field(value: Any, path: str, words: str) -> None:
    prog = program("directions contains smart")
    with pytest.raises(ApplicationError) as err:
        prog.evaluate(app(value))
    assert err.value.path == path and words in err.value.message


def test_a_wenzhou_green_project_is_read_from_its_focus(tmp_path: Path) -> None:
    # 温州 9: "以能源高效化、生产清洁化、废弃物循环化为重点的绿色改造项目,按设备投资额的12%":
    # a project focusing on energy efficiency and waste recycling, 400万 → 48万.
    prog = Program.from_paths([str(WENZHOU)])
    claim = {
        "id": "c1",
        "measure": "wzgy-9c",
        "project": "P1",
        "facts": {
            "green_focus": ["waste_recycling", "energy_efficiency"],
            "equipment_investment": "400万",
        },
    }
    result = prog.evaluate({"year": 2021, "enterprise": {"id": "W"}, "claims": [claim]})
    assert result["total"] == "480000.00"


# --------------------------------------------------------------------------- checker


def test_contains_on_a_single_valued_enum_says_to_use_is() -> None:
    [d] = [d for d in errors(measure("recognition_level contains national")) if d.code == "KF0401"]
    assert "needs a set" in d.message.en
    assert "recognition_level is national" in d.help.en
    sources = Sources()
    sources.add("p.kfpl", PRELUDE + DECLS + measure("recognition_level contains national"))
    shown = render(d, sources)
    assert "p.kfpl:" in shown and "^^^^^^^^^^^^^^^^^" in shown


def test_is_on_a_set_says_to_use_contains() -> None:
    [d] = [d for d in errors(measure("directions is smart")) if d.code == "KF0401"]
    assert "directions contains smart" in d.help.en


def test_a_number_compared_with_a_set_points_to_number_of() -> None:
    [d] = [d for d in errors(measure("directions at least 2")) if d.code == "KF0401"]
    assert "number of directions" in d.help.en


def test_an_unknown_value_in_contains_is_named_with_a_guess() -> None:
    [d] = [
        d
        for d in errors(measure("directions contains any of (digital, gren)"))
        if d.code == "KF0202"
    ]
    assert "`gren`" in d.message.en and "green" in d.help.en


def test_a_set_of_an_undeclared_enum_or_of_money_is_refused() -> None:
    [d] = [
        d
        for d in compile_texts(
            {"p.kfpl": PRELUDE + 'input xs: set of transfrm_kind zh "x" en "x"\n'}
        ).diagnostics
        if d.code == "KF0104"
    ]
    assert "transfrm_kind" in d.message.en
    [d] = [
        d
        for d in compile_texts(
            {"p.kfpl": PRELUDE + 'input xs: set of money zh "x" en "x"\n'}
        ).diagnostics
        if d.code == "KF0104"
    ]
    assert "holds values of an enum" in d.message.en


def test_number_of_wants_a_whole_count() -> None:
    assert [d.code for d in errors(measure("number of directions at least 2.5"))] == ["KF0407"]
    assert [d.code for d in errors(measure("number of directions at least 2万"))] == ["KF0401"]


def test_examples_give_sets_in_brackets_and_are_checked() -> None:
    good = measure(
        "directions contains smart",
        "  example directions = [smart, green], investment = 300万 -> 30万\n"
        "  example directions = [], investment = 300万 -> not eligible\n",
    )
    assert errors(good) == []
    twice = measure(
        "directions contains smart",
        "  example directions = [smart, smart], investment = 3万 -> 3000\n",
    )
    assert [d.code for d in errors(twice)] == ["KF0409"]
    unknown = measure(
        "directions contains smart", "  example directions = [smat], investment = 3万 -> 3000\n"
    )
    assert [d.code for d in errors(unknown)] == ["KF0202"]


# --------------------------------------------------------------------------- rendering, fmt


def test_conditions_render_in_both_languages() -> None:
    comp = compile_texts(
        {
            "p.kfpl": PRELUDE
            + DECLS
            + measure(
                "directions contains all of (smart, digital) and directions contains any of (digital, green)"
                " and number of directions at least 2"
            )
        }
    )
    assert comp.policy_set is not None
    m = comp.policy_set.measures["mfg-3"]
    zh = Renderer(comp.policy_set, "zh").requirements(m)[0]
    en = Renderer(comp.policy_set, "en").requirements(m)[0]
    assert (
        zh
        == "改造方向包含智能化、数字化，且改造方向包含数字化、低碳化中的至少一项，且改造方向在2项以上。"
    )
    assert en == (
        "The directions of the project include smart and digital, the directions of the project"
        " include at least one of digital or low-carbon and the number of directions of the"
        " project is at least 2."
    )


def test_fmt_converts_set_keywords_both_ways() -> None:
    text = (
        PRELUDE
        + DECLS
        + measure("directions contains any of (smart, green) and number of directions at least 2")
    )
    zh = format_text(text, keywords="zh")
    assert (
        "集合 transform_kind" in zh
        and "包含任一 (smart, green)" in zh
        and "项数 directions 不低于 2" in zh
    )
    back = format_text(zh, keywords="en")
    assert "set of transform_kind" in back and "contains any of (smart, green)" in back
    assert format_text(back, keywords="en") == back


def test_the_schema_lists_the_values_a_set_may_hold() -> None:
    from kfpl.schema import application_schema

    comp = compile_texts({"p.kfpl": PRELUDE + DECLS + measure("directions contains smart")})
    assert comp.policy_set is not None
    text = json.dumps(application_schema(comp.policy_set), ensure_ascii=False)
    assert '"uniqueItems": true' in text and '"enum": ["smart", "digital", "green"]' in text


# --------------------------------------------------------------------------- diff


def _diff(old: str, new: str) -> list[Any]:
    from kfpl.diff.structural import diff_policy_sets

    a = compile_texts({"p.kfpl": PRELUDE + DECLS + measure(old)}).policy_set
    b = compile_texts({"p.kfpl": PRELUDE + DECLS + measure(new)}).policy_set
    assert a is not None and b is not None
    return diff_policy_sets(a, b)


@pytest.mark.parametrize(
    ("old", "new", "direction"),
    [
        # Asking for one value more narrows; allowing one more alternative widens.
        (
            "directions contains smart",
            "directions contains all of (smart, digital)",
            "less_generous",
        ),
        (
            "directions contains any of (smart, digital)",
            "directions contains any of (smart, digital, green)",
            "more_generous",
        ),
        ("number of directions at least 2", "number of directions at least 1", "more_generous"),
        (
            "directions contains all of (smart, digital)",
            "directions contains all of (digital, smart)",
            None,
        ),
    ],
)
def test_a_changed_set_condition_is_reported_with_its_direction(
    old: str, new: str, direction: str | None
) -> None:
    changes = _diff(old, new)
    if direction is None:
        assert changes == []
        return
    [change] = changes
    assert change.direction == direction and change.check in ("KD120", "KD124")
