"""Email and the web: a request only queues email; `flask outbox work` delivers it (services/notify.py).

One exception, for `make run` (MAIL_TO_CONSOLE): the queued email is printed to the terminal at the end of the
request that queued it, so the demo's sign-in link appears at once. Printing never waits on a mail server.
"""

from flask import Flask, current_app

from portal.services import notify


def register(app: Flask) -> None:
    @app.after_request
    def print_queued_email(response):
        if current_app.config["MAIL_TO_CONSOLE"]:
            notify.deliver_due()
        return response
