from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from apps.audit.checks import check_sqlite_immediate_transactions

        # Reads settings only, so it runs with every command, not just database checks.
        checks.register(check_sqlite_immediate_transactions)
