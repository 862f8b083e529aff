"""The policy table's first rows: DOMAIN.md's values with `reference/domain-rules.md`'s sources.

Loaded by the data migration (0002) and by tests that flush the database. `verified=True` means
the research found the figure in a cited official text or reprint (its confidence H or M);
`verified=False` marks an assumption or a sample the research could not confirm, which the pages
label "未核实样例" until an administrator checks it against the original and ticks 已核实.

Databases already migrated keep their rows (administrators edit them in the admin): a correction
to these lists for existing installations needs a new data migration, not just an edit here.
"""

import datetime

from levy.rules.policy import NATIONAL, looks_verified
from portal import reference

S_72 = "财税〔2015〕72号《残疾人就业保障金征收使用管理办法》第八条（重庆市残联转载 https://www.cqdpf.org.cn/web/article/1385734950387404800/web/content_1385734950387404800.html）"
S_TIAOLI = "《残疾人就业条例》（国务院令第488号）第八条；" + S_72
S_98 = "财政部公告2019年第98号（楚雄州财政局转载 https://czj.cxz.gov.cn/info/egovinfo/1001/overt_centent/1153230001516741X8-/2020-0929003.htm）"
S_2023_8 = "财政部公告2023年第8号，执行至2027-12-31（转载 https://chinagovernance.com/compare/12684132）"
S_2017 = "财税〔2017〕18号（文号凭记忆，内容见 http://caijing.mnw.cn/top/1634022.html）"
S_LATE = (
    "《残疾人就业条例》第二十七条；财税〔2015〕72号第二十六条“按日加收5‰的滞纳金”"
    "（转载 https://m.caishuijiaonang.com/rdwt/detail-0000000002015091700008.html）；"
    "上限：《行政强制法》第四十五条（http://crsrw.com/dianzishuiwu/124490.html）"
)
S_IM_WAGE_2021 = "内蒙古自治区月最低工资标准（2021-12-01起，转载 http://www.hbzqbyyxgs.com/news/621065.html）"
S_IM_WAGE_2024 = "内蒙古自治区月最低工资标准（2024-12-01起，https://m.163.com/dy/article/JH3TP0HF00019K82.html）"
S_IM_REWARD = (
    "《内蒙古自治区超比例安排残疾人就业奖励办法（试行）》2025-01-01起（https://yaliqi.com/new/666009607319063552；"
    "内蒙古残联问答 http://iqianshou.net/zcbj/cbjv3/policyDetail?newsId=eb4d064597804c2ab6b9518e6531c7e0）；"
    "此前盟市规则公式相同（西乌旗2023 https://www.xwq.gov.cn/xwzmqq/zwgk/zfxxgkzl/fdzdgknr/zdlyxxgk/shjz/2023052815032849849/index.html）"
)
S_SH_REWARD = "沪残工委〔2014〕3号（第三方摘要 https://www.qixiaomou.com/cbjzc/221.html）：比例需超过1.5%；每人奖励金额原文未查到"
S_SAMPLE = "样例值：研究未找到公布数据，请按当地统计部门公布的全口径城镇单位就业人员平均工资核实后修改"
S_MIN_SAMPLE = "样例值（凭记忆录入，研究报告未给出），请按当地人社部门公告核实"
S_CLASS_SAMPLE = "样例：按市整体取一类，下辖县（旗）可能属于其他类别，请按当地最低工资文件核实"

RATIO_ROWS = [
    # (region, ratio, first collection year, instrument and where the research read it)
    ("110000", "0.015", 2020, "京财税〔2019〕1333号（https://m.kjjl100.com/answer/290662.html）"),
    ("310000", "0.015", 2020, "沪财发〔2020〕9号，有效期延至2030-12-31（上海市财政局，经第三方数据集）"),
    ("120000", "0.015", 2021, "津财规〔2021〕15号（此前津财综〔2020〕10号；https://tianjin.chinatax.gov.cn/11255000000/0100/010003/20250924085032118.shtml）"),
    ("440000", "0.015", 2017, "粤财社〔2017〕51号（https://guangdong.chinatax.gov.cn/gdsw/gzsw_cjrjybzj/2018-07/06/content_f3d584a796bd4f778b2a2a458f707748.shtml）"),
    ("330000", "0.015", 2017, "浙财社〔2017〕26号，2017-05-02起（https://zhejiang.chinatax.gov.cn/art/2017/4/20/art_8410_12284.html）"),
    ("210000", "0.015", 2017, "辽财非〔2016〕415号（https://czt.ln.gov.cn/czt/zfxxgk/zc/xzgfxwj/2024070812165444350/index.shtml）"),
    ("150000", "0.015", 2018, "内财非税规〔2018〕9号（https://www.xlgl.gov.cn/xlgl/zw/zwgk/rdhy/2023061917314048259/index.html）"),
    ("320000", "0.015", 2017, "苏财综〔2017〕2号（https://jiangsu.chinatax.gov.cn/art/2021/6/11/art_8774_348913.html）"),
    ("410000", "0.016", 2021, "豫发改价调〔2020〕1038号，减半档为1%至1.6%（https://fgw.henan.gov.cn/2021/01-05/2072521.html）"),
    ("510000", "0.016", 2021, "川财规〔2021〕5号（2026年延续）"),
]

