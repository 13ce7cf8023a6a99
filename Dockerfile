# netviz in production: gunicorn + WhiteNoise, settings from the environment (see README).
#   docker build -t netviz .
#   docker run -p 8000:8000 -e SECRET_KEY=... -e ALLOWED_HOSTS=netviz.example.org \
#     -e DATABASE_URL=postgres://... netviz                     # the web server
#   docker run ... netviz python manage.py db_worker            # the analysis worker
# With SQLite, mount a volume at /data and run both from it (DATABASE_URL=sqlite:////data/netviz.sqlite3).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    NETVIZ_PRODUCTION=1 \
    NETVIZ_BIND=0.0.0.0:8000 \
    NETVIZ_STATIC_ROOT=/app/staticfiles \
    DATABASE_URL=sqlite:////data/netviz.sqlite3

WORKDIR /app
COPY requirements.txt .
# The test and tooling packages at the end of requirements.txt are not needed to serve.
RUN sed '/^# Tests and tooling/,$d' requirements.txt > requirements-runtime.txt \
    && pip install -r requirements-runtime.txt

COPY . .
# collectstatic needs settings, not secrets: a throwaway key for this one build step.
RUN SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(50))') \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v 0 \
    && useradd --system --uid 10001 --home-dir /data netviz \
    && mkdir -p /data && chown netviz /data

USER netviz
VOLUME /data
EXPOSE 8000
# Migrations are idempotent; running them at start keeps a single-container deployment simple.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn netviz.wsgi:application"]
