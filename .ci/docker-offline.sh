#!/usr/bin/env bash
# A real Docker engine on a machine that reaches only Debian's and npm's package registries.
#
#   bash .ci/docker-offline.sh            # engine + docker-compose + base images
#   bash .ci/docker-offline.sh --check    # exit 0 only if all of it is ready
#
# .ci/run runs it when no engine answers (before the tests, so the integration tests use
# testcontainers and `pnpm test:deploy` finds the engine); `pnpm test:deploy` runs it itself
# under CI=true or when ARCP_DOCKER_SETUP names it. Never on a machine that can pull images:
# there the real base images are wanted, not these stand-ins.
#
# 1. Installs docker.io, docker-compose (v1.29, the `docker-compose` command; Debian has no v2
#    plugin) and debootstrap from Debian if missing; starts dockerd (setsid, overlay2, falling
#    back to vfs) if no engine answers. Root only.
# 2. Builds local images under the public names that the project's Dockerfile and
#    docker-compose.yml pull, because no image registry is reachable here:
#      node:20-bookworm-slim   Debian bookworm (debootstrap minbase) + this machine's Node 20 and
#                              npm, a `node` user (uid 1000), the machine's CA bundle
#      nats:2.10-alpine        + Debian's nats-server (entrypoint nats-server) and wget
#      nginx:1.27-alpine       + Debian's nginx-light (conf.d included, no default site)
#      prom/prometheus:v2.53.0 + Debian's prometheus (entrypoint the prometheus binary)
#    They stand in for the official images with the same entrypoints and paths that the project
#    uses; Grafana has no Debian package, so grafana/grafana cannot be built here: start the
#    compose services you need by name. Each image is labelled local.standin=true. Idempotent:
#    an image that exists is kept (FORCE=1 rebuilds).
#
# Builds: the engine is 20.10 without buildx, so use the classic builder and the host network
#   DOCKER_BUILDKIT=0 docker build --network host --build-arg SERVICE=registry -t arcp/registry .
# (BuildKit would try to pull the `# syntax=` frontend image.) Containers reach each other on
# compose's own bridge network; tests send traffic only to 127.0.0.1 and those containers.
set -euo pipefail

log() { printf '[docker-offline] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

engine_up() { docker info >/dev/null 2>&1; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
IMAGES=(node:20-bookworm-slim nats:2.10-alpine nginx:1.27-alpine prom/prometheus:v2.53.0)

if [ "${1:-}" = "--check" ]; then
  engine_up || { log "no Docker engine answers"; exit 1; }
  command -v docker-compose >/dev/null || { log "docker-compose missing"; exit 1; }
  for i in "${IMAGES[@]}"; do have_image "$i" || { log "image $i missing"; exit 1; }; done
  exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts dockerd)"
work=${DOCKER_OFFLINE_DIR:-/var/cache/docker-offline}
mkdir -p "$work"

# --- 1. engine --------------------------------------------------------------------------
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} from Debian"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! engine_up; then
  for driver in overlay2 vfs; do
    log "starting dockerd (storage driver $driver)"
    setsid dockerd --storage-driver="$driver" >"$work/dockerd.log" 2>&1 < /dev/null &
    echo $! >"$work/dockerd.pid"
    for _ in $(seq 1 60); do engine_up && break; sleep 0.5; done
    engine_up && break
    kill "$(cat "$work/dockerd.pid")" 2>/dev/null || true; sleep 1
  done
  engine_up || die "dockerd did not start; see $work/dockerd.log"
  log "engine up (pid $(cat "$work/dockerd.pid"), log $work/dockerd.log)"
fi

# --- 2. base image: node:20-bookworm-slim ------------------------------------------------
mirror() {
  # the Debian mirror this machine's apt already uses (deb822 .sources or one-line lists)
  { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' || true
    grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' || true
  } 2>/dev/null | grep -i debian | grep -vi security | head -1 || true
}

if [ "${FORCE:-0}" = 1 ] || ! have_image node:20-bookworm-slim; then
  node_bin=$(readlink -f "$(command -v node)") || die "node not found"
  case "$("$node_bin" -v)" in v20.*) ;; *) log "warning: host node is $("$node_bin" -v), the images expect 20";; esac
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  [ -f "$npm_dir/package.json" ] || die "npm package not found next to $(command -v npm)"
  url=$(mirror); [ -n "$url" ] || die "no Debian mirror in /etc/apt/sources*"
  root="$work/rootfs"
  if [ ! -x "$root/bin/bash" ]; then
    log "debootstrap bookworm (minbase) into $root"
    rm -rf "$root"
    debootstrap --variant=minbase --include=ca-certificates,wget bookworm "$root" "$url" >"$work/debootstrap.log" 2>&1 \
      || die "debootstrap failed; see $work/debootstrap.log"
  fi
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  rm -rf "$root/usr/local/lib/node_modules/npm"; mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # the machine's extra CAs (a TLS-inspecting egress needs them for npm inside builds)
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
  chroot "$root" update-ca-certificates >/dev/null 2>&1 || true
  chroot "$root" getent passwd node >/dev/null || {
    chroot "$root" groupadd -g 1000 node && chroot "$root" useradd -u 1000 -g node -m -s /bin/bash node; }
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  log "importing node:20-bookworm-slim"
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    -c 'LABEL local.standin=true' -c 'CMD ["node"]' - node:20-bookworm-slim >/dev/null
fi

# --- 3. nats, nginx, prometheus on that base -----------------------------------------------
ctx="$work/standins"; mkdir -p "$ctx"
cat >"$ctx/Dockerfile" <<'EOF'
FROM node:20-bookworm-slim AS nats
RUN apt-get update -qq && apt-get install -y -qq nats-server >/dev/null && rm -rf /var/lib/apt/lists/*
LABEL local.standin=true
ENTRYPOINT ["nats-server"]

FROM node:20-bookworm-slim AS nginx
RUN apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
LABEL local.standin=true
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]

FROM node:20-bookworm-slim AS prometheus
RUN apt-get update -qq && apt-get install -y -qq prometheus >/dev/null && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown nobody:nogroup /prometheus
LABEL local.standin=true
USER nobody
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
EOF
for pair in nats:nats:2.10-alpine nginx:nginx:1.27-alpine prometheus:prom/prometheus:v2.53.0; do
  target=${pair%%:*}; tag=${pair#*:}
  if [ "${FORCE:-0}" = 1 ] || ! have_image "$tag"; then
    log "building $tag"
    DOCKER_BUILDKIT=0 docker build -q --network host --target "$target" -t "$tag" "$ctx" >"$work/build-$target.log" 2>&1 \
      || die "building $tag failed; see $work/build-$target.log"
  fi
done
log "ready: $(for i in "${IMAGES[@]}"; do printf '%s ' "$i"; done)"
