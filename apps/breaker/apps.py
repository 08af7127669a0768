from django.apps import AppConfig


class BreakerConfig(AppConfig):
    name = "apps.breaker"
    label = "breaker"
    verbose_name = "Circuit breaker and emergency liquidation"

    def ready(self) -> None:
        from apps.breaker.bootstrap import breakers_bootstrap
        from apps.core.bootstrap import bootstrap_loader_register

        bootstrap_loader_register("breakers", breakers_bootstrap)

        from apps.breaker.gauges import breaker_metrics
        from apps.core.metrics import scrape_reader_register

        scrape_reader_register("breaker", breaker_metrics)
