# syntax=docker/dockerfile:1
# FieldOps360 — one static-ish binary (cgo + SQLite) on a slim Debian, non-root, /data volume.
#
#   docker build \
#     --build-arg BUILDER_IMAGE=golang:1.27-bookworm@sha256:<digest> \
#     --build-arg RUNTIME_IMAGE=debian:bookworm-slim@sha256:<digest> \
#     --build-arg VERSION=$(git describe --tags --always) \
#     --build-arg REVISION=$(git rev-parse HEAD) \
#     --build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) -t fieldops .
#
# Reproducible: base images pinned by digest (ci.yml resolves the tags once and passes the digests,
# recorded in the image labels), Debian packages from a dated snapshot, -trimpath, timestamps from
# SOURCE_DATE_EPOCH. docs/deployment.md has the details.

ARG BUILDER_IMAGE=golang:1.27-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------- build
FROM ${BUILDER_IMAGE} AS build
WORKDIR /src
ENV GOTOOLCHAIN=go1.27.3 \
    CGO_ENABLED=1 \
    GOFLAGS=-tags=no_default_driver
# Modules first: this layer is cached until go.mod/go.sum change.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    make build VERSION="${VERSION}" \
 && ./bin/fieldops --version

# ---------------------------------------------------------------- runtime
FROM ${RUNTIME_IMAGE}
ARG DEBIAN_SNAPSHOT=20261125T000000Z
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# ca-certificates: S3 replicas, ACME, SMTP; curl: HEALTHCHECK and smoke tests; tzdata: tenants'
# time zones. Packages come from a dated Debian snapshot (same bytes at every rebuild).
RUN printf 'Types: deb\nURIs: http://snapshot.debian.org/archive/debian/%s\nSuites: bookworm bookworm-updates\nComponents: main\nCheck-Valid-Until: no\n\nTypes: deb\nURIs: http://snapshot.debian.org/archive/debian-security/%s\nSuites: bookworm-security\nComponents: main\nCheck-Valid-Until: no\n' \
      "${DEBIAN_SNAPSHOT}" "${DEBIAN_SNAPSHOT}" > /etc/apt/sources.list.d/debian.sources \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /var/cache/debconf/*-old \
 && groupadd --system --gid 65532 fieldops \
 && useradd --system --uid 65532 --gid 65532 --home-dir /data --no-create-home --shell /usr/sbin/nologin fieldops \
 && mkdir -p /data \
 && chown 65532:65532 /data

COPY --from=build --chown=root:root --chmod=0755 /src/bin/fieldops /usr/local/bin/fieldops

ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
ARG BUILDER_IMAGE
ARG RUNTIME_IMAGE
LABEL org.opencontainers.image.title="FieldOps360" \
      org.opencontainers.image.description="Pilotage des équipes terrain (BTP, électricité, TP): platform and tenants in one binary" \
      org.opencontainers.image.vendor="FieldOps360" \
      org.opencontainers.image.url="https://fieldops360.fr" \
      org.opencontainers.image.source="https://github.com/fieldops360/fieldops" \
      org.opencontainers.image.documentation="https://github.com/fieldops360/fieldops/blob/main/docs/deployment.md" \
      org.opencontainers.image.licenses="LicenseRef-FieldOps360-Proprietary" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}" \
      fr.fieldops360.builder-image="${BUILDER_IMAGE}"

ENV FIELDOPS_DIR=/data \
    FIELDOPS_HTTP=0.0.0.0:8090 \
    FIELDOPS_TLS=off \
    TZ=Europe/Paris
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8090
# /healthz answers on any Host header while the process is up.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8090/healthz"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/fieldops"]
CMD ["serve"]
