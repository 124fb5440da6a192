"""The proxies under comparison, each started from the same route list on the same port."""

from .direct import DirectPeer
from .goproxy import GoProxyPeer
from .haproxy import HAProxyPeer
from .nginx import NginxPeer
from .snigate import SnigatePeer
from .sniproxy import SniproxyPeer


def all_peers(bin_dir: str, snigate_binary: str) -> list:
    return [
        DirectPeer(),
        NginxPeer(),
        HAProxyPeer(),
        SniproxyPeer(),
        GoProxyPeer(f"{bin_dir}/snigate-bench-goproxy"),
        SnigatePeer(snigate_binary),
    ]
