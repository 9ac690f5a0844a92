# Python 3.11 from Debian bookworm's packages, for machines that cannot pull python:3.11-slim.
# Built on the imported debootstrap base by tools/local_images.py; `python` and `pip` are a
# virtual environment's, so the service Dockerfile's `pip install` works as on the public image.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python3-pip ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/python
# This machine's CA bundle (tools/local_images.py puts it in the context): pip trusts its proxy.
COPY host-ca-certificates.crt /etc/ssl/certs/host-ca-certificates.crt
ENV PATH=/opt/python/bin:$PATH PIP_CERT=/etc/ssl/certs/host-ca-certificates.crt
CMD ["python3"]
