# syntax=docker/dockerfile:1
# One image per ARCP service from one file:
#   docker build --build-arg SERVICE=gateway-public -t arcp/gateway-public .
# SERVICE is one of registry | metrics | gateway-public | gateway-agents | gateway-dashboard |
# standalone. The base is Debian (glibc): the uWebSockets.js binary does not load on musl/alpine.
# Stages: deps (lockfile only, cached until pnpm-lock.yaml changes) → build (tsc for the chosen
# service and its workspace dependencies, then `pnpm deploy --prod` into /out) → runtime (only
# /out, production dependencies, non-root).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS pnpm
# Same pnpm as package.json's packageManager; corepack's signature check fails offline.
RUN npm install -g pnpm@10.34.9 && npm cache clean --force
WORKDIR /repo

FROM pnpm AS deps
# Only the lockfile: this layer (the whole download) is reused until dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch

FROM deps AS build
ARG SERVICE
RUN test -n "$SERVICE" || { echo "--build-arg SERVICE=<registry|metrics|gateway-public|gateway-agents|gateway-dashboard|standalone> is required" >&2; exit 1; }
COPY . .
RUN test -f "services/$SERVICE/package.json" || { echo "unknown SERVICE '$SERVICE' (no services/$SERVICE)" >&2; exit 1; }
RUN pnpm install --frozen-lockfile --offline
# tsc -b follows the project references: the service and the workspace packages it imports.
RUN pnpm exec tsc -b "services/$SERVICE/tsconfig.build.json"
# The operator web page (@arcp/dashboard-ui dist/web: hashed assets bundled by esbuild), which
# gateway-dashboard and standalone serve at /dashboard; `pnpm deploy` copies it with the package.
RUN pnpm run build:dashboard
# A self-contained directory: the service's dist, its production dependencies, and the
# workspace packages it uses (their `files: ["dist"]`) copied in, not symlinked.
RUN pnpm --filter "@arcp/$SERVICE" deploy --prod --legacy /out \
 && test -f /out/dist/main.js \
 && { [ "$SERVICE" != gateway-dashboard ] && [ "$SERVICE" != standalone ] || test -n "$(find /out/node_modules/.pnpm -path '*dashboard-ui/dist/web/index.html')"; } \
 && rm -rf /out/src /out/tsconfig.build.json
# The uWebSockets.js package carries binaries for every OS, CPU and Node ABI (~110 MB); keep
# the one this image loads (uws_linux_<arch>_<abi>.node).
RUN keep="uws_$(node -p "process.platform+'_'+process.arch+'_'+process.versions.modules").node" \
 && find /out/node_modules/.pnpm -path '*uws-js-unofficial*' -name 'uws_*.node' ! -name "$keep" -delete \
 && test -n "$(find /out/node_modules/.pnpm -name "$keep")"

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="arcp-${SERVICE}" \
      org.opencontainers.image.description="ARCP realtime: ${SERVICE}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    ARCP_SERVICE=${SERVICE} \
    OPS_PORT=9464 \
    REGISTRY_PORT=8080 \
    GATEWAY_PORT=8080 \
    ARCP_PORT=8080
WORKDIR /app
COPY --from=build --chown=root:root /out /app
# The image's `node` user (uid 1000); nothing under /app is writable by it.
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
