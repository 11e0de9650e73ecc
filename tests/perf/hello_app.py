"""The bare Flask app that bench_trainee.py serves beside lms, as the yardstick for throughput."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
