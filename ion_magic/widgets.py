"""The %ion_login widget. The secret field is emptied the moment it is read, so no saved widget state
holds it."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

from .environments import CUSTOM, ENVIRONMENT_NAMES, SANDBOX
from .errors import IonError


@dataclass(frozen=True)
class LoginRequest:
    environment: str
    client_id: str
    client_secret: str
    api_url: str = ""
    auth_url: str = ""

    def __repr__(self) -> str:
        return f"LoginRequest({self.environment!r}, client_id={self.client_id!r}, client_secret=********)"


class LoginWidget(widgets.VBox):
    """Environment, client id, client secret and a button; then the login's status."""

    def __init__(self, on_login: Callable[[LoginRequest], str], *, environment: str = SANDBOX,
                 client_id: str = "", api_url: str = "", auth_url: str = "") -> None:
        self._on_login = on_login
        self.environment = widgets.Dropdown(options=ENVIRONMENT_NAMES, value=environment,
                                            description="Environment")
        self.api_url = widgets.Text(value=api_url, description="API URL", placeholder="https://api.example.com")
        self.auth_url = widgets.Text(value=auth_url, description="Auth URL",
                                     placeholder="https://auth.example.com")
        self.client_id = widgets.Text(value=client_id, description="Client id")
        self.client_secret = widgets.Password(description="Secret")
        self.button = widgets.Button(description="Log in", button_style="primary", icon="sign-in")
        self.status = widgets.HTML()
        self._custom = widgets.VBox([self.api_url, self.auth_url])
        self._credentials = widgets.VBox([self.client_id, self.client_secret])
        self.environment.observe(lambda _: self._show_relevant_fields(), names="value")
        self.button.on_click(lambda _: self.submit())
        self._show_relevant_fields()
        super().__init__([self.environment, self._custom, self._credentials, self.button, self.status])

    def _show_relevant_fields(self) -> None:
        self._custom.layout.display = "" if self.environment.value == CUSTOM else "none"
        self._credentials.layout.display = "none" if self.environment.value == SANDBOX else ""

    def submit(self) -> None:
        """Read the fields, empty the secret at once, log in, show the outcome."""
        secret = self.client_secret.value
        self.client_secret.value = ""
        request = LoginRequest(self.environment.value, self.client_id.value.strip(), secret,
                               self.api_url.value.strip(), self.auth_url.value.strip())
        del secret
        self.button.disabled = True
        self.status.value = "Logging in…"
        try:
            message = self._on_login(request)
        except IonError as error:
            self.status.value = f'<span style="color:#b00">{html.escape(str(error))}</span>'
        else:
            self.status.value = html.escape(message)
        finally:
            self.button.disabled = False
