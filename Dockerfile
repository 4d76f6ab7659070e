# One image per ARCP service from one file:
#   docker build --build-arg SERVICE=gateway-public -t arcp/gateway-public:0.1.0 .
# SERVICE is a directory of services/: registry | metrics | gateway-public | gateway-agents |
# gateway-dashboard | standalone. The base is Debian (glibc): the uWebSockets.js binary does not
# load on musl/alpine. Works with BuildKit and with the classic builder (DOCKER_BUILDKIT=0): no
# `# syntax=` line (BuildKit would pull a frontend image) and no BuildKit-only instructions.
#
# Stages, most expensive first and shared by every service, so building the five images costs
# one dependency install and one TypeScript build plus a small deploy step per service:
#   pnpm      → the pinned pnpm
#   manifests → every package.json of the workspace (found, never listed here)
#   deps      → `pnpm fetch` (cached until pnpm-lock.yaml changes), then the install from the
#               manifests (cached until one of them changes)
#   build     → sources, `tsc -b` over the whole workspace (cached until a source changes)
#   deploy    → the first stage that reads SERVICE: `pnpm deploy --prod` of that service
#   runtime   → only the deployed directory, production dependencies, non-root

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS pnpm
# The same pnpm as package.json's packageManager (a deploy check keeps them equal); corepack's
# signature check fails offline.
ARG PNPM_VERSION=10.34.9
RUN npm install -g "pnpm@${PNPM_VERSION}" && npm cache clean --force
WORKDIR /repo

FROM pnpm AS manifests
# The workspace's manifests with their paths, whatever packages exist: the install layer below
# then changes only when a manifest does, not on every source edit.
COPY . /context
RUN cd /context \
 && find . -name node_modules -prune -o \( -name package.json -o -name pnpm-lock.yaml -o -name pnpm-workspace.yaml -o -name .npmrc \) -print \
    | xargs cp --parents -t /repo \
 && rm -rf /context

FROM pnpm AS deps
# The lockfile alone: the whole download, reused until dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY --from=manifests /repo/ ./
RUN pnpm install --frozen-lockfile --offline

FROM deps AS build
COPY . .
# tsc -b over every workspace package that ships compiled output (tsconfig.build.json is
# generated from the workspace's dependency graph), once for all services.
RUN pnpm exec tsc -b tsconfig.build.json
# The operator web page (@arcp/dashboard-ui dist/web: hashed assets bundled by esbuild), which
# gateway-dashboard and standalone serve at /dashboard; `deploy` copies it with the package.
RUN pnpm run build:dashboard

FROM build AS deploy
ARG SERVICE
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=<a directory of services/> is required" >&2; exit 1; } \
 && test -f "services/$SERVICE/tsconfig.build.json" || { echo "unknown SERVICE '$SERVICE' (no services/$SERVICE)" >&2; exit 1; }
# A self-contained directory: the service's dist, its production dependencies at the versions
# of pnpm-lock.yaml (injected workspace packages let `deploy` use the shared lockfile, offline),
# and the workspace packages it uses (their `files: ["dist"]`) copied in, not symlinked. Then
# the uWebSockets.js binaries for other OSes, CPUs and Node ABIs (~110 MB) go: only
# uws_linux_<arch>_<abi>.node of this image stays. A service that does not use uWebSockets.js
# (metrics: only the ops server of service-kit, on node:http) has none to keep.
RUN pnpm --filter "./services/$SERVICE" deploy --prod --offline --config.inject-workspace-packages=true /out \
 && test -f /out/dist/main.js \
 && { [ "$SERVICE" != gateway-dashboard ] && [ "$SERVICE" != standalone ] || test -n "$(find /out/node_modules -path '*dashboard-ui/dist/web/index.html' | head -1)"; } \
 && rm -rf /out/src /out/tsconfig.build.json /out/pnpm-lock.yaml \
 && keep="uws_$(node -p "process.platform+'_'+process.arch+'_'+process.versions.modules").node" \
 && find /out/node_modules/.pnpm -path '*uws-js-unofficial*' -name 'uws_*.node' ! -name "$keep" -delete \
 && { [ -z "$(find /out/node_modules/.pnpm -maxdepth 1 -name '*uws-js-unofficial*')" ] || test -n "$(find /out/node_modules/.pnpm -name "$keep")"; }

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="arcp-${SERVICE}" \
      org.opencontainers.image.description="ARCP realtime: ${SERVICE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    ARCP_SERVICE=${SERVICE} \
    OPS_PORT=9464 \
    REGISTRY_PORT=8080 \
    GATEWAY_PORT=8080 \
    ARCP_PORT=8080
WORKDIR /app
COPY --from=deploy --chown=root:root /out /app
# The image's `node` user (uid 1000); nothing under /app is writable by it, and nothing else is
# written at run time (the root filesystem can be read-only).
USER node
# 8080: the registry HTTP API, a gateway's WebSocket path, or the standalone product (all on
# one port). 9464: /metrics, /healthz, /readyz (internal: never publish it to the internet).
EXPOSE 8080 9464
# No curl or wget in the slim image: Node's fetch probes readiness on the ops port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPS_PORT||9464)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The services drain on SIGTERM within SHUTDOWN_TIMEOUT_S (default 25 s).
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/main.js"]
