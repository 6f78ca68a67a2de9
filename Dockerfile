# The image the renewer CronJob runs (`shgw token renew`): the statically linked shgw on an
# empty base. Nothing else is in it: no shell, no libc, no CA bundle. Azure's CA roots (the
# Mozilla set) are compiled into shgw; the Kubernetes API server is trusted through the pod's
# ServiceAccount ca.crt.
#
# Build the binary first (glibc, statically linked; CI checks it with ldd), then the image:
#
#   RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked -p shgw-cli \
#     --target x86_64-unknown-linux-gnu --target-dir target/static
#   docker build -t REGISTRY/shgw:0.1.0 .
#   docker push REGISTRY/shgw:0.1.0
#
# .dockerignore keeps the build context to that one file.
FROM scratch

ARG SHGW_BINARY=target/static/x86_64-unknown-linux-gnu/release/shgw

LABEL org.opencontainers.image.title="shgw" \
      org.opencontainers.image.description="Azure API Management self-hosted gateway manifests and token renewal (shgw token renew)" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"

# The path the rendered CronJob runs (shgw::defaults::RENEWER_BINARY).
COPY --chmod=0555 ${SHGW_BINARY} /usr/local/bin/shgw

# Numeric, so runAsNonRoot can verify it without an /etc/passwd.
USER 65532:65532

ENTRYPOINT ["/usr/local/bin/shgw"]
CMD ["--help"]
