"""The unit page's lists, in the manuals' words."""

from django.db import models


class UnitNature(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    GOVERNMENT = "government", "机关"
    INSTITUTION = "institution", "事业单位"
    SOCIAL_GROUP = "social_group", "社会团体"
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", "民办非企业单位"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    OTHER = "other", "其他"


class EconomicNature(models.TextChoices):
    STATE_OWNED = "state_owned", "国有全资"
    COLLECTIVE = "collective", "集体全资"
    JOINT_STOCK_COOPERATIVE = "joint_stock_coop", "股份合作"
    JOINT_VENTURE = "joint_venture", "联营"
    LIMITED_LIABILITY = "limited_liability", "有限责任(公司)"
    JOINT_STOCK = "joint_stock", "股份有限(公司)"
    PRIVATE = "private", "私有"
    HK_MACAU_TAIWAN = "hmt", "港澳台投资"
    FOREIGN = "foreign", "外商投资"
    OTHER = "other", "其他"


class Industry(models.TextChoices):
    """GB/T 4754 门类."""

    A = "A", "农、林、牧、渔业"
    B = "B", "采矿业"
    C = "C", "制造业"
    D = "D", "电力、热力、燃气及水生产和供应业"
    E = "E", "建筑业"
    F = "F", "批发和零售业"
    G = "G", "交通运输、仓储和邮政业"
    H = "H", "住宿和餐饮业"
    I = "I", "信息传输、软件和信息技术服务业"  # noqa: E741
    J = "J", "金融业"
    K = "K", "房地产业"
    L = "L", "租赁和商务服务业"
    M = "M", "科学研究和技术服务业"
    N = "N", "水利、环境和公共设施管理业"
    O = "O", "居民服务、修理和其他服务业"  # noqa: E741
    P = "P", "教育"
    Q = "Q", "卫生和社会工作"
    R = "R", "文化、体育和娱乐业"
    S = "S", "公共管理、社会保障和社会组织"
    T = "T", "国际组织"


class EconomicType(models.TextChoices):
    """经济类型 on the union platform (退休住院计划)."""

    STATE = "state", "国有经济"
    COLLECTIVE = "collective", "集体经济"
    PRIVATE = "private", "私营经济"
    HMT = "hmt", "港澳台经济"
    FOREIGN = "foreign", "外商经济"
    GOVERNMENT = "government", "机关事业"
    OTHER = "other", "其他"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAU_PERMIT = "hk_macau_permit", "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "taiwan_permit", "台湾居民来往大陆通行证"


class Relation(models.TextChoices):
    PARENT_CHILD = "parent_child", "上下级"
    OTHER = "other", "其他关联单位"
    DISPATCH = "dispatch", "劳务派遣单位"
