from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    label = "alerts"
    verbose_name = "Alerts and notifications"

    def ready(self) -> None:
        from apps.alerts.live import alerts_live_state
        from apps.core.live import live_state_part_register

        live_state_part_register("alerts", alerts_live_state)
