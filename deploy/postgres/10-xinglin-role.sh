#!/bin/sh
# First start of the postgres container: the application role and database.
# The role is NOT a superuser, so database-level protections (the append-only audit
# table) bind the application itself.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v pw="$XINGLIN_DB_PASSWORD" <<'SQL'
CREATE ROLE xinglin LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw';
CREATE DATABASE xinglin OWNER xinglin;
SQL
# The append-only audit table's owner role and sealing function (see append_only.sql).
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname xinglin -f /xinglin/append_only.sql
