"""The tax console's levy lists (issue 16): the same console filters as every list (地区 by 税务主管
部门, 征收年份, 单位, the search box), plus 办理状态, 核定类型 and 逾期."""

import django_filters

from levy.choices import AssessmentStatus, Outcome, PaymentStatus, ReliefStatus, RewardMode, RewardStatus
from placement.filters import ConsoleFilter, StatusMixin, _status
from portal.drf import SinceFilter
from portal.reviewable import ReviewState


class AssessmentFilter(StatusMixin, ConsoleFilter):
    year_path, region_field = "collection_year", "tax_region"
    status = _status(AssessmentStatus.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label="核定类型")
    year = django_filters.NumberFilter(method="by_year", label="征收年份", min_value=2000, max_value=2100,
                                       error_messages={"invalid": "year 应为四位年份"})
    updated_since = SinceFilter(field_name="updated_at", lookup_expr="gte", label="更新时间不早于",
                                                     error_messages={"invalid": "updated_since 应为 ISO 8601 时间"})


class ObjectionFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, region_field = "assessment__employer", "assessment__collection_year", "tax_region"
    status_field = "review_state"
    status = _status([(s.value, s.label) for s in (ReviewState.PENDING, ReviewState.APPROVED, ReviewState.REJECTED)])


class PaymentFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, region_field = "assessment__employer", "assessment__collection_year", "tax_region"
    status = _status(PaymentStatus.choices)


class RewardFilter(StatusMixin, ConsoleFilter):
    """超比例奖励审核: by 残联主管部门, 业务年度, 状态 (待初审 / 待复审 first) and 申请方式."""

    year_path, region_field = "data_year", "fed_region"
    status = _status(RewardStatus.choices)
    mode = django_filters.ChoiceFilter(choices=RewardMode.choices, label="申请方式")


class ReliefFilter(StatusMixin, ConsoleFilter):
    employer_path, year_path, region_field = "assessment__employer", "assessment__collection_year", "tax_region"
    status = _status(ReliefStatus.choices)
