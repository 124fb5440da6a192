"""The proxies under comparison, each started from the same route list on the same port."""

from .direct import DirectPeer
from .goproxy import GoProxyPeer
from .haproxy import HAProxyPeer
from .nginx import NginxPeer
from .snigate import SnigatePeer
from .sniproxy import SniproxyPeer


BEFORE = "snigate before"


def all_peers(bin_dir: str, snigate_binary: str, before_binary: str = None) -> list:
    """before_binary, when given, is another snigate build (an earlier commit) measured in the same run,
    so a change is judged by ratios taken under the same conditions."""
    before = [SnigatePeer(before_binary, BEFORE)] if before_binary else []
    return [
        DirectPeer(),
        NginxPeer(),
        HAProxyPeer(),
        SniproxyPeer(),
        GoProxyPeer(f"{bin_dir}/snigate-bench-goproxy"),
        SnigatePeer(snigate_binary),
        *before,
    ]
