"""Entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`, `celery -A wsgi.celery_app ...`."""
from app import create_app

app = create_app()
celery_app = app.extensions["celery"]
