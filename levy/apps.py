from django.apps import AppConfig


class LevyConfig(AppConfig):
    name = "levy"
    verbose_name = "残保金"

    def ready(self):
        from levy import health  # noqa: F401  (registers the policy check on the health page)
        from levy.models import CertifiedFigures
        from portal.audit import labels_register

        labels_register(states={CertifiedFigures: CertifiedFigures.Status}, actions={
            "levy.certified_figures_record": "记录认证数据", "levy.certified_figures_cancel": "撤销认证数据",
            "levy.certified_results_export": "导出认定结果", "levy.policy_change": "修改政策参数",
        })
