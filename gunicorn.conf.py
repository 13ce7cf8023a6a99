"""gunicorn settings for `make serve-prod` and the Dockerfile (gunicorn reads ./gunicorn.conf.py).

Each can be changed through the environment below or GUNICORN_CMD_ARGS, e.g. "--workers 8".
"""

import os

from gunicorn.glogging import Logger

from netviz.web.logredact import RedactTokens

bind = os.environ.get("NETVIZ_BIND", "127.0.0.1:8000")
# Threads serve the many short page views while a worker is busy on a long upload; the analysis of
# large uploads runs in the task worker, not here.
worker_class = "gthread"
workers = int(os.environ.get("NETVIZ_WORKERS", str(min(2 * (os.cpu_count() or 1) + 1, 8))))
threads = int(os.environ.get("NETVIZ_THREADS", "4"))
timeout = int(os.environ.get("NETVIZ_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then, so that no slow leak can grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Upload bodies are limited by Django (NETVIZ_MAX_UPLOAD_MB); these bound the request head.
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("NETVIZ_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


class RedactingLogger(Logger):
    """Access-log lines hold request paths, and paths hold review tokens: mask them."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, RedactTokens) for f in self.access_log.filters):
            self.access_log.addFilter(RedactTokens())


logger_class = RedactingLogger
