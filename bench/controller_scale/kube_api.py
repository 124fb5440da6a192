"""The local cluster's API as the admin (scripts/local-cluster's client certificate), over a pool of
keep-alive HTTPS connections, one per thread, so that thousands of objects go in concurrently; and
watches, each on a connection of its own."""

import concurrent.futures
import http.client
import json
import os
import socket
import ssl
import threading
import time


class ApiError(RuntimeError):
    pass


def _state_value(state_file: str, key: str) -> str:
    with open(state_file) as state:
        for line in state:
            name, _, value = line.strip().partition("=")
            if name == key:
                return value
    raise ApiError(f"{key} not found in {state_file}; is the local cluster up (scripts/local-cluster up)?")


class KubeApi:
    def __init__(self, cluster_dir: str, timeout_s: float = 30.0):
        pki = os.path.join(cluster_dir, "pki")
        self.port = int(_state_value(os.path.join(cluster_dir, "cluster.env"), "APISERVER_PORT"))
        self.kubeconfig = os.path.join(cluster_dir, "kubeconfig")
        self.context = ssl.create_default_context(cafile=os.path.join(pki, "ca.crt"))
        self.context.load_cert_chain(os.path.join(pki, "admin.crt"), os.path.join(pki, "admin.key"))
        self.timeout_s = timeout_s
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPSConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=self.timeout_s)
            self._local.connection = connection
        return connection

    def _drop_connection(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
        self._local.connection = None

    def request(self, method: str, path: str, body=None, content_type: str = "application/json",
                accept_status: tuple = ()) -> dict:
        """One request on this thread's connection; a connection the server closed is opened again
        once. Any status outside 2xx and accept_status raises ApiError with the server's message."""
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        for attempt in (1, 2):
            try:
                connection = self._connection()
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError, ssl.SSLError):
                self._drop_connection()
                if attempt == 2:
                    raise
        if not 200 <= response.status < 300 and response.status not in accept_status:
            raise ApiError(f"{method} {path}: {response.status} {data[:300].decode(errors='replace')}")
        return json.loads(data) if data else {}

    def watch(self, path: str, resource_version: str) -> "Watch":
        """A watch of the collection at path from resource_version (bookmarks asked for)."""
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=None)
        connection.request("GET", f"{path}?watch=true&allowWatchBookmarks=true&resourceVersion={resource_version}",
                           headers={"Accept": "application/json"})
        response = connection.getresponse()
        if response.status != 200:
            data = response.read()
            connection.close()
            raise ApiError(f"watch {path}: {response.status} {data[:300].decode(errors='replace')}")
        return Watch(connection, response)

    def create_all(self, items: list, concurrency: int, deadline: float) -> float:
        """POSTs every (path, body) concurrently; returns the seconds it took. Stops with ApiError
        at the first failure or when the monotonic deadline passes."""
        started = time.monotonic()

        def create(item):
            if time.monotonic() > deadline:
                raise ApiError("creation did not finish within its time limit")
            self.request("POST", item[0], item[1])

        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            for future in concurrent.futures.as_completed([pool.submit(create, item) for item in items]):
                error = future.exception()
                if error:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise error
        return time.monotonic() - started

    def delete_all(self, paths: list, concurrency: int) -> None:
        """DELETEs every path concurrently; objects already gone are fine."""
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda path: self.request("DELETE", path, accept_status=(404,)), paths))


class Watch:
    """One watch's stream of events, each timed when its line arrives. A context manager: leaving it
    closes the connection. interrupt() from another thread ends the iteration (with an error or an
    end of stream)."""

    def __init__(self, connection: http.client.HTTPSConnection, response: http.client.HTTPResponse):
        self._connection = connection
        self._response = response

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self._connection.close()

    def __iter__(self):
        """(monotonic time its line was read, event) until the server ends the watch."""
        for line in self._response:
            seen = time.monotonic()
            if line.strip():
                yield seen, json.loads(line)

    def interrupt(self) -> None:
        try:
            self._connection.sock.shutdown(socket.SHUT_RDWR)
        except (AttributeError, OSError):  # already closed
            pass
