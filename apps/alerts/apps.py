from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    label = "alerts"
    verbose_name = "Alerts and notifications"

    def ready(self) -> None:
        from apps.alerts.gauges import alert_metrics
        from apps.core.metrics import scrape_reader_register

        scrape_reader_register("alerts", alert_metrics)
