from django.apps import AppConfig
from django.core import checks


class MarketdataConfig(AppConfig):
    name = "apps.marketdata"
    label = "marketdata"
    verbose_name = "Market data"

    def ready(self) -> None:
        from apps.marketdata.checks import check_market_data_key_used

        checks.register(check_market_data_key_used)
