from django.apps import AppConfig


class BreakerConfig(AppConfig):
    name = "apps.breaker"
    label = "breaker"
    verbose_name = "Circuit breaker and emergency liquidation"

    def ready(self) -> None:
        from apps.breaker.bootstrap import breakers_bootstrap
        from apps.breaker.gauges import breaker_metrics
        from apps.breaker.live import breakers_live_state
        from apps.core.bootstrap import bootstrap_loader_register
        from apps.core.live import live_state_part_register
        from apps.core.metrics import scrape_reader_register

        bootstrap_loader_register("breakers", breakers_bootstrap)
        live_state_part_register("breakers", breakers_live_state)
        scrape_reader_register("breaker", breaker_metrics)
