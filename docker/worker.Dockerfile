# The Kestra image railclone runs on: Kestra 1.3 + the Node.js script plugin + what the clone steps call.
# Script tasks use the Process task runner, so they run inside this container: it needs `node` (20+,
# for dist/railclone.mjs), `pg_dump`/`psql` (PostgreSQL schema) and the MariaDB client.
#
#   docker build -f docker/worker.Dockerfile -t railclone-kestra:1.3.34 .
#
# The same image serves as standalone server and as extra workers (`server worker`) when one host
# is not enough.
ARG KESTRA_VERSION=1.3.34
ARG KESTRA_IMAGE=kestra/kestra:v${KESTRA_VERSION}-no-plugins
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS node

FROM ${KESTRA_IMAGE}
ARG PLUGIN_NODE_VERSION=1.9.8
ARG PG_MAJOR=17
USER root

# Node.js 20 from the official image (one self-contained binary, no npm needed at run time).
COPY --from=node /usr/local/bin/node /usr/local/bin/node

# PostgreSQL client from the PostgreSQL project (pg_dump must be at least as new as the source server),
# MariaDB client from the distribution.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl gnupg lsb-release; \
    install -d /usr/share/postgresql-common/pgdg; \
    curl -fsSL https://www.postgresql.org/media/keys/ACCC4CF8.asc -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc; \
    echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt $(lsb_release -cs)-pgdg main" > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" mariadb-client; \
    apt-get purge -y gnupg lsb-release; apt-get autoremove -y; rm -rf /var/lib/apt/lists/*; \
    node --version; pg_dump --version; mariadb --version

# The one plugin the flows need, pinned (built against Kestra 1.3.19).
RUN /app/kestra plugins install "io.kestra.plugin:plugin-script-node:${PLUGIN_NODE_VERSION}" \
    && ls /app/plugins | grep -q plugin-script-node

USER kestra