WEIGHT_RULE = {
    "severe_disability_grades": [1, 2],
    "severe_military_grades": [1, 2, 3],
    "counted_military_grades": [1, 2, 3, 4, 5, 6, 7, 8],
    "severe_weight": 2,
    "weight": 1,
}
TIERS = [
    {"code": "tier_50", "min_ratio": "0.01", "pay_factor": "0.5"},
    {"code": "tier_90", "min_ratio": "0", "pay_factor": "0.9"},
]


def _rule(region, name, first, last, value, source, verified=True, note=""):
    # a recollection, a sample or a third-party summary is never 已核实 (issue 15)
    return {"region_code": region, "name": name, "first_year": first, "last_year": last, "value": value,
            "source": source, "verified": verified and looks_verified(source), "note": note}


RULES = [
    _rule(NATIONAL, "ratio", 2008, None, "0.015", S_TIAOLI),
    *[_rule(region, "ratio", first, None, ratio, source) for region, ratio, first, source in RATIO_ROWS],
    _rule(NATIONAL, "weight_rule", 2016, None, WEIGHT_RULE, S_72),
    _rule(NATIONAL, "headcount_rounding", 2016, None, "half_up",
          "“12个月人数相加除以12，结果须为整数”（京财税〔2019〕1333号问答 https://m.kjjl100.com/answer/290662.html）",
          verified=False, note="取整方式原文未规定：四舍五入是本平台的假设（domain-rules.md §1.3），各地可另设"),
    _rule(NATIONAL, "wage_cap_multiplier", 2017, 2017, "3", S_2017 + "：征收标准上限为社平的3倍，2017-04-01起"),
    _rule(NATIONAL, "wage_cap_multiplier", 2018, None, "2",
          "财税〔2018〕39号（文号凭记忆，2018-04-01起降为2倍，http://www.qmzswed91.com/HuiMinZhengCe/714015.html）；" + S_98),
    _rule(NATIONAL, "relief", 2017, 2019,
          {"tiers": [], "exempt_max_headcount": 30, "exempt_unit_kinds": ["enterprise"]},
          S_2017 + "：在职职工总数30人（含）以下的企业暂免征收"),
    _rule(NATIONAL, "relief", 2020, 2022,
          {"tiers": TIERS, "exempt_max_headcount": 30, "exempt_unit_kinds": ["enterprise"]}, S_98),
    _rule(NATIONAL, "relief", 2023, 2027,
          {"tiers": TIERS, "exempt_max_headcount": 30, "exempt_unit_kinds": ["enterprise"]}, S_2023_8,
          note="2028年起是否延续未定（domain-rules.md §10.7）；农民专业合作社（93）是否属“企业”未定，按企业处理"),
    _rule(NATIONAL, "late_fee", 2016, None, {"daily_rate": "0.005", "start": "day_after_deadline", "cap": "principal"},
          S_LATE, note="“欠缴之日”按缴费期限届满的次日计算（假设）"),
    _rule("150000", "over_ratio_reward", 2024, None,
          {"ratio": "0.015", "required_rounding": "ceil", "excess_rounding": "floor", "min_excess": "1",
           "base": "minimum_wage", "base_amount": None, "base_date": "12-31", "multiplier": "5",
           "local_hukou_only": True, "excludes_budget_funded": True},
          S_IM_REWARD,
          note="数据年度2023起；应安排人数向上取整、超比例人数向下取整、以数据年度12-31执行的最低工资为基数，"
               "与样例9900一致，原文未见（domain-rules.md §3.1 OPEN）"),
    _rule("310000", "over_ratio_reward", 2021, None,
          {"ratio": "0.015", "required_rounding": "exact", "excess_rounding": "exact", "min_excess": "0",
           "base": "fixed", "base_amount": "5000.00", "base_date": "12-31", "multiplier": "1",
           "local_hukou_only": False, "excludes_budget_funded": False},
          S_SH_REWARD, verified=False, note="每人5000元是样例值，页面显示为“估算”，待管理员按原文核实"),
]

