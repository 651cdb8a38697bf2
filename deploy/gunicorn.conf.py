"""gunicorn's settings for the portal (the Procfile's `web`, portal/processes.py): read from the environment file.

PORTAL_BIND: the address to serve on, behind the reverse proxy that terminates HTTPS (default 127.0.0.1:$PORT,
which honcho sets, else 127.0.0.1:8000). PORTAL_WEB_WORKERS: sync workers (default 2 per core + 1; each holds one
request at a time, and a request waits on the database, not the CPU). Logs go to stderr as the portal's JSON lines
(portal/logs.py), with tokens and query strings masked in gunicorn's access lines too.
"""

import multiprocessing
import os

bind = os.environ.get("PORTAL_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("PORTAL_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = 120  # a case-file PDF for a court can take a while; gunicorn's 30 s would kill it half-way
graceful_timeout = 30  # SIGTERM: requests in flight finish, then the workers exit
accesslog = "-"
errorlog = "-"
# gunicorn 27's control socket is one per user by default: two portals (or a test beside a running one) would
# share it. Nothing here uses it.
control_socket_disable = True
