"""The dashboard's pages: the live dashboard itself, the landing redirect of ``/`` and the
session login. The figures come from the REST API and the WebSocket; these views only render
the page's shell and settings (docs/dashboard.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import ensure_csrf_cookie

from apps.dashboard.selectors.page import dashboard_enabled, may_view, page_settings
from apps.positions.models import Portfolio
from apps.risk.selectors.snapshots import PortfolioNotFound, portfolio_resolve


def home(request: HttpRequest) -> HttpResponse:
    """Readers of risk land on the dashboard, anyone else on the back office; a visitor
    without a session logs in first."""
    if not dashboard_enabled():
        return HttpResponseRedirect(reverse("admin:index"))
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('dashboard-login')}?next={reverse('dashboard')}")
    target = "dashboard" if may_view(request.user) else "admin:index"
    return HttpResponseRedirect(reverse(target))


@login_required
@ensure_csrf_cookie
def dashboard(request: HttpRequest) -> HttpResponse:
    if not dashboard_enabled():
        raise Http404("the dashboard is turned off (DASHBOARD_ENABLED)")
    if not may_view(request.user):
        raise PermissionDenied("viewing the dashboard needs core.view_risk")
    portfolio = _portfolio(request.GET.get("portfolio"))
    settings = page_settings(user=request.user, portfolio=portfolio)
    return render(request, "dashboard/dashboard.html", {"page": settings})


def _portfolio(name: str | None) -> Portfolio | None:
    """None before the first bootstrap; an unknown name is a 404."""
    try:
        return portfolio_resolve(name or None)
    except PortfolioNotFound as error:
        if name:
            raise Http404(str(error)) from error
        return None


class DashboardLoginView(LoginView):
    template_name = "dashboard/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not dashboard_enabled():
            raise Http404("the dashboard is turned off (DASHBOARD_ENABLED)")
        return super().dispatch(request, *args, **kwargs)
