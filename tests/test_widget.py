"""The login widget: the secret never rests in its state (taken as it arrives, never echoed), the URLs the
secret will go to are shown before it is sent, and custom URL fields never apply to a named environment."""

from __future__ import annotations

import json

import ipywidgets
import pytest

from ion_magic.environments import ENVIRONMENTS
from ion_magic.widgets import LoginWidget

SECRET = "widget-secret-7Hq"


class Recorder:
    """Stands in for the front end's comm: records every message the kernel sends about any widget."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    def attach(self, widget: ipywidgets.Widget) -> None:
        original = widget.comm.send

        def send(data=None, metadata=None, buffers=None):
            self.sent.append(data)
            return original(data=data, metadata=metadata, buffers=buffers)

        widget.comm.send = send


def front_end_update(widget: ipywidgets.Widget, **state) -> None:
    """What the kernel does when a front end reports a change: the comm message, handled."""
    widget._handle_msg({"content": {"data": {"method": "update", "state": state, "buffer_paths": []}}, "buffers": []})


def saved_state() -> str:
    """Everything a front end could save with the notebook: every widget's full state."""
    return json.dumps(ipywidgets.Widget.get_manager_state(drop_defaults=False))


def test_the_secret_is_taken_the_moment_it_arrives_and_never_rests_in_any_state():
    logins = []
    widget = LoginWidget(lambda request: logins.append(request) or "Logged in.", environ={})
    recorder = Recorder()
    for child in (widget.client_secret, widget.status, widget.where, widget.environment):
        recorder.attach(child)
    assert widget.client_secret.continuous_update is False  # no sync per keystroke: only on Enter or blur
    front_end_update(widget.environment, index=list(widget.environment.options).index("custom"))
    front_end_update(widget.api_url, value="http://127.0.0.1:9")
    front_end_update(widget.auth_url, value="http://127.0.0.1:9")
    front_end_update(widget.client_id, value="client")
    assert SECRET not in saved_state()
    front_end_update(widget.client_secret, value=SECRET)  # the user pressed Enter or left the box
    assert widget.client_secret.value == "" and SECRET not in saved_state()  # between typing and the click
    assert "Secret received" in widget.status.value
    widget.submit()
    assert logins[0].client_secret == SECRET and SECRET not in saved_state()
    assert recorder.sent and SECRET not in json.dumps(recorder.sent, default=str)  # nothing echoed it
    assert SECRET not in repr(logins[0]) and SECRET not in repr(widget.client_secret)
    widget.submit()  # a second click has no secret left to send
    assert logins[1].client_secret is None


def test_the_widget_shows_where_the_secret_goes_before_it_is_sent():
    widget = LoginWidget(lambda request: "", environ={})
    assert "sandbox" in widget.where.value
    widget.address.value = "https://app.firstresonance.io/runs/42"
    production = ENVIRONMENTS["production"]
    assert widget.environment.value == "production"
    assert production.token_url in widget.where.value and production.graphql_url in widget.where.value
    widget.address.value = "app.nowhere.example"
    assert "Unknown ION address" in widget.where.value


def test_custom_url_fields_never_apply_to_a_named_environment():
    """Item 1: type custom URLs, switch to production: the production secret must go to production."""
    widget = LoginWidget(
        lambda request: "", environ={"ION_API_URL": "https://evil.example", "ION_AUTH_URL": "https://evil.example"}
    )
    assert widget.environment.value == "custom" and widget.api_url.value == "https://evil.example"
    widget.environment.value = "production"
    request = widget.request("s")
    assert request.api_url is None and request.auth_url is None
    assert widget.target().auth_url == ENVIRONMENTS["production"].auth_url
    assert "evil" not in widget.where.value


@pytest.mark.parametrize(
    "environ",
    [{"ION_CLIENT_ID": "c", "ION_CLIENT_SECRET": "s"}, {"ION_ENV": "production", "ION_API_URL": "https://x.example"}],
)
def test_inconsistent_variables_leave_the_widget_usable_and_say_why(environ):
    widget = LoginWidget(lambda request: "", environ=environ)
    assert widget.environment.value == "sandbox"
    widget.environment.value = "staging"
    assert ENVIRONMENTS["staging"].token_url in widget.where.value
