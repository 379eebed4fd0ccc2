#!/bin/sh
# sql/schema.sql is what the migrations and views give (make schema rewrites it).
exec sh scripts/schema.sh --check