S_SH_METHOD = (
    "上海“一网通办”残保金征缴“一件事”操作手册（征缴基数、上年度在职职工平均人数取自社保登记，单位确认或申请异议）；"
    "沪财发〔2020〕9号“征缴基数=用人单位上年度社会保险费缴费基数之和”（第三方数据集摘要，domain-rules.md §4）"
)
S_DECLARED = "《残疾人就业保障金缴费申报表》（财税〔2015〕72号附件，税务机关征收；申报表列次见 https://m.31doc.com/p-10356699.html）"
METHOD_RULES = [
    _rule(NATIONAL, "assessment_method", 2016, None, "declared", S_DECLARED),
    _rule("310000", "assessment_method", 2021, None, "registry", S_SH_METHOD, verified=False,
          note="沪财发〔2020〕9号原文未见：按社保缴费基数核定是第三方摘要，2倍封顶按人按月计算是本平台的假设"),
]
RULES += METHOD_RULES

S_HARDSHIP = ("《残疾人就业保障金征收使用管理办法》（财税〔2015〕72号）第二十条：用人单位遇不可抗力自然灾害或其他突发事件"
              "遭受重大直接经济损失，可以申请减免或者缓缴保障金；减免数额不得超过1年的保障金应缴额，缓缴期限不得超过6个月")
HARDSHIP_RULES = [
    _rule(NATIONAL, "hardship_relief", 2016, None,
          {"max_reduction_years": "1", "max_deferral_months": 6, "second_officer_above": "50000.00"}, S_HARDSHIP,
          verified=False,
          note="减免上限与缓缴期限按DOMAIN.md §1（未核实）；“超过5万元须第二名税务人员复核”是本平台的样例阈值，待管理员核实"),
]
RULES += HARDSHIP_RULES

SOCIAL_AVERAGE_WAGES = [
    {"region_code": "310000", "data_year": year, "amount": "147684.00", "source": S_SAMPLE, "verified": False,
     "note": "domain-rules.md 例E10的假设值"}
    for year in (2024, 2025)
]


def _wage(region, area_class, day, amount, source, verified):
    return {"region_code": region, "area_class": area_class, "effective_from": day, "amount": amount,
            "source": source, "verified": verified}


D = datetime.date
MINIMUM_WAGES = [
    *[_wage("150000", c, D(2021, 12, 1), a, S_IM_WAGE_2021, True) for c, a in ((1, "1980"), (2, "1910"), (3, "1850"))],
    *[_wage("150000", c, D(2024, 12, 1), a, S_IM_WAGE_2024, True) for c, a in ((1, "2270"), (2, "2200"), (3, "2140"))],
    _wage("310000", 0, D(2021, 7, 1), "2590", S_MIN_SAMPLE, False),
    _wage("310000", 0, D(2023, 7, 1), "2690", "上海市月最低工资标准（domain-rules.md §3.2）", True),
    _wage("310000", 0, D(2025, 7, 1), "2740", "上海市月最低工资标准（domain-rules.md §3.2）", True),
    _wage("110000", 0, D(2023, 9, 1), "2420", S_MIN_SAMPLE, False),
    _wage("110000", 0, D(2025, 9, 1), "2540", S_MIN_SAMPLE, False),
    _wage("120000", 0, D(2022, 12, 1), "2320", S_MIN_SAMPLE, False),
    *[_wage("440000", c, D(2021, 12, 1), a, S_MIN_SAMPLE, False)
      for c, a in ((1, "2300"), (2, "1900"), (3, "1720"), (4, "1620"))],
    _wage("440300", 0, D(2022, 7, 1), "2360", S_MIN_SAMPLE, False),
    *[_wage("330000", c, D(2021, 8, 1), a, S_MIN_SAMPLE, False) for c, a in ((1, "2280"), (2, "2070"), (3, "1840"))],
    *[_wage("320000", c, D(2022, 10, 1), a, S_MIN_SAMPLE, False) for c, a in ((1, "2280"), (2, "2070"), (3, "1840"))],
    *[_wage("210000", c, D(2021, 12, 1), a, S_MIN_SAMPLE, False)
      for c, a in ((1, "1910"), (2, "1710"), (3, "1580"), (4, "1420"))],
    *[_wage("410000", c, D(2022, 1, 1), a, S_MIN_SAMPLE, False) for c, a in ((1, "2100"), (2, "2000"), (3, "1800"))],
    *[_wage("510000", c, D(2022, 4, 1), a, S_MIN_SAMPLE, False) for c, a in ((1, "2100"), (2, "1970"), (3, "1870"))],
]

