# One image per service, from one file: `<SERVICE>-web` by default, `<SERVICE>-worker` as the
# worker's command. Build from the repository root, e.g.
#   docker build -f deploy/service.Dockerfile --build-arg SERVICE=teams --build-arg PORT=8082 .
# BASE_IMAGE is the public python:3.11-slim unless a machine builds its own (deploy/images/).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 association
WORKDIR /app
# The dependencies from the images' lock (`make lock`), each checked against its hash; a layer of
# its own, rebuilt only when the lock changes. Then the two packages from here, fetching nothing.
COPY deploy/requirements-lock.txt deploy/requirements-lock.txt
RUN pip install --require-hashes --no-deps -r deploy/requirements-lock.txt
# SERVICE and PORT from here on: the layers above are the same for the three services' images.
ARG SERVICE
ARG PORT
COPY shared/ shared/
COPY services/${SERVICE}/ services/${SERVICE}/
RUN pip install --no-deps --no-build-isolation ./shared ./services/${SERVICE} && pip check
USER association
ENV SERVICE=${SERVICE} HOST=0.0.0.0 PORT=${PORT}
EXPOSE ${PORT}
# The worker's health is its heartbeat file (docker-compose.yml); this check is the web's.
HEALTHCHECK --interval=5s --timeout=3s --retries=20 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['PORT']}/health\", timeout=2)"
CMD exec "${SERVICE}-web"
