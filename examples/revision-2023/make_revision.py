"""Re-derive examples/revision-2023/ from policies/: copy the policy set, apply the
revision's edits. Run from the repository root after policies/ changes:

    /work/venv/bin/python examples/revision-2023/make_revision.py
    /work/venv/bin/python -m kfpl.diff.review      # regenerate the review pages

Every edit names the exact text it replaces and fails loudly if that text moved, so the
revision never silently drifts from the policy it revises. The revision is illustrative
(示例修订), not a real Kaifeng document.
"""

import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLICIES = HERE.parent.parent / "policies"
for source in sorted(POLICIES.glob("*.kfpl")):
    shutil.copyfile(source, HERE / source.name)
os.chdir(HERE)


def edit(path, pairs):
    s = Path(path).read_text(encoding="utf-8")
    for a, b in pairs:
        assert s.count(a) == 1, (path, a, s.count(a))
        s = s.replace(a, b)
    Path(path).write_text(s, encoding="utf-8")


banner = (
    "# ILLUSTRATIVE REVISION (示例修订): a plausible 2023 revision written for the kfpl review\n"
    "# workflow demo, NOT a real Kaifeng document. See examples/revision-2023/README.md.\n"
)
edit(
    "mfg.kfpl",
    [
        ("  effective 2020 to 2022\n", "  effective 2020 to 2025\n"),
        (
            """  award up to 30% of booth_rental + booth_setup
  cap 30万 per year""",
            """  award up to 30% of booth_rental + booth_setup
  cap 50万 per year""",
        ),
        (
            """  note zh "“单个企业每年最高不超过30万元”为企业年度上限，计入当年已获本项补贴。"
       en "'At most CNY 300,000 per enterprise per year' is a yearly cap per enterprise, counting this measure's awards already paid that year."
  example zh "一般情形" en "ordinary" booth_rental = 30万, booth_setup = 10万 -> 12万
  example zh "恰好达到上限" en "exactly at the cap" booth_rental = 80万, booth_setup = 20万 -> 30万
  example zh "略低于上限" en "just below the cap" booth_rental = 999990, booth_setup = 0 -> 299997
  example zh "略高于上限" en "just above the cap" booth_rental = 80万, booth_setup = 200001 -> 30万
  example zh "年度上限计入已获奖励" en "the yearly cap counts earlier awards" booth_rental = 100万, booth_setup = 0, given mfg-2a paid 20万 in 2020 -> 10万
  example zh "新的年度，重新计算上限" en "a new year, a new cap" in 2021 booth_rental = 100万, booth_setup = 0, given mfg-2a paid 30万 in 2020 -> 30万""",
            """  note zh "“单个企业每年最高不超过50万元”为企业年度上限，计入当年已获本项补贴。（2023年修订：由30万元提高到50万元。）"
       en "'At most CNY 500,000 per enterprise per year' is a yearly cap per enterprise, counting this measure's awards already paid that year. (2023 revision: raised from CNY 300,000 to CNY 500,000.)"
  example zh "一般情形" en "ordinary" booth_rental = 30万, booth_setup = 10万 -> 12万
  example zh "原上限不再起作用" en "the old cap no longer binds" booth_rental = 80万, booth_setup = 20万 -> 30万
  example zh "略低于上限" en "just below the cap" booth_rental = 1666660, booth_setup = 0 -> 499998
  example zh "高于上限" en "above the cap" booth_rental = 150万, booth_setup = 50万 -> 50万
  example zh "年度上限计入已获奖励" en "the yearly cap counts earlier awards" booth_rental = 200万, booth_setup = 0, given mfg-2a paid 20万 in 2020 -> 30万
  example zh "新的年度，重新计算上限" en "a new year, a new cap" in 2021 booth_rental = 200万, booth_setup = 0, given mfg-2a paid 50万 in 2020 -> 50万""",
        ),
        (
            "  requires tech_reform_demo and project_completed and equipment_rd_investment at least 500万\n",
            "  requires tech_reform_demo and project_completed and equipment_rd_investment at least 300万\n",
        ),
        (
            """  note zh "“设备、研发投入500万元以上”含500万元，按设备与研发投入之和计算；补助基数“设备、研发实际投入”为同一金额。"
       en "'Equipment and R&D investment of CNY 5 million or more' includes CNY 5 million and is the sum of equipment and R&D investment; the base 'actual equipment and R&D investment' is the same amount."
  note zh "门槛500万元的25%已达125万元，超过单个项目上限100万元：凡符合条件的项目，上限都起作用，按“以内”报告最高可得100万元。"
       en "25% of the CNY 5 million threshold is already CNY 1.25 million, above the CNY 1 million project cap: for every eligible project the cap binds, so the measure reports the ceiling of CNY 1 million ('up to')."
  note zh "“给予后补助”：项目建成后按实际投入补助，申报时项目须已建成；未建成的不符合条件。"
       en "'A post-completion subsidy' (后补助): paid on the actual investment once the project is completed, so the project must be completed when the claim is made (project_completed); a project not yet completed is not eligible."
  example zh "一般情形：触及上限" en "ordinary: the cap binds" equipment_rd_investment = 800万, project_completed = true, tech_reform_demo = true -> 100万
  example zh "恰好达到门槛" en "exactly at the threshold" equipment_rd_investment = 500万, project_completed = true, tech_reform_demo = true -> 100万
  example zh "略低于门槛" en "just below the threshold" equipment_rd_investment = 4999999, project_completed = true, tech_reform_demo = true -> not eligible""",
            """  note zh "“设备、研发投入300万元以上”含300万元，按设备与研发投入之和计算；补助基数“设备、研发实际投入”为同一金额。（2023年修订：门槛由500万元降至300万元。）"
       en "'Equipment and R&D investment of CNY 3 million or more' includes CNY 3 million and is the sum of equipment and R&D investment; the base 'actual equipment and R&D investment' is the same amount. (2023 revision: threshold lowered from CNY 5 million to CNY 3 million.)"
  note zh "投入在300万元至400万元之间的项目按25%计算，400万元起达到单个项目上限100万元。"
       en "Projects investing CNY 3 million to CNY 4 million are paid 25%; from CNY 4 million the CNY 1 million project cap binds."
  note zh "“给予后补助”：项目建成后按实际投入补助，申报时项目须已建成；未建成的不符合条件。"
       en "'A post-completion subsidy' (后补助): paid on the actual investment once the project is completed, so the project must be completed when the claim is made (project_completed); a project not yet completed is not eligible."
  example zh "一般情形：触及上限" en "ordinary: the cap binds" equipment_rd_investment = 800万, project_completed = true, tech_reform_demo = true -> 100万
  example zh "恰好达到门槛" en "exactly at the threshold" equipment_rd_investment = 300万, project_completed = true, tech_reform_demo = true -> 75万
  example zh "介于门槛与上限之间" en "between the threshold and the cap" equipment_rd_investment = 350万, project_completed = true, tech_reform_demo = true -> 87.5万
  example zh "略低于门槛" en "just below the threshold" equipment_rd_investment = 2999999, project_completed = true, tech_reform_demo = true -> not eligible""",
        ),
    ],
)
s = Path("mfg.kfpl").read_text(encoding="utf-8")
i = s.index("measure mfg-13b")
j = s.index("\nmeasure ", i + 10)
block = """
matters
  matter digital_diagnosis zh "中小企业数字化转型诊断" en "digital-transformation diagnosis"

input diagnosis_fees: money zh "中小企业数字化转型诊断服务费" en "fees for a digital-transformation diagnosis of a small or micro enterprise"

measure mfg-13c
  source mfg 13
  title zh "支持企业上云：中小企业数字化转型诊断" en "Moving to the cloud: digital-transformation diagnosis for small and micro enterprises"
  department 市工业和信息化局
  requires size is small_micro and diagnosis_fees at least 2万
  award up to 50% of diagnosis_fees
  cap 10万 per year
  matter digital_diagnosis
  note zh "2023年修订新增（示例修订）：小微企业购买数字化转型诊断服务，按服务费50%以内补助，每户每年最高10万元。"
       en "Added by the 2023 revision (illustrative): small and micro enterprises buying a digital-transformation diagnosis get up to 50% of the fee, at most CNY 100,000 per enterprise per year."
  example zh "一般情形" en "ordinary" size = small_micro, diagnosis_fees = 6万 -> 3万
  example zh "恰好达到门槛" en "exactly at the threshold" size = small_micro, diagnosis_fees = 2万 -> 1万
  example zh "略低于门槛" en "just below the threshold" size = small_micro, diagnosis_fees = 19999 -> not eligible
  example zh "恰好达到上限" en "exactly at the cap" size = small_micro, diagnosis_fees = 20万 -> 10万
  example zh "规模以上企业不适用" en "above-scale enterprises are not covered" size = above_scale, diagnosis_fees = 6万 -> not eligible
"""
s = banner + s[:j] + "\n" + block + s[j:]
i = s.index("measure mfg-2b\n")
j = s.index("measure mfg-2c\n")
s = s[:i] + s[j:]
Path("mfg.kfpl").write_text(s, encoding="utf-8")

ind = Path("ind.kfpl").read_text(encoding="utf-8")
assert ind.count("  effective 2020 to 2022\n") == 1
ind = banner + ind.replace("  effective 2020 to 2022\n", "  effective 2020 to 2025\n")
Path("ind.kfpl").write_text(ind, encoding="utf-8")

# The central-media advertising input is read by no measure any more.
mfg = Path("mfg.kfpl").read_text(encoding="utf-8")
lines = [
    line
    for line in mfg.splitlines(keepends=True)
    if not line.startswith("input central_media_ad_fees:")
]
Path("mfg.kfpl").write_text("".join(lines), encoding="utf-8")
print("examples/revision-2023: 4 files written from policies/")
