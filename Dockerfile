# Risk Monitor image: one image, several processes (web, worker, beat, grpc, simulators), chosen
# by the command (see docker-compose.yml and the Procfile).
FROM python:3.13-slim AS builder
ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3.13

FROM python:3.13-slim
ENV PATH="/app/.venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=riskmonitor.settings \
    RISK_MONITOR_PORT=8080 \
    RISK_MONITOR_GRPC_PORT=50055
RUN groupadd --system risk && useradd --system --gid risk --home /app --shell /usr/sbin/nologin risk
WORKDIR /app
COPY --from=builder /app/.venv /app/.venv
COPY --chown=risk:risk . .
# Static files are collected at build time; a dummy key suffices because nothing is served here.
RUN DJANGO_DEBUG=true python manage.py collectstatic --no-input -v 0 \
    && mkdir -p /app/var && chown -R risk:risk /app/var /app/staticfiles
USER risk
EXPOSE 8080 50055
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=5).status == 200 else 1)"
CMD ["daphne", "-b", "0.0.0.0", "-p", "8080", "riskmonitor.asgi:application"]
