"""The baseline of benchmarks/load.py: a bare Flask app returning a small page, served by the same gunicorn.

    gunicorn [the same settings as the portal] 'bare_app:app'   (from benchmarks/)

No database, no session, no templates, no extensions: what Flask and gunicorn cost for one request on this
machine. The portal's pages are quoted as a share of its throughput measured in the same run.
"""

from flask import Flask

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Bare Flask</title></head>
<body><h1>Bare Flask</h1><p>A small page from a Flask view: the baseline for the portal's pages.</p></body>
</html>
"""

app = Flask(__name__)


@app.get("/")
def index():
    return PAGE
