"""`manage.py verify_draw FILE`: check a published draw record by re-running the draw.

Prints each check (the seed against its commitment, each input list against its hash, the result
against its hash and against a re-run) in Chinese and English, and exits with status 1 on any
mismatch. Needs no database: it runs engine.verify_file on the file alone.
"""

from django.core.management.base import BaseCommand, CommandError

from supervision.sampling import engine

LABELS = {
    "format": "记录格式 record format",
    "commitment": "种子承诺 commitment matches the seed",
    "input:candidates": "检查对象名单 candidate list hash",
    "input:inspectors": "检查人员名单 inspector list hash",
    "input:conflicts": "回避关系 conflict list hash",
    "input:rules": "抽取规则 rules hash",
    "result_hash": "结果摘要 result hash",
    "result": "重新抽取 re-run gives the published result",
}


class Command(BaseCommand):
    help = "Verify a published spot-check draw record (the JSON file from the public page)."
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="the draw record file (draw-N-record.json)")

    def handle(self, *args, file, **options):
        try:
            report = engine.verify_file(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"无法读取记录 cannot read the record: {error}") from None
        for check in report.checks:
            mark = self.style.SUCCESS("通过 OK  ") if check.ok else self.style.ERROR("不符 FAIL")
            self.stdout.write(f"{mark} {LABELS.get(check.name, check.name)}: {check.detail}")
        if not report.ok:
            reasons = "; ".join(f"{LABELS.get(c.name, c.name)}: {c.detail}" for c in report.failures)
            raise CommandError(f"核验未通过 NOT verified — {reasons}")
        self.stdout.write(self.style.SUCCESS("核验通过 Verified: the draw is exactly as published."))
