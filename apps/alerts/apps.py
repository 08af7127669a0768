from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    label = "alerts"
    verbose_name = "Alerts and notifications"

    def ready(self) -> None:
        from apps.alerts.gauges import alert_metrics
        from apps.alerts.live import alerts_live_state
        from apps.core.live import live_state_part_register
        from apps.core.metrics import scrape_reader_register

        scrape_reader_register("alerts", alert_metrics)
        live_state_part_register("alerts", alerts_live_state)