AREA_CLASSES = [
    *[{"region_code": code, "area_class": 1, "effective_from": D(2021, 12, 1), "verified": False,
       "source": "样例：呼和浩特市市辖区按一类地区录入，请按内蒙古最低工资文件的地区划分核实"}
      for code in ("150102", "150103", "150104", "150105")],
    *[{"region_code": code, "area_class": 1, "effective_from": D(2021, 1, 1), "verified": False,
       "source": S_CLASS_SAMPLE}
      for code in ("440100", "330100", "320100", "320500", "210100", "210200", "410100", "510100")],
]

S_WINDOWS = "domain-rules.md §1.11（各地2026年通知，经第三方数据集）"
FILING_WINDOWS = [
    {"region_code": NATIONAL, "kind": "certification", "first_year": 2020, "last_year": None,
     "opens": "03-01", "closes": "10-31", "source": "全国按比例就业情况联网认证通常3月1日至10月31日；" + S_WINDOWS,
     "verified": True},
    {"region_code": "310000", "kind": "certification", "first_year": 2026, "last_year": 2026,
     "opens": "03-16", "closes": "10-31", "source": "上海2026年联网认证（11-01 00:00关闭）；" + S_WINDOWS, "verified": True},
    {"region_code": "110000", "kind": "payment", "first_year": 2025, "last_year": None,
     "opens": "08-01", "closes": "09-30", "source": "北京缴费期8月1日至9月30日（https://huixinjob.com/article/449.html）",
     "verified": True},
    {"region_code": "120000", "kind": "payment", "first_year": 2025, "last_year": 2025,
     "opens": "09-25", "closes": "10-31", "source": "天津2025年缴费期；" + S_WINDOWS, "verified": True},
    {"region_code": "330000", "kind": "payment", "first_year": 2020, "last_year": None,
     "opens": "09-01", "closes": "09-30", "source": "浙江自2020年起9月征期缴纳；具体日期为样例，" + S_WINDOWS,
     "verified": False},
    *[
        # payment windows (缴费期): the payment deadline of an assessment is the closing day; the late fee
        # accrues from the day after (DOMAIN.md §1)
        {"region_code": NATIONAL, "kind": "payment", "first_year": 2020, "last_year": None,
         "opens": "08-01", "closes": "11-30", "verified": False,
         "source": "全国默认（样例）：多数省份在11月30日前缴清，如山东8月1日至11月30日（鲁财税〔2026〕8号）、河北11月30日前；"
                   + S_WINDOWS,
         "note": "国家层面没有统一缴费期：本行是没有本省记录时的默认值，请各地按当年通知补充"},
        {"region_code": "310000", "kind": "payment", "first_year": 2026, "last_year": None,
         "opens": "08-19", "closes": "11-30", "verified": False,
         "source": "上海2025年度残保金缴费自2026-08-19开始（国家税务总局上海市税务局指南，经第三方数据集 "
                   "https://shanghai.chinatax.gov.cn/xwdt/ztzl/zcgll/cjrbzj/jfzy/202608/t481322.html）；" + S_WINDOWS,
         "note": "开始日期有出处；截止日期原文未见，按多数省份的11月30日暂定，待核实"},
        {"region_code": "150000", "kind": "payment", "first_year": 2020, "last_year": None,
         "opens": "07-01", "closes": "12-31", "verified": False,
         "source": "样例值：研究未找到内蒙古自治区残保金缴费期的公布文件（domain-rules.md §1.11 未列），"
                   "请按国家税务总局内蒙古自治区税务局当年通知核实后修改",
         "note": "样例：按征收年度内缴清录入"},
    ],
]

SEED = {
    "PolicyRule": (RULES, ("region_code", "name", "first_year")),
    "SocialAverageWage": (SOCIAL_AVERAGE_WAGES, ("region_code", "data_year")),
    "MinimumWage": (MINIMUM_WAGES, ("region_code", "area_class", "effective_from")),
    "AreaClass": (AREA_CLASSES, ("region_code", "effective_from")),
    "FilingWindow": (FILING_WINDOWS, ("region_code", "kind", "first_year")),
}


def seed_policy(get_model) -> int:
    """Insert the seed rows that are missing (idempotent; rows an administrator edited stay as
    they are). `get_model` is a migration's `apps.get_model` or `django.apps.apps.get_model`."""
    created = 0
    for model_name, (rows, keys) in SEED.items():
        model = get_model("levy", model_name)
        for row in rows:
            lookup = {k: row[k] for k in keys}
            defaults = {k: v for k, v in row.items() if k not in keys}
            created += model.objects.get_or_create(**lookup, defaults=defaults)[1]
    if created:
        # a migration's historical models send no signals the cache listens to
        for table in ("policy_rule", "filing_window"):
            reference.changed(table)
    return created
