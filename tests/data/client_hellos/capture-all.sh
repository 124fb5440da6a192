#!/usr/bin/env bash
# Regenerates every ClientHello capture in this folder with the real clients installed here, and
# rewrites manifest.json. Each client talks only to capture.py on 127.0.0.1 and fails its handshake
# when capture.py closes the connection after the hello: that failure is expected.
# Needs: python3, openssl, curl, go (1.24 or later for X25519MLKEM768); chromium is optional.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# capture FILE CLIENT VERSION EXPECTED_SNI EXPECTED_ALPN -- CLIENT ARGS...
capture() {
  local file=$1 client=$2 version=$3 sni=$4 alpn=$5
  shift 6
  local log="$scratch/$file.log"
  if ! timeout 60 python3 capture.py --timeout 30 "$file" -- "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "capture-all.sh: $file: capture failed" >&2
    return 1
  fi
  python3 update_manifest.py "$file" --client "$client" --version "$version" \
    --sni "$sni" --alpn "$alpn" --scratch "$scratch" -- "$@"
  echo "$file: $(stat -c %s "$file") bytes"
}

# require FILE PYTHON_CONDITION: fails unless the condition holds for hello_inspect's view of FILE.
require() {
  python3 -c 'import sys; from hello_inspect import inspect
hello = inspect(open(sys.argv[1], "rb").read())
sys.exit(0 if eval(sys.argv[2]) else f"capture-all.sh: {sys.argv[1]} fails: {sys.argv[2]}")' "$1" "$2"
}

# The names go-client -alpn-fillers N appends: "filler-NNN-" padded with "x" to 255 bytes.
filler_protocols() {
  local i name padding
  padding=$(printf 'x%.0s' $(seq 255))
  for ((i = 0; i < $1; i++)); do
    name=$(printf 'filler-%03d-' "$i")
    printf ',%s' "$name${padding:${#name}}"
  done
}

openssl_version=$(openssl version)
capture openssl.bin "openssl s_client" "$openssl_version" openssl.example.com "" -- \
  openssl s_client -connect '127.0.0.1:{port}' -servername openssl.example.com
capture openssl-alpn.bin "openssl s_client" "$openssl_version" openssl.example.com "h2,http/1.1" -- \
  openssl s_client -connect '127.0.0.1:{port}' -servername openssl.example.com -alpn h2,http/1.1
capture openssl-nosni.bin "openssl s_client" "$openssl_version" "" "" -- \
  openssl s_client -connect '127.0.0.1:{port}' -noservername

capture curl.bin "curl" "$(curl --version | head -n 1)" curl.example.com "h2,http/1.1" -- \
  curl --silent --max-time 10 --resolve 'curl.example.com:{port}:127.0.0.1' 'https://curl.example.com:{port}/'

capture python.bin "python ssl" \
  "$(python3 -c 'import ssl, sys; print(f"Python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION}")')" \
  python.example.com "h2,http/1.1" -- \
  python3 python_client.py 127.0.0.1 '{port}' python.example.com h2 http/1.1

# Compile once up front, so that building does not eat into the capture's timeout.
timeout 300 go -C go-client build -o /dev/null .
go_version=$(go version)
capture go-mlkem.bin "go crypto/tls" "$go_version" go.example.com "h2,http/1.1" -- \
  go -C go-client run . -connect '127.0.0.1:{port}' -servername go.example.com -alpn h2,http/1.1
require go-mlkem.bin "hello['bytes'] > 1500 and 0x11ec in hello['key_share_groups']"

# A real hello past 16 KiB of handshake, which crypto/tls must split over two TLS records.
capture go-large.bin "go crypto/tls" "$go_version" large.example.com "h2,http/1.1$(filler_protocols 64)" -- \
  go -C go-client run . -connect '127.0.0.1:{port}' -servername large.example.com -alpn h2,http/1.1 \
  -alpn-fillers 64
require go-large.bin "hello['handshake_bytes'] > 16384 and hello['records'] >= 2"

if command -v chromium >/dev/null; then
  capture chromium.bin "chromium headless" "$(chromium --version 2>/dev/null)" chromium.example.com "h2,http/1.1" -- \
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    "--user-data-dir=$scratch/chromium-profile" \
    '--host-resolver-rules=MAP chromium.example.com 127.0.0.1' 'https://chromium.example.com:{port}/'
  require chromium.bin "0x11ec in hello['key_share_groups']"
else
  echo "capture-all.sh: chromium not installed (apt-get install -y chromium): chromium.bin kept as it was" >&2
fi
