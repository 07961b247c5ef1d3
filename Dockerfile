# syntax=docker/dockerfile:1
# One image for web (gunicorn), the Celery worker and beat, and the migrate one-shot.
#   docker build -t influence-map .
# Settings come from the environment at run time (see docker-compose.yml and the README).

# --- front-end packages from package-lock.json (Pico CSS), never hand-copied ------------------
FROM node:22-slim AS frontend
WORKDIR /frontend
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- the application -------------------------------------------------------------------------
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# Runs as this user, never root; gunicorn keeps its control socket in the home directory.
RUN useradd --system --user-group --uid 10001 --create-home --home-dir /home/app app
WORKDIR /app

# Dependencies first, from pyproject.toml alone (every one pinned; `packages = []` installs no
# code), so this layer is rebuilt only when the dependencies change.
COPY pyproject.toml /tmp/build/pyproject.toml
RUN pip install /tmp/build && rm -rf /tmp/build

COPY . .
COPY --from=frontend /frontend/node_modules ./node_modules

# Static files are collected at build time with the production settings. They need a secret key,
# hosts and a database URL to load, none of which is used to collect: throwaway values, build only.
ARG BUILD_SECRET_KEY=build-only-throwaway-key-for-collectstatic-never-used-at-run-time-0123456789
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY="${BUILD_SECRET_KEY}" \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collectstatic-unused.sqlite3 \
    python manage.py collectstatic --noinput --verbosity 1

ENV DJANGO_SETTINGS_MODULE=config.settings.production
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
