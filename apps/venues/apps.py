from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "apps.venues"
    label = "venues"
    verbose_name = "Venues and data sources"

    def ready(self) -> None:
        from apps.core.bootstrap import bootstrap_loader_register
        from apps.venues.bootstrap import venues_bootstrap

        bootstrap_loader_register("venues", venues_bootstrap)

        from apps.core.metrics import scrape_reader_register
        from apps.venues.gauges import venue_metrics

        scrape_reader_register("venues", venue_metrics)
