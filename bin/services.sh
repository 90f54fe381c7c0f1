# Sourced by bin/test and bin/bench: starts throwaway PostgreSQL and Redis instances (installing
# postgresql, redis-server and chromium with apt-get when run as root and they are missing)
# unless DATABASE_URL / REDIS_URL are set, exports their URLs, and removes them on exit. If
# that is impossible it says so and falls back to SQLite and the SQLite-file broker.
# shellcheck shell=bash
PY=.venv/bin/python
WORK="$(mktemp -d /tmp/portal-test.XXXXXX)"
PG_PORT="${TEST_PG_PORT:-55432}"
REDIS_PORT="${TEST_REDIS_PORT:-56379}"
started_pg="" started_redis=""

cleanup() {
  [ -n "$started_pg" ] && run_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -n "$started_redis" ] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v chromium >/dev/null || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need_apt[*]} with apt-get…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

run_pg() {  # PostgreSQL refuses to run as root: run its tools as the postgres user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -z "${DATABASE_URL:-}" ]; then
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  if [ -n "$PG_BIN" ]; then
    mkdir -p "$WORK/pg" "$WORK/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$WORK" && chmod 755 "$WORK"
    run_pg "$PG_BIN/initdb" -D "$WORK/pg" -U portal --auth=trust -E UTF8 >/dev/null
    run_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
      -o "-p $PG_PORT -k $WORK/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    started_pg=1
    export DATABASE_URL="postgres://portal@127.0.0.1:${PG_PORT}/portal"
    run_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U portal portal
    echo "PostgreSQL: throwaway instance on port $PG_PORT ($("$PG_BIN/postgres" --version))"
  else
    echo "FALLBACK: no PostgreSQL binaries and cannot install them: tests run on SQLite." >&2
  fi
else
  echo "PostgreSQL: using DATABASE_URL from the environment"
fi

if [ -z "${REDIS_URL:-}" ]; then
  if command -v redis-server >/dev/null; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize yes --dir "$WORK" --logfile "$WORK/redis.log"
    started_redis=1
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    export REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"
    echo "Redis: throwaway instance on port $REDIS_PORT ($(redis-server --version | cut -d' ' -f3))"
  else
    echo "FALLBACK: no redis-server and cannot install it: Celery uses the SQLite-file broker." >&2
  fi
else
  echo "Redis: using REDIS_URL from the environment"
fi
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-${REDIS_URL:-}}"
[ -n "$CELERY_BROKER_URL" ] || unset CELERY_BROKER_URL

