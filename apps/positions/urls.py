from django.urls import URLPattern

urlpatterns: list[URLPattern] = []  # read over the risk and positions APIs, not here yet
