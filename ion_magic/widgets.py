"""The %ion_login widget: environment or ION address, client id and secret, and where they will go.

The secret never stays in the widget's model: the box syncs only when the user leaves it or presses
Enter (not on each keystroke), its value is not echoed to other front ends, and the kernel takes it the
moment it arrives and empties the box. So no widget state a front end could save holds it.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping

import ipywidgets as widgets
from traitlets import Unicode

from .environments import CUSTOM, ENVIRONMENT_NAMES, SANDBOX, resolve_app
from .errors import IonError
from .login import WIDGET_SPELLING, LoginRequest, Target, resolve_target


class SecretBox(widgets.Password):
    """A password box whose value is synced on Enter or blur only and never echoed back."""

    value = Unicode("", help="What was typed; emptied by the kernel as soon as it arrives.").tag(
        sync=True, echo_update=False
    )

    def __init__(self, **kwargs: object) -> None:
        super().__init__(continuous_update=False, **kwargs)


class LoginWidget(widgets.VBox):
    """Environment (or ION address), client id, client secret and a button; then the login's status."""

    def __init__(self, on_login: Callable[[LoginRequest], str], *, environ: Mapping[str, str] = os.environ) -> None:
        self._on_login = on_login
        self._environ = environ
        self._secret: str | None = None
        self.environment = widgets.Dropdown(options=ENVIRONMENT_NAMES, value=SANDBOX, description="Environment")
        self.address = widgets.Text(
            description="ION address", placeholder="app.firstresonance.io", continuous_update=False
        )
        self.api_url = widgets.Text(description="API URL", placeholder="https://api.example.com")
        self.auth_url = widgets.Text(description="Auth URL", placeholder="https://auth.example.com")
        self.client_id = widgets.Text(description="Client id")
        self.client_secret = SecretBox(description="Secret")
        self.where = widgets.HTML()
        self.button = widgets.Button(description="Log in", button_style="primary", icon="sign-in")
        self.status = widgets.HTML()
        self._custom = widgets.VBox([self.api_url, self.auth_url])
        self._credentials = widgets.VBox([self.client_id, self.client_secret])
        self._prefill()
        self.address.observe(lambda _: self._address_changed(), names="value")
        for field in (self.environment, self.api_url, self.auth_url):
            field.observe(lambda _: self._show_target(), names="value")
        self.client_secret.observe(self._take_secret, names="value")
        self.button.on_click(lambda _: self.submit())
        self._show_target()
        super().__init__(
            [self.environment, self.address, self._custom, self._credentials, self.where, self.button, self.status]
        )

    def _prefill(self) -> None:
        """The fields as the ION_* variables would have it (the same reading as every other login)."""
        try:
            target = resolve_target(LoginRequest(spelling=WIDGET_SPELLING), self._environ)
        except IonError:
            return  # the preview line shows the problem once the user picks something
        self.environment.value = target.environment
        if target.environment == CUSTOM:
            self.api_url.value, self.auth_url.value = target.api_url or "", target.auth_url or ""
        self.address.value = self._environ.get("ION_APP_URL", "")
        if target.environment_credentials:
            self.client_id.value = self._environ.get("ION_CLIENT_ID", "")

    def _take_secret(self, change: dict) -> None:
        if change["new"]:
            self._secret = change["new"]
            self.client_secret.value = ""
            self.status.value = "Secret received (kept in the kernel only). Click “Log in”."

    def _address_changed(self) -> None:
        if self.address.value.strip():
            try:
                self.environment.value = resolve_app(self.address.value).name
            except ValueError as error:
                self.where.value = _error_html(str(error))
                return
        self._show_target()

    def request(self, secret: str | None = None) -> LoginRequest:
        """The login the fields describe (URLs only for a custom deployment, no client for the sandbox)."""
        environment = self.environment.value
        custom = environment == CUSTOM
        return LoginRequest(
            env=environment,
            api_url=self.api_url.value.strip() or None if custom else None,
            auth_url=self.auth_url.value.strip() or None if custom else None,
            client_id=None if environment == SANDBOX else self.client_id.value.strip() or None,
            client_secret=secret,
            spelling=WIDGET_SPELLING,
        )

    def target(self) -> Target:
        return resolve_target(self.request(), self._environ)

    def _show_target(self) -> None:
        """Show where the secret and the queries will go, before anything is sent."""
        self._custom.layout.display = "" if self.environment.value == CUSTOM else "none"
        self._credentials.layout.display = "none" if self.environment.value == SANDBOX else ""
        try:
            self.where.value = f"Logs in to {html.escape(self.target().describe())}."
        except IonError as error:
            self.where.value = _error_html(str(error))

    def submit(self) -> None:
        """Log in with the secret received (then forgotten here), show the outcome."""
        secret, self._secret = self._secret, None
        request = self.request(secret)
        del secret
        self.button.disabled = True
        self.status.value = "Logging in…"
        try:
            message = self._on_login(request)
        except IonError as error:
            self.status.value = _error_html(str(error))
        else:
            self.status.value = html.escape(message)
        finally:
            self.button.disabled = False


def _error_html(message: str) -> str:
    return f'<span style="color:#b00">{html.escape(message)}</span>'
