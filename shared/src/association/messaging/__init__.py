"""RabbitMQ messaging: topology, the outbox relay, the consumer and the worker running them."""
