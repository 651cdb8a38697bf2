"""Deliver queued email once the response has gone, so a slow mail server never slows a parent's page."""

from flask import after_this_request, current_app

from portal.services import notify


def deliver_after_response() -> None:
    app = current_app._get_current_object()

    @after_this_request
    def deliver(response):
        def send():
            with app.app_context():
                notify.deliver_due()

        response.call_on_close(send)
        return response
