from django.apps import AppConfig


class BreakerConfig(AppConfig):
    name = "apps.breaker"
    label = "breaker"
    verbose_name = "Circuit breaker and emergency liquidation"
