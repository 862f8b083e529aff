from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = "用人单位"

    def ready(self):
        from employers.selectors import employer_of
        from portal.audit import labels_register
        from portal.units import unit_lookup_register

        unit_lookup_register(employer_of)
        labels_register(actions={
            "employer.register": "用人单位注册", "employer.update": "修改单位信息", "related_unit.add": "添加关联单位",
            "related_unit.update": "修改关联单位", "related_unit.delete": "删除关联单位",
        })
