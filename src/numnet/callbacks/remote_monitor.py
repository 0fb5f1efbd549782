"""RemoteMonitor: POST each epoch's logs to a server."""

from __future__ import annotations

import json
import warnings

from .callback import Callback


class RemoteMonitor(Callback):
    """At the end of each epoch, POST ``{"epoch": epoch, **logs}`` to ``root + path``: as a
    form field ``field`` holding the JSON text (the default), or as a JSON body with
    ``send_as_json=True``. A server that cannot be reached gives a warning, and training goes
    on. Uses Python's urllib (Keras uses the requests package; the requests are the same).

    Args:
        root: the server's root URL. Defaults to ``"http://localhost:9000"``.
        path: the path the logs are posted to. Defaults to ``"/publish/epoch/end/"``.
        field: the form field that holds the JSON text. Defaults to ``"data"``.
        headers: extra HTTP headers, a dict, or None. Defaults to ``None``.
        send_as_json: send the logs as a JSON body instead of a form. Defaults to ``False``.

    Example:
        >>> monitor = numnet.callbacks.RemoteMonitor(root="http://localhost:9000")
        >>> model.fit(x, y, epochs=5, callbacks=[monitor])
    """

    def __init__(self, root: str = "http://localhost:9000", path: str = "/publish/epoch/end/",
                 field: str = "data", headers=None, send_as_json: bool = False):
        super().__init__()
        self.root, self.path, self.field = root, path, field
        self.headers = headers
        self.send_as_json = bool(send_as_json)

    def on_epoch_end(self, epoch, logs=None):
        import urllib.error  # (urllib.request loads ssl: only when a callback posts)
        import urllib.parse
        import urllib.request

        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if hasattr(value, "item") else value
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(f"RemoteMonitor: could not reach the server at {self.root}.",
                          stacklevel=2)
