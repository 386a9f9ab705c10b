"""The bare baseline of the check-in benchmark: a Flask app with one JSON endpoint and nothing
else, served by gunicorn with the same gunicorn.conf.py (`gunicorn bench.checkin_hello:app`)."""
from flask import Flask

app = Flask(__name__)


@app.post("/hello")
def hello():
    return {"status": "ok"}
