#!/usr/bin/env bash
# A release: migrate as the owner of the tables, collect static files, queue the daily
# jobs, restart the web and worker processes. Run as root from the checkout
# (/srv/fejzo/app) after updating it; docs/deploy.md, "Release".
#
# The site's own role (DATABASE_URL) does not own the tables, so it cannot run migrations,
# alter the access record or switch off its triggers; only this script reads the owner's
# DATABASE_OWNER_URL, from a file of its own that the site's user cannot read
# (/etc/fejzo/release.env, root:root 0600), and only for `migrate`.
set -euo pipefail

APP_DIR=${FEJZO_APP_DIR:-/srv/fejzo/app}
ENV_FILE=${FEJZO_ENV_FILE:-/etc/fejzo/fejzo.env}
RELEASE_ENV_FILE=${FEJZO_RELEASE_ENV_FILE:-/etc/fejzo/release.env}
RUN_AS=${FEJZO_USER:-fejzo}
cd "$APP_DIR"

# The environment file the units use, for the commands below.
set -a
# shellcheck source=/dev/null
. "$ENV_FILE"
set +a
# The owner's address only, not exported: it reaches `migrate` alone, below.
DATABASE_OWNER_URL=$(
  # shellcheck source=/dev/null
  . "$RELEASE_ENV_FILE" && printf '%s' "${DATABASE_OWNER_URL:-}"
)
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.production}

manage() {
  runuser -u "$RUN_AS" -- env "$@"
}

if [ -z "${DATABASE_OWNER_URL:-}" ]; then
  echo "release: DATABASE_OWNER_URL is not set in $RELEASE_ENV_FILE (the owner's role, for migrate)" >&2
  exit 2
fi

echo "== check"
manage .venv/bin/python manage.py check --deploy --fail-level WARNING

echo "== migrate (as the owner of the tables)"
manage DATABASE_URL="$DATABASE_OWNER_URL" .venv/bin/python manage.py migrate --noinput

echo "== static files"
manage .venv/bin/python manage.py collectstatic --noinput --verbosity 0

echo "== restart"
# Units this machine runs (web on the ports in FEJZO_WEB_PORTS, workers FEJZO_WORKERS).
for port in ${FEJZO_WEB_PORTS:-8001}; do
  systemctl restart "fejzo-web@$port.service"
done
for number in $(seq 1 "${FEJZO_WORKERS:-1}"); do
  systemctl restart "fejzo-worker@$number.service"
done

echo "== jobs"
# After every deploy: a new daily job is queued now, not after the next reboot.
systemctl start fejzo-jobs-ensure.service
echo "release done"
