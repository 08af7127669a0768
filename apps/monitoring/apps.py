from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "apps.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring cycle"

    def ready(self) -> None:
        from apps.core.live import live_state_part_register
        from apps.monitoring.publish import snapshots_live_state

        live_state_part_register("snapshots", snapshots_live_state)
