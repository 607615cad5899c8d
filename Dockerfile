# The Hoist image: the `hoist` command for CI systems that run steps in containers
# (`docker run IMAGE build …`), and the runtime of the GitLab components (a job's shell runs as
# given; the components run node /opt/hoist/dist/index.js). Rootless BuildKit
# (buildctl-daemonless.sh, the default builder in a job), Node 24, the bundle, git and ssh.
# Hoist builds and pushes it itself: the component project's pipeline (scripts/catalog.mjs) with
# the build component of the same commit; test/integration/dist-image.test.ts with the CLI.
#   hoist build --context . --file Dockerfile --images registry.example.com/hoist/hoist …
# The bases are build arguments: where moby/buildkit or node cannot be pulled (a closed network,
# the lab), any base with a shell, git and ssh stands in, with PACKAGES empty and a Node image of
# its own.
ARG NODE_IMAGE=node:24-alpine
ARG BUILDKIT_IMAGE=moby/buildkit:rootless
FROM ${NODE_IMAGE} AS node

FROM ${BUILDKIT_IMAGE}
USER root
ARG PACKAGES="ca-certificates git libgcc libstdc++ openssh-client"
RUN if [ -n "$PACKAGES" ]; then apk add --no-cache $PACKAGES; fi
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY dist/ /opt/hoist/dist/
# `hoist` on PATH (no /usr/bin/env needed); the entrypoint runs it for a Hoist command (or a flag) and anything else as
# given, so a GitLab job's shell, `sh -c …` or `node …` work in the same image.
RUN printf '%s\n' '#!/bin/sh' 'exec node /opt/hoist/dist/cli.js "$@"' >/usr/local/bin/hoist \
 && printf '%s\n' '#!/bin/sh' \
      'case "$1" in build|promote|merge|stale|tags|audit|-*) exec /usr/local/bin/hoist "$@" ;; esac' \
      'exec "$@"' >/usr/local/bin/hoist-entrypoint \
 && chmod 755 /usr/local/bin/hoist /usr/local/bin/hoist-entrypoint
USER 1000:1000
# Rootless BuildKit inside an unprivileged job container needs no process sandbox of its own.
ENV BUILDKITD_FLAGS=--oci-worker-no-process-sandbox
ENTRYPOINT ["/usr/local/bin/hoist-entrypoint"]
CMD ["hoist", "--help"]
