"""gunicorn for 3VFejzo: one process group per port, behind Caddy (deploy/Caddyfile).

systemd starts one per port (deploy/systemd/fejzo-web@.service, `--bind 127.0.0.1:%i`);
the rest comes from here and from FEJZO_GUNICORN_* in the environment file.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = [os.environ.get("FEJZO_BIND", "127.0.0.1:8001")]
workers = int(os.environ.get("FEJZO_GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request that takes longer is cut off; a worker that stops answering is replaced.
timeout = int(os.environ.get("FEJZO_GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows unbounded.
max_requests = 2000
max_requests_jitter = 200
# Not preloaded: each worker opens its own database connection after the fork.
preload_app = False
# No access log: client addresses and the tokens in some paths are personal data (P6).
# Errors go to stderr, which systemd hands to the journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("FEJZO_GUNICORN_LOG_LEVEL", "warning")
proc_name = "fejzo-web"
# Only the local proxy may say a request came over HTTPS (Django checks
# X-Forwarded-Proto itself as well, SECURE_PROXY_SSL_HEADER). Set FORWARDED_ALLOW_IPS
# to Caddy's address when it runs on another machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request line and header limits stay at gunicorn's defaults (4094 / 100 / 8190).

# gunicorn's own lines (a worker that timed out, an error no view caught) as JSON lines
# through the shop's formatter, which masks addresses and numbers in them (ops.logs).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ops.logs.JsonLineFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
    # gunicorn merges this over its defaults key by key: the root logger is named again.
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper()}},
}


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """A worker that ended leaves its request counters to the sum, not its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
