# The web pages' image: `association-web-pages` (shared library) serving web/ on 8080. Build from
# the repository root after `make install` (its `npm ci` puts the chart library in web/node_modules):
#   docker build -f deploy/web.Dockerfile .
# The first layers are those of service.Dockerfile, so the images share them.
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 association
WORKDIR /app
COPY deploy/requirements-lock.txt deploy/requirements-lock.txt
RUN pip install --require-hashes --no-deps -r deploy/requirements-lock.txt
COPY shared/ shared/
RUN pip install --no-deps --no-build-isolation ./shared && pip check
# The pages as they are (no build step) and, of node_modules, only the chart library's files.
COPY web/pages/ web/pages/
COPY web/src/ web/src/
COPY web/styles/ web/styles/
COPY web/node_modules/chart.js/dist/ web/node_modules/chart.js/dist/
USER association
ENV HOST=0.0.0.0 PORT=8080 WEB_ROOT=/app/web
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --retries=20 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['PORT']}/health\", timeout=2)"
CMD ["association-web-pages"]
