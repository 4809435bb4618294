"""Seed the check-item list (抽查事项清单) for elderly-care institutions.

Titles, bases, methods and frequencies are data (Chinese, as the list is published); a locality
edits them in the admin. Bases follow DOMAIN.md §2–§4; items whose article could not be verified
cite the instrument only.
"""

from django.db import migrations

ITEMS = [
    # code, title, lead department kind, legal basis, method, frequency, specialty
    (
        "fire-safety", "消防安全检查", "fire_rescue",
        "《中华人民共和国消防法》；《养老机构管理办法》；《养老机构重大事故隐患判定标准》（2023）；"
        "GB 38600-2019《养老机构服务安全基本规范》",
        "现场检查消防设施、疏散通道、电气线路和燃气设施，查阅消防检查和演练记录",
        "按信用风险分类确定抽查比例，每年至少一次", "fire",
    ),
    (
        "food-safety", "食品安全检查", "market_regulation",
        "《中华人民共和国食品安全法》；《养老机构管理办法》；《养老机构重大事故隐患判定标准》（2023）",
        "现场检查食堂、食品贮存和留样，查验食品经营许可证和从业人员健康证明",
        "按信用风险分类确定抽查比例，每年至少一次", "food",
    ),
    (
        "service-safety", "服务安全检查（GB 38600）", "civil_affairs",
        "GB 38600-2019《养老机构服务安全基本规范》；《养老机构管理办法》；《养老机构行政检查办法》",
        "现场检查入院评估、防噎食等“九防”措施、巡查交接班记录和应急预案演练，抽查护理员培训记录",
        "按信用风险分类确定抽查比例，每年至少一次", None,
    ),
    (
        "medical-services", "医疗卫生服务检查", "health",
        "《医疗机构管理条例》；《养老机构管理办法》；《养老机构重大事故隐患判定标准》（2023）",
        "查验内设医疗机构执业许可或备案，现场检查药品管理和感染防控",
        "按信用风险分类确定抽查比例", "medical",
    ),
    (
        "building-safety", "建筑安全检查", "housing",
        "《城市危险房屋管理规定》；《养老机构重大事故隐患判定标准》（2023）；"
        "GB 38600-2019《养老机构服务安全基本规范》",
        "查阅房屋安全鉴定报告，现场检查房屋结构、彩钢板建筑和燃气使用",
        "按信用风险分类确定抽查比例", "building",
    ),
    (
        "fees-and-funds", "收费和资金管理检查", "civil_affairs",
        "《养老机构管理办法》；《国务院办公厅关于建立健全养老服务综合监管制度促进养老服务高质量发展的意见》"
        "（国办发〔2020〕48号）",
        "查阅收费公示、服务合同、押金（预收费）和补贴资金账目",
        "按信用风险分类确定抽查比例，每年至少一次", None,
    ),
]


def seed(apps, schema_editor):
    CheckItem = apps.get_model("sampling", "CheckItem")
    Specialty = apps.get_model("staff", "Specialty")
    for code, title, kind, basis, method, frequency, specialty in ITEMS:
        CheckItem.objects.update_or_create(
            code=code,
            defaults=dict(
                title=title, lead_department_kind=kind, legal_basis=basis, method=method, frequency=frequency,
                specialty=Specialty.objects.filter(code=specialty).first() if specialty else None,
            ),
        )


def unseed(apps, schema_editor):
    apps.get_model("sampling", "CheckItem").objects.filter(code__in=[item[0] for item in ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sampling", "0001_initial"),
        ("staff", "0002_roles_and_specialties"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
