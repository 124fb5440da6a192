# One image with both programs, snigate-controller and snigate-dataplane; the Helm chart runs each
# as its own container of one pod. The build stage installs only what compiling needs (no test
# tools, no kubectl or helm) from Debian's packages, so it builds on any architecture Debian has.
#   docker build -t snigate:0.1.0 --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse HEAD)" .
# Where debian:12 cannot be pulled, scripts/debian-base-images makes it from Debian's packages.

FROM debian:12 AS build
WORKDIR /src
# The install script alone first: its layer is reused until the script itself changes.
COPY scripts/install-deps scripts/
RUN scripts/install-deps --build && rm -rf /var/lib/apt/lists/*
# Only the sources of the two programs: a change to tests, charts or docs reuses the compile.
COPY CMakeLists.txt ./
COPY dataplane dataplane/
COPY controller controller/
# RelWithDebInfo (-O2), stripped: the optimization level the test command builds and tests (GCC 12
# at Release's -O3 also stops on false -Wrestrict warnings in std::string concatenation).
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSNIGATE_TESTS=OFF \
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
# Last, so a new version or revision reuses every layer above.
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="snigate" \
      org.opencontainers.image.description="Kubernetes SNI ingress controller: a TLS passthrough dataplane routing by server name, and its controller" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:12-slim"
CMD ["/usr/local/bin/snigate-dataplane", "--help"]
