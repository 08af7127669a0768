from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "apps.limits"
    label = "limits"
    verbose_name = "Limits and four-eyes changes"

    def ready(self) -> None:
        from apps.core.bootstrap import bootstrap_loader_register
        from apps.limits.bootstrap import limits_bootstrap

        bootstrap_loader_register("limits", limits_bootstrap)
