"""RemoteMonitor: the requests a local server receives, form and JSON; an unreachable server
warns and training goes on."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

import numnet


@pytest.fixture
def server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, dict(self.headers), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", received
    httpd.shutdown()
    httpd.server_close()


def _fit(callback, epochs=2):
    x = np.zeros((8, 2), "float32")
    model = numnet.Sequential([numnet.Input((2,)), numnet.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model.fit(x, x[:, :1] + 1.0, epochs=epochs, verbose=0, callbacks=[callback])


def test_posts_each_epoch_as_a_form_field(server):
    root, received = server
    history = _fit(numnet.callbacks.RemoteMonitor(root=root, headers={"X-Run": "7"}))
    assert len(received) == 2
    path, headers, body = received[1]
    assert path == "/publish/epoch/end/" and headers["X-Run"] == "7"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    sent = json.loads(urllib.parse.parse_qs(body.decode())["data"][0])
    assert sent["epoch"] == 1
    assert sent["loss"] == pytest.approx(history.history["loss"][1])
    assert sent["mae"] == pytest.approx(history.history["mae"][1])


def test_posts_json_with_send_as_json(server):
    root, received = server
    _fit(numnet.callbacks.RemoteMonitor(root=root, path="/logs", send_as_json=True), epochs=1)
    path, headers, body = received[0]
    assert path == "/logs" and headers["Content-Type"] == "application/json"
    assert json.loads(body)["epoch"] == 0


def test_an_unreachable_server_warns_and_training_goes_on():
    with pytest.warns(UserWarning, match="could not reach"):
        history = _fit(numnet.callbacks.RemoteMonitor(root="http://127.0.0.1:9"), epochs=2)
    assert len(history.history["loss"]) == 2
