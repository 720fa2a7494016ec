#!/usr/bin/python3
"""Sample data for `crossdock serve --demo`, put where a newcomer's first syncs can read it:
CSV files (one orders table split in two) under DEMO_PREFIX/samples/ of the demo bucket (written with the
pretend customer's keys, as a customer's application would) and a small orders table in
the demo PostgreSQL. Idempotent: files are overwritten, the table is filled once.

Input: the variables scripts/peers/start.sh exports (RGW_*, CROSSDOCK_PG_URL) and
DEMO_PREFIX (the demo connection's path in RGW_BUCKET). Output: `export NAME=value` lines
naming the samples; progress and errors on stderr."""
import os
import subprocess
import sys
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

e = os.environ
PREFIX = e.get("DEMO_PREFIX", "demo").strip("/")
SAMPLES = "samples/"
TABLE = "public.sample_orders"
READER = "demo_reader"
CITIES = ["Lisbon", "Osaka", "Nairobi", "Lima", "Oslo", "Austin", "Pune", "Perth"]


def rows(n):
    for i in range(1, n + 1):
        yield (i, f"customer-{(i * 37) % 211:03d}", CITIES[i % len(CITIES)],
               f"{(i * 7919) % 50000 / 100:.2f}", f"2026-0{1 + i % 9}-{1 + i % 28:02d}")


def seed_s3():
    cfg = Config(signature_version="s3v4", s3={"addressing_style": "path"},
                 retries={"max_attempts": 3})
    s3 = boto3.client("s3", endpoint_url=e["RGW_ENDPOINT"], region_name=e["RGW_REGION"],
                      aws_access_key_id=e["RGW_CUSTOMER_ACCESS_KEY"],
                      aws_secret_access_key=e["RGW_CUSTOMER_SECRET_KEY"], config=cfg)
    header = "order_id,customer,city,amount,ordered_on\n"
    for part in range(2):
        lines = [",".join(map(str, r)) for r in rows(500) if r[0] % 2 == part]
        s3.put_object(Bucket=e["RGW_BUCKET"], Key=f"{PREFIX}/{SAMPLES}orders-{part + 1}.csv",
                      Body=(header + "\n".join(lines) + "\n").encode())


def seed_postgres():
    url = urlsplit(e["CROSSDOCK_PG_URL"])
    env = dict(e, PGPASSWORD=url.password or "")
    sql = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
  order_id integer PRIMARY KEY, customer text NOT NULL, city text NOT NULL,
  amount numeric(10, 2) NOT NULL, ordered_on date NOT NULL);
INSERT INTO {TABLE}
  SELECT i, 'customer-' || lpad(((i * 37) % 211)::text, 3, '0'),
         (ARRAY['Lisbon','Osaka','Nairobi','Lima','Oslo','Austin','Pune','Perth'])[1 + i % 8],
         ((i * 7919) % 50000) / 100.0, date '2026-01-01' + (i % 180)
  FROM generate_series(1, 1000) AS i
  ON CONFLICT (order_id) DO NOTHING;
"""
    psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", url.hostname, "-p",
            str(url.port), "-U", url.username, "-d", url.path.lstrip("/")]
    subprocess.run(psql + ["-c", sql], env=env, check=True, stdout=sys.stderr)
    # Syncs created over the API never carry a password nor borrow the workers' (they are a
    # tenant's): the samples are read by demo_reader, a role start.sh creates without a
    # password and lets in from loopback only.
    subprocess.run(psql + ["-c", f"GRANT USAGE ON SCHEMA public TO {READER}; "
                           f"GRANT SELECT ON {TABLE} TO {READER};"],
                   env=env, check=True, stdout=sys.stderr)
    return f"postgresql://{READER}@{url.hostname}:{url.port}{url.path}"


seed_s3()
print(f"export CROSSDOCK_DEMO_SAMPLES_PREFIX={SAMPLES}")
if e.get("CROSSDOCK_PG_URL"):
    print(f"export CROSSDOCK_DEMO_PG_URL={seed_postgres()}")
    print(f"export CROSSDOCK_DEMO_PG_TABLE={TABLE}")
print("[demo] sample data ready", file=sys.stderr)
