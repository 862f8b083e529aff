# Production image: the same code as `make run`, with gunicorn. (No Docker engine runs on our build
# machines; tests/test_deployment.py checks this file and docker-compose.yml by parsing them.)
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY portal ./portal
COPY employers ./employers
COPY placement ./placement
COPY levy ./levy
COPY insurance ./insurance
COPY backoffice ./backoffice
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 portal && mkdir -p /data/media && chown -R portal /data /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--forwarded-allow-ips", "*"]
