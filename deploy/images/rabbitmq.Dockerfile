# RabbitMQ from Debian bookworm's packages, for machines that cannot pull rabbitmq:3.13-management.
# As the stack uses the official image: management plugin on 15672, guest may log in from outside
# the container (the stack's network and published ports), logs on stdout.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends rabbitmq-server \
 && rm -rf /var/lib/apt/lists/* \
 && rabbitmq-plugins enable --offline rabbitmq_management \
 && printf '%s\n' 'loopback_users = none' 'log.console = true' 'log.file = false' \
      > /etc/rabbitmq/rabbitmq.conf
EXPOSE 5672 15672
CMD ["rabbitmq-server"]
