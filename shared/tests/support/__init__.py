"""What the tests share (shared/tests is on pytest's pythonpath; bench puts it on its own).

apps (a service's app and settings in a test), tokens, sign_ups, counters (the library tests' event
and projection), widgets (a test app of the web plumbing), broker, polling, ports, threads
(components and servers on threads), tcp_proxy, processes and stack (the services as real
processes), webhook_receiver, and fixtures (the pytest plugin the root conftest loads).
"""
