/**
 * Shell scripts the VMs run, kept as plain text so that tests can hand each one to shellcheck.
 * They read their settings from /etc/blkshp/bootstrap.env (no secrets) and their secrets from
 * /etc/blkshp/secrets.json, which `blkshp-secrets` fetches from the cloud's secret store.
 */

const PRELUDE = `#!/bin/bash
set -euo pipefail
# shellcheck source=/dev/null
. /etc/blkshp/bootstrap.env
log() { logger -s -t "$(basename "$0")" -- "$*"; }
secret() { jq -er --arg k "$1" '.[$k]' /etc/blkshp/secrets.json; }
compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose --project-directory /etc/blkshp -f /etc/blkshp/compose.yaml "$@"
  else
    docker-compose --project-directory /etc/blkshp -f /etc/blkshp/compose.yaml "$@"
  fi
}
`;

/** Fetches the property's secrets with the VM's own identity (AWS, GCP) or its Spaces key. */
export const SECRETS_SCRIPT = `${PRELUDE}
umask 077
out=/etc/blkshp/secrets.json
tmp=$(mktemp /etc/blkshp/secrets.XXXXXX)
case "$SECRETS_SOURCE" in
  aws-ssm)
    imds=http://169.254.169.254/latest
    token=$(curl -sfX PUT "$imds/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
    role=$(curl -sf -H "X-aws-ec2-metadata-token: $token" "$imds/meta-data/iam/security-credentials/")
    creds=$(curl -sf -H "X-aws-ec2-metadata-token: $token" \\
      "$imds/meta-data/iam/security-credentials/$role")
    # Credentials go to curl on stdin, never on its command line.
    printf 'user = "%s:%s"\\nheader = "x-amz-security-token: %s"\\n' \\
      "$(jq -r .AccessKeyId <<<"$creds")" "$(jq -r .SecretAccessKey <<<"$creds")" \\
      "$(jq -r .Token <<<"$creds")" |
      curl -sf -K - --aws-sigv4 "aws:amz:$SECRETS_REGION:ssm" \\
        -H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: AmazonSSM.GetParameter' \\
        -d "{\\"Name\\":\\"$SECRETS_NAME\\",\\"WithDecryption\\":true}" \\
        "https://ssm.$SECRETS_REGION.amazonaws.com/" | jq -er .Parameter.Value >"$tmp"
    ;;
  gcp-secret-manager)
    token=$(curl -sf -H 'Metadata-Flavor: Google' \\
      http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token |
      jq -r .access_token)
    printf 'header = "Authorization: Bearer %s"\\n' "$token" |
      curl -sf -K - "https://secretmanager.googleapis.com/v1/$SECRETS_NAME/versions/latest:access" |
      jq -er .payload.data | base64 -d >"$tmp"
    ;;
  do-spaces)
    rclone --config /etc/blkshp/rclone.conf cat "secrets:$SECRETS_NAME" >"$tmp"
    ;;
  *)
    log "unknown secrets source $SECRETS_SOURCE"
    exit 1
    ;;
esac
jq -e .dbRootPassword "$tmp" >/dev/null
mv "$tmp" "$out"
`;

