#!/bin/bash
# Creates one database and one user per service (idempotent); passwords come from the mounted
# secrets, never from the manifest.
set -euo pipefail
for svc in team customer task complaint analytics; do
  pw_file=/var/run/secrets/rmhub-db/$svc
  [ -s "$pw_file" ] || continue
  pw=$(cat "$pw_file")
  MYSQL_PWD=$(cat /var/run/secrets/rmhub-db/root) mariadb -h mariadb -u root <<SQL
CREATE DATABASE IF NOT EXISTS rmhub_$svc CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS 'rmhub_$svc'@'%' IDENTIFIED BY '$pw';
ALTER USER 'rmhub_$svc'@'%' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON rmhub_$svc.* TO 'rmhub_$svc'@'%';
SQL
done
