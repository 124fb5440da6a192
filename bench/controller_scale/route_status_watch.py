"""When each TLSRoute of a namespace first showed Accepted=True in its status.parents entry of a
controller, seen by a watch on the namespace's TLSRoutes: a thread reads the watch's events as the
API server sends them and times each when its line arrives, so nothing is polled. A watch the
server ends is opened again from the last resourceVersion seen (listed anew after 410 Gone)."""

import http.client
import ssl
import threading
import time

from .gateway_objects import accepted_by
from .kube_api import ApiError, KubeApi


class RouteStatusWatch:
    def __init__(self, api: KubeApi, routes_path: str, controller_name: str):
        self._api = api
        self._path = routes_path
        self._controller_name = controller_name
        self._changed = threading.Condition()
        self._accepted_at = {}  # route name -> monotonic time it was first seen accepted
        self._watch = None
        self._stopped = False
        self._resource_version = self._list()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _list(self) -> str:
        listing = self._api.request("GET", self._path)
        now = time.monotonic()
        for route in listing.get("items", []):
            self._observe(route, now)
        return listing["metadata"]["resourceVersion"]

    def _observe(self, route: dict, seen: float) -> None:
        if not accepted_by(route, self._controller_name):
            return
        with self._changed:
            self._accepted_at.setdefault(route["metadata"]["name"], seen)
            self._changed.notify_all()

    def _run(self) -> None:
        while True:
            try:
                with self._api.watch(self._path, self._resource_version) as watch:
                    with self._changed:
                        if self._stopped:
                            return
                        self._watch = watch
                    for seen, event in watch:
                        kind, route = event.get("type"), event.get("object", {})
                        if kind == "ERROR":  # 410 Gone: the resourceVersion is too old to watch from
                            self._resource_version = self._list()
                            break
                        self._resource_version = route.get("metadata", {}).get("resourceVersion", self._resource_version)
                        if kind in ("ADDED", "MODIFIED"):
                            self._observe(route, seen)
            except (ApiError, OSError, http.client.HTTPException, ssl.SSLError, ValueError):
                pass
            with self._changed:
                if self._stopped:
                    return
            time.sleep(0.1)

    def wait_accepted(self, name: str, deadline: float):
        """The monotonic time route `name` was first seen accepted (perhaps before this call), or
        None when it was not by the deadline."""
        with self._changed:
            while name not in self._accepted_at:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)
            return self._accepted_at[name]

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            watch = self._watch
        if watch:
            watch.interrupt()
        self._thread.join(timeout=5)
