# syntax=docker/dockerfile:1

# Build stage: install Pressroom and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install .

# Runtime stage: the virtual environment, the migrations, an unprivileged user.
FROM python:3.11-slim
RUN groupadd --system --gid 10001 pressroom \
    && useradd --system --uid 10001 --gid pressroom --home-dir /srv/pressroom --no-create-home pressroom
WORKDIR /srv/pressroom
COPY --from=build /opt/venv /opt/venv
COPY alembic.ini ./
COPY migrations ./migrations
RUN mkdir data && chown 10001:10001 data
# Production: the container refuses to start until SECRET_KEY and PUBLIC_API_URL (or
# ALLOWED_HOSTS) are given, e.g. `docker run -e SECRET_KEY=... -e PUBLIC_API_URL=...`.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATABASE_URL=sqlite+aiosqlite:////srv/pressroom/data/pressroom.db
USER 10001:10001
EXPOSE 8000
VOLUME ["/srv/pressroom/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
CMD ["pressroom", "serve", "--migrate", "--with-worker"]
