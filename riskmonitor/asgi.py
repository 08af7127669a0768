"""ASGI entry point (daphne): HTTP through Django, WebSocket through Channels with origin
validation and authentication."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskmonitor.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from apps.core.ws_auth import auth_stack  # noqa: E402
from apps.core.ws_transport import TransportProbeMiddleware  # noqa: E402
from apps.dashboard.routing import websocket_urlpatterns  # noqa: E402
from riskmonitor.conf import load_config_or_exit  # noqa: E402

load_config_or_exit()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The probe first: Channels' session middleware wraps ``send`` and hides daphne's.
        "websocket": TransportProbeMiddleware(
            AllowedHostsOriginValidator(auth_stack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
