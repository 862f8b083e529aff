from django.apps import AppConfig


class LevyConfig(AppConfig):
    name = "levy"
    verbose_name = "残保金"

    def ready(self):
        from levy import health, uploads  # noqa: F401  (the policy check on the health page; upload kinds)
        from levy.models import FilingWindow, PolicyRule
        from portal import reference

        reference.watch("policy_rule", PolicyRule)
        reference.watch("filing_window", FilingWindow)
        from levy.choices import AssessmentStatus, PaymentStatus, PayoutStatus, ReliefStatus, RewardStatus
        from levy.models import (
            CertifiedFigures,
            LevyAssessment,
            LevyPayment,
            Objection,
            OverRatioReward,
            ReliefApplication,
            RewardPayout,
        )
        from portal.audit import labels_register
        from portal.reviewable import ReviewState

        labels_register(states={CertifiedFigures: CertifiedFigures.Status, LevyAssessment: AssessmentStatus,
                                LevyPayment: PaymentStatus, Objection: ReviewState, OverRatioReward: RewardStatus,
                                RewardPayout: PayoutStatus, ReliefApplication: ReliefStatus}, actions={
            "levy_assessment.create": "开始办理残保金征缴", "levy_assessment.notice_agree": "已阅读并同意办理须知",
            "levy_assessment.registry_fetch": "获取社保征缴基数", "levy_assessment.declare": "填报工资总额和职工人数",
            "levy_assessment.reward_choice": "选择是否申请超比例奖励", "levy_objection.submit": "申请异议",
            "levy_objection.review": "异议审核", "levy_payment.create": "发起缴费",
            "levy.assessments_export": "导出残保金征缴", "levy_assessment.recompute": "重新核定",
            "levy.certified_figures_record": "记录认证数据", "levy.certified_figures_cancel": "撤销认证数据",
            "levy.certified_results_export": "导出认定结果", "levy.policy_change": "修改政策参数",
            "levy_reward.create": "提交超比例奖励申请", "levy_reward.verified": "奖励标准已核实",
            "levy_payout.create": "奖励发放已提交银行", "levy_relief.create": "申请缓减免",
        })
