# One image with both programs, snigate-controller and snigate-dataplane; the Helm chart runs each
# as its own container of one pod. The build stage runs the README's steps, so the image holds what
# CI builds and tests.

FROM debian:12 AS build
WORKDIR /src
# The install script alone first: its layer is reused until the script itself changes.
COPY scripts/install-deps scripts/install-kube-tools scripts/
RUN scripts/install-deps && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
 && ninja -C build snigate-dataplane snigate-controller \
 && strip build/bin/snigate-dataplane build/bin/snigate-controller

FROM debian:12-slim
COPY scripts/install-deps /usr/local/lib/snigate/install-deps
RUN /usr/local/lib/snigate/install-deps --runtime \
 && rm -rf /var/lib/apt/lists/* /usr/local/lib/snigate
COPY --from=build /src/build/bin/snigate-dataplane /src/build/bin/snigate-controller /usr/local/bin/
# Each program starts once, so the build fails when the runtime packages miss a library it loads.
RUN /usr/local/bin/snigate-dataplane --version && /usr/local/bin/snigate-controller --help >/dev/null
# 65532 is the non-root uid of distroless images: the chart's securityContext asks for it too.
USER 65532:65532
CMD ["/usr/local/bin/snigate-dataplane", "--help"]
