"""gunicorn's settings for production: `gunicorn -b 0.0.0.0:8000 wsgi:app` reads this file
from the working directory. The command line or GUNICORN_CMD_ARGS override any of them.

The pages are CPU-bound Python, so one process per CPU, each with few threads: more threads
only queue for the process's GIL. Each worker takes no more connections than it has threads
(no keep-alive): a waiting request stays in the kernel's queue until a worker is free,
whichever it is. With keep-alive, a client stays with the worker that first took it, and a
few busy clients can leave one CPU idle while requests queue on the other (bench/README.md,
RSVP page).
"""
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
worker_connections = threads
keepalive = 0
