# The pipeline's image: every role and the ops CLI, one process per container.
#
#   docker build -t registry.example.internal/multicase-ongoing-pipeline:0.1.0 \
#     --build-arg REVISION=$(git rev-parse --short HEAD) .
#   docker push registry.example.internal/multicase-ongoing-pipeline:0.1.0
#
# Run a role:   docker run … <image> dist/pipeline/main.js processors
# Run ops:      docker run … <image> dist/pipeline/ops/cli.js setup
#
# test/production-install.test.ts builds the runtime stage's file set the same way (package files,
# `npm ci --omit=dev`, the compiled deployable folders) and starts every role and the CLI from it.

ARG NODE_IMAGE=node:20-bookworm-slim

# Compiles the deployable folders only (tsconfig.build.json): no tests, no local tools.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schemas ./schemas
COPY runtime ./runtime
COPY connectors ./connectors
COPY processors ./processors
COPY sinks ./sinks
COPY pipeline ./pipeline
RUN npx tsc -p tsconfig.build.json

# Production dependencies and the compiled code, run by tini (it forwards SIGTERM to node, which
# stops consuming, hands its leases over and exits) as a numeric non-root user, so that
# Kubernetes' runAsNonRoot can check it.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
ARG REVISION=unknown
ENV PIPELINE_BUILD_REVISION=${REVISION}
USER 10001:10001
EXPOSE 9464 8088
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["dist/pipeline/main.js", "all"]