/** First-boot set-up: data disk, secrets, database, NFS, containers, the site. Idempotent. */
export const BOOTSTRAP_SCRIPT = `${PRELUDE}
umask 022
nft -f /etc/blkshp/metadata-guard.nft || log "metadata guard not loaded"

mount_data() {
  [ -n "$DATA_DEVICE" ] || return 0
  for _ in $(seq 1 60); do
    [ -e "$DATA_DEVICE" ] && break
    sleep 5
  done
  if ! blkid "$DATA_DEVICE" >/dev/null 2>&1; then
    mkfs.ext4 -q -L blkshp-data "$DATA_DEVICE"
  fi
  uuid=$(blkid -s UUID -o value "$DATA_DEVICE")
  mkdir -p /mnt/data
  grep -q "$uuid" /etc/fstab || echo "UUID=$uuid /mnt/data ext4 defaults,nofail 0 2" >>/etc/fstab
  mountpoint -q /mnt/data || mount /mnt/data
}

private_ip() {
  ip -4 route get "$PRIVATE_PROBE" | awk '{ for (i = 1; i < NF; i++) if ($i == "src") print $(i + 1) }'
}

write_database_files() {
  umask 077
  install -d -m 0750 -o root -g 999 /etc/blkshp/db-init
  printf 'MARIADB_ROOT_PASSWORD=%s\\nMARIADB_ROOT_HOST=%%\\n' "$(secret dbRootPassword)" \\
    >/etc/blkshp/db.env
  if [ "$ROLE" = db-primary ]; then
    printf "CREATE USER IF NOT EXISTS 'repl'@'%%' IDENTIFIED BY '%s';\\n" \\
      "$(secret dbRootPassword)" >/etc/blkshp/db-init/10-replication.sql
    echo "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';" >>/etc/blkshp/db-init/10-replication.sql
    chgrp 999 /etc/blkshp/db-init/10-replication.sql
    chmod 0640 /etc/blkshp/db-init/10-replication.sql
  fi
  install -d -o 999 -g 999 "$MYSQL_PATH"
  umask 022
}

# TODO(db failover): promoting the replica is manual (STOP SLAVE, read_only=0, new db_host);
# automate it once the control plane has a failover operation.
start_replication() {
  [ -f "$MYSQL_PATH/.blkshp-replica" ] && return 0
  for _ in $(seq 1 60); do
    compose exec -T db healthcheck.sh --connect >/dev/null 2>&1 && break
    sleep 5
  done
  sql="CHANGE MASTER TO MASTER_HOST='$PRIMARY_HOST', MASTER_USER='repl',"
  sql="$sql MASTER_PASSWORD='$(secret dbRootPassword)', MASTER_USE_GTID=slave_pos; START SLAVE;"
  compose exec -T -e MYSQL_PWD="$(secret dbRootPassword)" db mariadb -uroot -e "$sql"
  touch "$MYSQL_PATH/.blkshp-replica"
}

export_sites() {
  echo "$SITES_PATH $PRIVATE_CIDR(rw,sync,no_subtree_check,no_root_squash)" >/etc/exports
  exportfs -ra
  systemctl enable --now nfs-server
}

create_site() {
  [ -f "$SITES_PATH/.blkshp-site-created" ] && return 0
  compose run --rm configurator
  if [ "$DB_MANAGED" = 1 ]; then
    # RDS forbids GRANT ALL; Frappe narrows its grants when it knows.
    compose run --rm --no-deps scheduler bench set-config -g rds_db 1
  fi
  for attempt in $(seq 1 30); do
    if compose run --rm --no-deps scheduler bench new-site "$SITE" \\
      --mariadb-user-host-login-scope=% --db-root-username "$DB_ROOT_USER" \\
      --db-root-password "$(secret dbRootPassword)" --db-password "$(secret dbAppPassword)" \\
      --admin-password "$(secret siteAdminPassword)" --install-app erpnext --set-default; then
      break
    fi
    log "new-site attempt $attempt failed; the database may not be up yet"
    sleep 20
  done
  compose run --rm --no-deps scheduler bench --site "$SITE" set-config encryption_key \\
    "$(secret siteEncryptionKey)"
  compose run --rm --no-deps scheduler bench --site "$SITE" set-config -p rate_limit \\
    '{"limit": 600, "window": 3600}'
  touch "$SITES_PATH/.blkshp-site-created"
}

mount_data
/usr/local/sbin/blkshp-secrets
echo "PRIVATE_IP=$(private_ip)" >/etc/blkshp/.env
case "$ROLE" in
  all-in-one | app | worker) install -d -o 1000 -g 1000 "$SITES_PATH" ;;
esac
case "$ROLE" in
  all-in-one | db-primary | db-replica) write_database_files ;;
esac
[ "$ROLE" = worker ] && export_sites
[ -x /usr/local/sbin/blkshp-agent ] && /usr/local/sbin/blkshp-agent

systemctl enable --now docker
compose pull --quiet
compose up -d --remove-orphans
case "$ROLE" in
  all-in-one | app | worker) create_site ;;
  db-replica) start_replication ;;
esac
[ "$TLS_ON_BOX" = 1 ] && /usr/local/sbin/blkshp-tls
systemctl reload nginx 2>/dev/null || true
log "bootstrap of $ROLE finished"
`;

/** Encrypted backup of database and files, copied to every backup bucket. */
export const BACKUP_SCRIPT = `${PRELUDE}
umask 077
stamp=$(date -u +%Y%m%dT%H%M%SZ)
inside="/home/frappe/frappe-bench/sites/$SITE/private/backups/$stamp"
compose exec -T scheduler bench --site "$SITE" backup --with-files --compress \\
  --backup-path "$inside"
src="$SITES_PATH/$SITE/private/backups/$stamp"
out=$(mktemp -d /var/tmp/blkshp-backup.XXXXXX)
trap 'rm -rf "$out" "$src"' EXIT
for file in "$src"/*; do
  gpg --batch --yes --pinentry-mode loopback --passphrase-file <(secret backupEncryptionKey) \\
    --symmetric --cipher-algo AES256 -o "$out/$(basename "$file").gpg" "$file"
done
# Retention is the buckets' lifecycle rule; nothing is pruned here.
for target in $BACKUP_TARGETS; do
  rclone --config /etc/blkshp/rclone.conf copy "$out" "$target/backups/$stamp"
done
log "backup $stamp copied to $BACKUP_TARGETS"
`;

/** GET /api/method/ping every few minutes; three misses in a row restart the web containers. */
export const HEALTH_SCRIPT = `${PRELUDE}
state=/run/blkshp-health.failures
if curl -fsS --max-time 10 -H "Host: $SITE" http://127.0.0.1:8080/api/method/ping |
  grep -q pong; then
  rm -f "$state"
  exit 0
fi
failures=$(($(cat "$state" 2>/dev/null || echo 0) + 1))
echo "$failures" >"$state"
log "ping failed ($failures in a row)"
if [ "$failures" -ge 3 ]; then
  log "restarting the web containers"
  compose restart backend websocket frontend
  rm -f "$state"
fi
`;

/** Let's Encrypt on the box (starter): retried from cron until DNS points here. */
export const TLS_SCRIPT = `${PRELUDE}
if [ ! -f "/etc/letsencrypt/live/$SITE/fullchain.pem" ]; then
  if ! certbot certonly --webroot -w /var/www/acme -d "$SITE" --non-interactive --agree-tos \\
    -m "$ADMIN_EMAIL" --deploy-hook 'systemctl reload nginx'; then
    log "no certificate yet for $SITE; retrying later (does DNS point here?)"
    exit 0
  fi
fi
if [ ! -e /etc/nginx/sites-enabled/frappe-tls.conf ]; then
  ln -s /etc/nginx/sites-available/frappe-tls.conf /etc/nginx/sites-enabled/frappe-tls.conf
  nginx -t && systemctl reload nginx
fi
`;
