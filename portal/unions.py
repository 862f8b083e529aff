"""所属区局工会: the district and industry unions of Shanghai that the retiree plan's units belong to.

A unit's 所属区局工会 (employers.Employer.union_district) decides which union staff see it, the
way a region decides it for federation and tax staff: a union staff member (portal.User with the
union role) belongs to one 区局工会 and sees the units of that union only (portal.scoping). The
values are a fixed list so that a unit and a staff member can only name the same union the same
way (free text would let "徐汇区工会" and "徐汇区总工会" drift apart)."""

from django.db import models


class UnionDistrict(models.TextChoices):
    HUANGPU = "黄浦区总工会", "黄浦区总工会"
    XUHUI = "徐汇区总工会", "徐汇区总工会"
    CHANGNING = "长宁区总工会", "长宁区总工会"
    JINGAN = "静安区总工会", "静安区总工会"
    PUTUO = "普陀区总工会", "普陀区总工会"
    HONGKOU = "虹口区总工会", "虹口区总工会"
    YANGPU = "杨浦区总工会", "杨浦区总工会"
    MINHANG = "闵行区总工会", "闵行区总工会"
    BAOSHAN = "宝山区总工会", "宝山区总工会"
    JIADING = "嘉定区总工会", "嘉定区总工会"
    PUDONG = "浦东新区总工会", "浦东新区总工会"
    JINSHAN = "金山区总工会", "金山区总工会"
    SONGJIANG = "松江区总工会", "松江区总工会"
    QINGPU = "青浦区总工会", "青浦区总工会"
    FENGXIAN = "奉贤区总工会", "奉贤区总工会"
    CHONGMING = "崇明区总工会", "崇明区总工会"
    # 局（产业）工会: the manual's 单位信息维护 shows 所属区局 "轻工工会"
    LIGHT_INDUSTRY = "轻工工会", "轻工工会"
