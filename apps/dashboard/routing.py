from django.urls import path

from apps.dashboard.consumers import RiskUpdatesConsumer

websocket_urlpatterns = [path("ws/risk-updates", RiskUpdatesConsumer.as_asgi())]
