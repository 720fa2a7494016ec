#!/usr/bin/python3
"""Self-tests of the warehouse test peers (scripts/peers/start-warehouses.sh): the Redshift
Data API and Redshift Serverless fakes through real botocore clients (the reference for
request and response shapes), and the Databricks SQL Statement Execution fake over plain
HTTP, all against the real RGW and PostgreSQL peers.

    eval "$(scripts/peers/start.sh)"; eval "$(scripts/peers/start-warehouses.sh)"
    /usr/bin/python3 tests/peers/warehouses_selftest.py -v

Skipped (exit status 77) when the variables are unset, unless CROSSDOCK_REQUIRE_PEERS=1.
"""
import gzip
import http.client
import json
import os
import sys
import time
import unittest
import urllib.parse
import uuid

NEEDED = ["RGW_ENDPOINT", "RGW_REGION", "RGW_BUCKET", "RGW_PREFIX", "RGW_VENDOR_ACCESS_KEY",
          "RGW_VENDOR_SECRET_KEY", "RGW_EXTERNAL_ID", "RGW_CUSTOMER_ACCESS_KEY",
          "RGW_CUSTOMER_SECRET_KEY", "RGW_INTRUDER_ACCESS_KEY", "RGW_INTRUDER_SECRET_KEY",
          "CROSSDOCK_STS_ENDPOINT", "CROSSDOCK_PG_URL",
          "CROSSDOCK_REDSHIFT_DATA_ENDPOINT", "CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT",
          "CROSSDOCK_REDSHIFT_WORKGROUP", "CROSSDOCK_REDSHIFT_DATABASE",
          "CROSSDOCK_REDSHIFT_ROLE_ARN", "CROSSDOCK_REDSHIFT_RO_ROLE_ARN",
          "CROSSDOCK_REDSHIFT_NOTRUST_ROLE_ARN", "CROSSDOCK_REDSHIFT_PG_DATABASE",
          "CROSSDOCK_DATABRICKS_HOST", "CROSSDOCK_DATABRICKS_TOKEN",
          "CROSSDOCK_DATABRICKS_WAREHOUSE_ID", "CROSSDOCK_DATABRICKS_CREDENTIAL",
          "CROSSDOCK_DATABRICKS_ROLE_ARN", "CROSSDOCK_DATABRICKS_UC_ROLE_ARN",
          "CROSSDOCK_DATABRICKS_EXTERNAL_ID"]
missing = [n for n in NEEDED if not os.environ.get(n)]
if missing:
    msg = "warehouse peers not configured: %s unset" % ", ".join(missing)
    if os.environ.get("CROSSDOCK_REQUIRE_PEERS") == "1":
        print("FAIL: " + msg + " (CROSSDOCK_REQUIRE_PEERS=1)")
        sys.exit(1)
    print("SKIP: " + msg)
    sys.exit(77)

import boto3  # noqa: E402
import psycopg2  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

E = os.environ
REGION = E["RGW_REGION"]
BUCKET, PREFIX = E["RGW_BUCKET"], E["RGW_PREFIX"]
WG, DB = E["CROSSDOCK_REDSHIFT_WORKGROUP"], E["CROSSDOCK_REDSHIFT_DATABASE"]
RUN = uuid.uuid4().hex[:8]
CFG = Config(signature_version="s3v4", s3={"addressing_style": "path"},
             retries={"max_attempts": 1})


def client(svc, endpoint, creds):
    return boto3.client(svc, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                        aws_session_token=creds[2] if len(creds) > 2 else None, config=CFG)


def assume(role, extid=None):
    kw = dict(RoleArn=role, RoleSessionName="selftest", DurationSeconds=900)
    if extid:
        kw["ExternalId"] = extid
    c = client("sts", E["CROSSDOCK_STS_ENDPOINT"], (E["RGW_VENDOR_ACCESS_KEY"],
                                                    E["RGW_VENDOR_SECRET_KEY"])).assume_role(**kw)
    c = c["Credentials"]
    return (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


ROLE = assume(E["CROSSDOCK_REDSHIFT_ROLE_ARN"], E["RGW_EXTERNAL_ID"])
DATA = client("redshift-data", E["CROSSDOCK_REDSHIFT_DATA_ENDPOINT"], ROLE)
# objects under the staging prefix, read and written with the staging role as crossdock would
S3 = client("s3", E["RGW_ENDPOINT"], ROLE)


def J(doc):  # RGW 16.2 rejects '+'-encoded spaces in IAM form bodies: no spaces at all
    return json.dumps(doc, separators=(",", ":"))


def customer_iam():
    return client("iam", E["CROSSDOCK_STS_ENDPOINT"], (E["RGW_CUSTOMER_ACCESS_KEY"],
                                                       E["RGW_CUSTOMER_SECRET_KEY"]))


STAGING_RW = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::%s/%s/*" % (BUCKET, PREFIX)]},
    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::%s" % BUCKET]}]}


class TempRole:
    """A customer role created through the front for one test, deleted afterwards."""

    def __init__(self, name, trust, policy=STAGING_RW):
        self.iam, self.name = customer_iam(), name
        self.arn = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=J(trust))[
            "Role"]["Arn"]
        self.iam.put_role_policy(RoleName=name, PolicyName="access", PolicyDocument=J(policy))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.iam.delete_role_policy(RoleName=self.name, PolicyName="access")
        self.iam.delete_role(RoleName=self.name)


def code_of(err):
    return err.response.get("Error", {}).get("Code")


def run(sql, data=DATA, params=None, timeout=30):
    kw = dict(WorkgroupName=WG, Database=DB, Sql=sql)
    if params:
        kw["Parameters"] = params
    sid = data.execute_statement(**kw)["Id"]
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        d = data.describe_statement(Id=sid)
        seen.append(d["Status"])
        if d["Status"] in ("FINISHED", "FAILED", "ABORTED"):
            d["seen"] = seen
            return d
        time.sleep(0.05)
    raise AssertionError("statement %s did not finish: %s" % (sid, seen[-1]))


def objects(prefix):
    r = S3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(o["Key"] for o in r.get("Contents", []))


def clean(prefix):
    for k in objects(prefix):
        S3.delete_object(Bucket=BUCKET, Key=k)


class RedshiftDataApi(unittest.TestCase):
    def test_statement_is_asynchronous_and_results_paginate(self):
        d = run("select g as n, 'row ' || g as label, g * 1.5::float8 as f, g % 2 = 0 as even, "
                "null::int as nothing from generate_series(1, 2500) g order by g")
        self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
        self.assertNotEqual(d["seen"][0], "FINISHED")  # never finished at once
        self.assertTrue(d["HasResultSet"])
        self.assertEqual(d["ResultRows"], 2500)
        rows, token, pages = [], None, 0
        while True:
            kw = {"Id": d["Id"]}
            if token:
                kw["NextToken"] = token
            r = DATA.get_statement_result(**kw)
            pages += 1
            self.assertEqual(r["TotalNumRows"], 2500)
            rows += r["Records"]
            token = r.get("NextToken")
            if not token:
                break
        self.assertGreater(pages, 1)
        self.assertEqual(len(rows), 2500)
        names = [c["name"] for c in r["ColumnMetadata"]]
        self.assertEqual(names, ["n", "label", "f", "even", "nothing"])
        self.assertEqual(rows[0], [{"longValue": 1}, {"stringValue": "row 1"},
                                   {"doubleValue": 1.5}, {"booleanValue": False},
                                   {"isNull": True}])
        self.assertEqual(rows[-1][0], {"longValue": 2500})

    def test_parameters_and_failed_statement(self):
        d = run("select :a::int + 1 as x", params=[{"name": "a", "value": "41"}])
        r = DATA.get_statement_result(Id=d["Id"])
        self.assertEqual(r["Records"], [[{"longValue": 42}]])
        d = run("select * from no_such_table_%s" % RUN)
        self.assertEqual(d["Status"], "FAILED")
        self.assertIn("does not exist", d["Error"])
        with self.assertRaises(ClientError) as cm:
            DATA.get_statement_result(Id=d["Id"])
        self.assertEqual(code_of(cm.exception), "ResourceNotFoundException")

    def test_cancel_running_statement(self):
        sid = DATA.execute_statement(WorkgroupName=WG, Database=DB,
                                     Sql="select pg_sleep(20)")["Id"]
        time.sleep(0.3)
        self.assertTrue(DATA.cancel_statement(Id=sid)["Status"])
        for _ in range(100):
            d = DATA.describe_statement(Id=sid)
            if d["Status"] in ("ABORTED", "FINISHED", "FAILED"):
                break
            time.sleep(0.1)
        self.assertEqual(d["Status"], "ABORTED")
        with self.assertRaises(ClientError) as cm:
            DATA.cancel_statement(Id=sid)
        self.assertEqual(code_of(cm.exception), "ValidationException")

    def test_batch_and_metadata(self):
        t = "meta_%s" % RUN
        r = DATA.batch_execute_statement(WorkgroupName=WG, Database=DB, Sqls=[
            "create table public.%s (id bigint not null, name varchar(20)) diststyle auto" % t,
            "insert into public.%s values (1, 'a'), (2, 'b')" % t,
            "select count(*) from public.%s" % t])
        for _ in range(200):
            d = DATA.describe_statement(Id=r["Id"])
            if d["Status"] in ("FINISHED", "FAILED", "ABORTED"):
                break
            time.sleep(0.05)
        self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
        self.assertEqual([s["Status"] for s in d["SubStatements"]], ["FINISHED"] * 3)
        res = DATA.get_statement_result(Id=r["Id"] + ":3")
        self.assertEqual(res["Records"], [[{"longValue": 2}]])
        self.assertEqual(DATA.list_databases(WorkgroupName=WG, Database=DB)["Databases"], [DB])
        self.assertIn("public", DATA.list_schemas(WorkgroupName=WG, Database=DB)["Schemas"])
        tables = DATA.list_tables(WorkgroupName=WG, Database=DB, SchemaPattern="public",
                                  TablePattern="meta_%")["Tables"]
        self.assertIn({"name": t, "schema": "public", "type": "TABLE"}, tables)
        cols = DATA.describe_table(WorkgroupName=WG, Database=DB, Schema="public",
                                   Table=t)["ColumnList"]
        self.assertEqual([(c["name"], c["typeName"], c["nullable"]) for c in cols],
                         [("id", "int8", 0), ("name", "varchar", 1)])

    def test_validation_and_auth_errors(self):
        with self.assertRaises(ClientError) as cm:
            DATA.execute_statement(WorkgroupName="no-such-wg", Database=DB, Sql="select 1")
        self.assertEqual(code_of(cm.exception), "ResourceNotFoundException")
        with self.assertRaises(ClientError) as cm:
            DATA.describe_statement(Id=str(uuid.uuid4()))
        self.assertEqual(code_of(cm.exception), "ResourceNotFoundException")
        bad = client("redshift-data", E["CROSSDOCK_REDSHIFT_DATA_ENDPOINT"],
                     (ROLE[0], "wrong" + ROLE[1][5:], ROLE[2]))
        with self.assertRaises(ClientError) as cm:
            bad.list_databases(WorkgroupName=WG, Database=DB)
        self.assertEqual(code_of(cm.exception), "InvalidSignatureException")
        stranger = client("redshift-data", E["CROSSDOCK_REDSHIFT_DATA_ENDPOINT"],
                          ("AKIDUNKNOWN000000000", "x" * 40))
        with self.assertRaises(ClientError) as cm:
            stranger.list_databases(WorkgroupName=WG, Database=DB)
        self.assertEqual(code_of(cm.exception), "UnrecognizedClientException")
        # another service's scope
        wrong_scope = boto3.client("redshift", endpoint_url=E["CROSSDOCK_REDSHIFT_DATA_ENDPOINT"],
                                   region_name=REGION, aws_access_key_id=ROLE[0],
                                   aws_secret_access_key=ROLE[1], aws_session_token=ROLE[2],
                                   config=CFG)
        with self.assertRaises(Exception):
            wrong_scope.describe_clusters()
        # the intruder's account has no such workgroup
        intr = client("redshift-data", E["CROSSDOCK_REDSHIFT_DATA_ENDPOINT"],
                      (E["RGW_INTRUDER_ACCESS_KEY"], E["RGW_INTRUDER_SECRET_KEY"]))
        with self.assertRaises(ClientError) as cm:
            intr.execute_statement(WorkgroupName=WG, Database=DB, Sql="select 1")
        self.assertEqual(code_of(cm.exception), "ResourceNotFoundException")

    def test_unload_writes_objects_and_copy_reads_them_back(self):
        src, dst = "unload_src_%s" % RUN, "copy_dst_%s" % RUN
        prefix = "%s/warehouses-%s/unload/" % (PREFIX, RUN)
        try:
            d = run("create table %s as select g as id, 'name,' || g as name, "
                    "(g %% 3 = 0) as flag from generate_series(1, 500) g" % src)
            self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
            d = run("unload ('select * from %s where id <= 300 order by id') to 's3://%s/%s' "
                    "iam_role '%s' format csv header gzip" % (src, BUCKET, prefix,
                                                             E["CROSSDOCK_REDSHIFT_ROLE_ARN"]))
            self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
            keys = objects(prefix)
            self.assertEqual(keys, [prefix + "0000_part_00.gz", prefix + "0001_part_00.gz"])
            first = gzip.decompress(S3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read())
            self.assertTrue(first.startswith(b"id,name,flag\n1,\"name,1\",f\n"), first[:60])
            # a second UNLOAD to the same prefix is refused without ALLOWOVERWRITE
            d = run("unload ('select 1') to 's3://%s/%s' iam_role '%s' format csv" % (
                BUCKET, prefix, E["CROSSDOCK_REDSHIFT_ROLE_ARN"]))
            self.assertEqual(d["Status"], "FAILED")
            self.assertIn("ALLOWOVERWRITE", d["Error"])
            d = run("create table %s (id int, name varchar(64), flag boolean)" % dst)
            d = run("copy %s from 's3://%s/%s' iam_role '%s' format csv ignoreheader 1 gzip" % (
                dst, BUCKET, prefix, E["CROSSDOCK_REDSHIFT_ROLE_ARN"]))
            self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
            self.assertEqual(d["ResultRows"], 300)
            d = run("select count(*), sum(id), count(*) filter (where flag), "
                    "min(name) from %s" % dst)
            r = DATA.get_statement_result(Id=d["Id"])["Records"][0]
            self.assertEqual(r, [{"longValue": 300}, {"longValue": 45150}, {"longValue": 100},
                                 {"stringValue": "name,1"}])
            # JSON, PARALLEL OFF, role chaining syntax with one role
            jp = prefix + "json/"
            d = run("unload ('select id, name from %s where id < 3 order by id') to "
                    "'s3://%s/%s' iam_role '%s' format json parallel off" % (
                        src, BUCKET, jp, E["CROSSDOCK_REDSHIFT_ROLE_ARN"]))
            self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
            body = S3.get_object(Bucket=BUCKET, Key=jp + "000")["Body"].read()
            self.assertEqual(body, b'{"id":1,"name":"name,1"}\n{"id":2,"name":"name,2"}\n')
        finally:
            clean(prefix)
            run("drop table if exists %s" % src)
            run("drop table if exists %s" % dst)

    def test_unload_denied_without_s3_permission_or_trust(self):
        prefix = "%s/warehouses-%s/denied/" % (PREFIX, RUN)
        d = run("unload ('select 1') to 's3://%s/%s' iam_role '%s' format csv" % (
            BUCKET, prefix, E["CROSSDOCK_REDSHIFT_RO_ROLE_ARN"]))
        self.assertEqual(d["Status"], "FAILED")
        self.assertIn("S3ServiceException:Access Denied,Status 403", d["Error"])
        self.assertEqual(objects(prefix), [])
        d = run("unload ('select 1') to 's3://%s/%s' iam_role '%s' format csv" % (
            BUCKET, prefix, E["CROSSDOCK_REDSHIFT_NOTRUST_ROLE_ARN"]))
        self.assertEqual(d["Status"], "FAILED")
        self.assertIn("is not authorized to assume IAM Role", d["Error"])
        self.assertIn("redshift.amazonaws.com", d["Error"])

    def test_chained_iam_role(self):
        prefix = "%s/warehouses-%s/chain/" % (PREFIX, RUN)
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [E["CROSSDOCK_REDSHIFT_ROLE_ARN"]]},
             "Action": ["sts:AssumeRole"]}]}
        with TempRole("wh-chain-%s" % RUN, trust) as hop:
            try:
                d = run("unload ('select 7 as x') to 's3://%s/%s' iam_role '%s,%s' csv "
                        "parallel off" % (BUCKET, prefix, E["CROSSDOCK_REDSHIFT_ROLE_ARN"],
                                          hop.arn))
                self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
                self.assertEqual(S3.get_object(Bucket=BUCKET, Key=prefix + "000")["Body"].read(),
                                 b"7\n")
                # the other order: the first role of the chain must trust Redshift
                d = run("unload ('select 1') to 's3://%s/%sx/' iam_role '%s,%s' csv" % (
                    BUCKET, prefix, hop.arn, E["CROSSDOCK_REDSHIFT_ROLE_ARN"]))
                self.assertEqual(d["Status"], "FAILED")
                self.assertIn("is not authorized to assume IAM Role %s" % hop.arn, d["Error"])
            finally:
                clean(prefix)

    def test_sessions_issued_by_rgw_directly_are_verified(self):
        sts = client("sts", E["RGW_ENDPOINT"], (E["RGW_VENDOR_ACCESS_KEY"],
                                                E["RGW_VENDOR_SECRET_KEY"]))
        c = sts.assume_role(RoleArn=E["CROSSDOCK_REDSHIFT_ROLE_ARN"], RoleSessionName="direct",
                            DurationSeconds=900)["Credentials"]
        direct = client("redshift-data", E["CROSSDOCK_REDSHIFT_DATA_ENDPOINT"],
                        (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]))
        d = run("select 1", data=direct)
        self.assertEqual(d["DbUser"], "IAMR:" + E["CROSSDOCK_REDSHIFT_ROLE_ARN"].rsplit("/")[-1])
        forged = client("redshift-data", E["CROSSDOCK_REDSHIFT_DATA_ENDPOINT"],
                        (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"][:-8] + "AAAAAAA="))
        with self.assertRaises(ClientError) as cm:
            forged.list_databases(WorkgroupName=WG, Database=DB)
        self.assertEqual(code_of(cm.exception), "UnrecognizedClientException")

    def test_copy_json_from_staged_objects(self):
        t = "copy_json_%s" % RUN
        prefix = "%s/warehouses-%s/json-in/" % (PREFIX, RUN)
        S3.put_object(Bucket=BUCKET, Key=prefix + "a.json",
                      Body=b'{"ID": 1, "Name": "x"}\n{"ID": 2, "Name": null}\n')
        try:
            run("create table %s (id int, name text)" % t)
            d = run("copy %s from 's3://%s/%s' iam_role '%s' format json 'auto ignorecase'" % (
                t, BUCKET, prefix, E["CROSSDOCK_REDSHIFT_ROLE_ARN"]))
            self.assertEqual(d["Status"], "FINISHED", d.get("Error"))
            d = run("select id, name from %s order by id" % t)
            self.assertEqual(DATA.get_statement_result(Id=d["Id"])["Records"],
                             [[{"longValue": 1}, {"stringValue": "x"}],
                              [{"longValue": 2}, {"isNull": True}]])
            d = run("copy %s from 's3://%s/%s/nothing-here' iam_role '%s' format csv" % (
                t, BUCKET, prefix, E["CROSSDOCK_REDSHIFT_ROLE_ARN"]))
            self.assertEqual(d["Status"], "FAILED")
            self.assertIn("does not exist", d["Error"])
        finally:
            clean(prefix)
            run("drop table if exists %s" % t)


class RedshiftServerless(unittest.TestCase):
    def test_get_credentials_log_in_with_libpq(self):
        sls = client("redshift-serverless", E["CROSSDOCK_REDSHIFT_SERVERLESS_ENDPOINT"], ROLE)
        c = sls.get_credentials(workgroupName=WG, dbName=DB, durationSeconds=900)
        role_name = E["CROSSDOCK_REDSHIFT_ROLE_ARN"].rsplit("/", 1)[-1]
        self.assertEqual(c["dbUser"], "IAMR:" + role_name)
        self.assertGreater(c["expiration"].timestamp(), time.time() + 800)
        u = urllib.parse.urlsplit(E["CROSSDOCK_PG_URL"])
        conn = psycopg2.connect(host=u.hostname, port=u.port, user=c["dbUser"],
                                password=c["dbPassword"],
                                dbname=E["CROSSDOCK_REDSHIFT_PG_DATABASE"])
        with conn, conn.cursor() as cur:
            cur.execute("select current_user")
            self.assertEqual(cur.fetchone()[0], c["dbUser"])
        conn.close()
        with self.assertRaises(psycopg2.OperationalError):
            psycopg2.connect(host=u.hostname, port=u.port, user=c["dbUser"], password="wrong",
                             dbname=E["CROSSDOCK_REDSHIFT_PG_DATABASE"])
        with self.assertRaises(ClientError) as cm:
            sls.get_credentials(workgroupName="nope-wg")
        self.assertEqual(code_of(cm.exception), "ResourceNotFoundException")
        with self.assertRaises(ClientError) as cm:
            sls.get_credentials(workgroupName=WG, durationSeconds=60)
        self.assertEqual(code_of(cm.exception), "ValidationException")


# ------------------------------------------------------------------------- Databricks

def dbx(method, path, body=None, token=None):
    u = urllib.parse.urlsplit(E["CROSSDOCK_DATABRICKS_HOST"])
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    headers = {"Content-Type": "application/json"}
    tok = E["CROSSDOCK_DATABRICKS_TOKEN"] if token is None else token
    if tok:
        headers["Authorization"] = "Bearer " + tok
    c.request(method, path, body=json.dumps(body) if body is not None else None,
              headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else {}


def dbx_sql(statement, wait="0s", **kw):
    body = dict(statement=statement, warehouse_id=E["CROSSDOCK_DATABRICKS_WAREHOUSE_ID"],
                wait_timeout=wait, format="JSON_ARRAY", disposition="INLINE", **kw)
    status, r = dbx("POST", "/api/2.0/sql/statements", body)
    assert status == 200, (status, r)
    sid = r["statement_id"]
    states = [r["status"]["state"]]
    for _ in range(600):
        if r["status"]["state"] in ("SUCCEEDED", "FAILED", "CANCELED", "CLOSED"):
            break
        time.sleep(0.05)
        status, r = dbx("GET", "/api/2.0/sql/statements/" + sid)
        states.append(r["status"]["state"])
    r["states"] = states
    return r


class Databricks(unittest.TestCase):
    def test_token_auth(self):
        status, r = dbx("GET", "/api/2.0/sql/statements/x", token="dapi-wrong")
        self.assertEqual(status, 401)
        self.assertEqual(r["error_code"], "UNAUTHENTICATED")
        status, r = dbx("GET", "/api/2.0/sql/statements/x", token="")
        self.assertEqual(status, 401)

    def test_async_statement_with_chunks(self):
        r = dbx_sql("select g as n, cast(g as string) as s, g % 2 = 0 as even "
                    "from range_g(3000) order by n".replace(
                        "range_g(3000)", "generate_series(1, 3000) g"))
        self.assertEqual(r["states"][0], "PENDING")
        self.assertEqual(r["status"]["state"], "SUCCEEDED", r["status"])
        m = r["manifest"]
        self.assertEqual(m["total_row_count"], 3000)
        self.assertGreater(m["total_chunk_count"], 1)
        self.assertEqual([c["type_name"] for c in m["schema"]["columns"]],
                         ["INT", "STRING", "BOOLEAN"])
        rows = list(r["result"]["data_array"])
        nxt = r["result"].get("next_chunk_internal_link")
        while nxt:
            status, c = dbx("GET", nxt)
            self.assertEqual(status, 200)
            rows += c["data_array"]
            nxt = c.get("next_chunk_internal_link")
        self.assertEqual(len(rows), 3000)
        self.assertEqual(rows[0], ["1", "1", "false"])

    def test_failed_and_cancelled_statements(self):
        r = dbx_sql("select * from main.default.no_such_%s" % RUN)
        self.assertEqual(r["status"]["state"], "FAILED")
        self.assertIn("does not exist", r["status"]["error"]["message"])
        status, r = dbx("POST", "/api/2.0/sql/statements", dict(
            statement="select pg_sleep(30)", warehouse_id=E["CROSSDOCK_DATABRICKS_WAREHOUSE_ID"],
            wait_timeout="5s", on_wait_timeout="CANCEL"))
        self.assertEqual(r["status"]["state"], "CANCELED")
        status, r = dbx("POST", "/api/2.0/sql/statements", dict(
            statement="select 1", warehouse_id=E["CROSSDOCK_DATABRICKS_WAREHOUSE_ID"],
            wait_timeout="3s"))
        self.assertEqual(status, 400)
        self.assertEqual(r["error_code"], "INVALID_PARAMETER_VALUE")

    def test_copy_into_with_storage_credential(self):
        schema = "sel_%s" % RUN
        prefix = "%s/warehouses-%s/dbx/" % (PREFIX, RUN)
        S3.put_object(Bucket=BUCKET, Key=prefix + "part-0.csv.gz",
                      Body=gzip.compress(b"name,id\nalpha,1\nbeta,2\n,3\n"))
        try:
            for sql in ["create schema if not exists main.%s" % schema,
                        "create table main.%s.t (id bigint, name string) using delta" % schema]:
                r = dbx_sql(sql)
                self.assertEqual(r["status"]["state"], "SUCCEEDED", r["status"])
            copy = ("copy into main.%s.t from 's3://%s/%s' with (credential `%s`) "
                    "fileformat = csv format_options ('header' = 'true') "
                    "copy_options ('mergeSchema' = 'false')" % (
                        schema, BUCKET, prefix, E["CROSSDOCK_DATABRICKS_CREDENTIAL"]))
            r = dbx_sql(copy)
            self.assertEqual(r["status"]["state"], "SUCCEEDED", r["status"])
            self.assertEqual(r["result"]["data_array"], [["3", "3"]])
            r = dbx_sql(copy)  # already loaded files are skipped
            self.assertEqual(r["result"]["data_array"], [["0", "0"]])
            r = dbx_sql("select id, name from t order by id", catalog="main", schema=schema)
            self.assertEqual(r["result"]["data_array"],
                             [["1", "alpha"], ["2", "beta"], ["3", None]])
            # no credential and no external location
            r = dbx_sql("copy into main.%s.t from 's3://%s/%s' fileformat = csv" % (
                schema, BUCKET, prefix))
            self.assertEqual(r["status"]["state"], "FAILED")
            self.assertIn("No parent external location", r["status"]["error"]["message"])
        finally:
            clean(prefix)
            dbx_sql("drop schema if exists main.%s cascade" % schema)

    def test_copy_into_needs_a_self_assuming_role(self):
        uc, extid = E["CROSSDOCK_DATABRICKS_UC_ROLE_ARN"], E["CROSSDOCK_DATABRICKS_EXTERNAL_ID"]
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [uc]}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": [extid]}}}]}
        name, table = "wh-noself-%s" % RUN, "main.default.noself_%s" % RUN
        with TempRole(name, trust) as role:
            status, c = dbx("POST", "/api/2.1/unity-catalog/storage-credentials", {
                "name": name, "aws_iam_role": {"role_arn": role.arn}})
            self.assertEqual(status, 200, c)
            try:
                self.assertEqual(dbx_sql("create table %s (id bigint)" % table)["status"]["state"],
                                 "SUCCEEDED")
                r = dbx_sql("copy into %s from 's3://%s/%s/none/' with (credential `%s`) "
                            "fileformat = csv" % (table, BUCKET, PREFIX, name))
                self.assertEqual(r["status"]["state"], "FAILED")
                self.assertIn("non self-assuming", r["status"]["error"]["message"])
            finally:
                dbx("DELETE", "/api/2.1/unity-catalog/storage-credentials/" + name)
                dbx_sql("drop table if exists %s" % table)

    def test_copy_into_denied_when_the_external_id_is_not_trusted(self):
        name = "wrong-%s" % RUN
        status, c = dbx("POST", "/api/2.1/unity-catalog/storage-credentials", {
            "name": name, "aws_iam_role": {"role_arn": E["CROSSDOCK_REDSHIFT_ROLE_ARN"]}})
        self.assertEqual(status, 200, c)
        self.assertEqual(c["aws_iam_role"]["external_id"], E["CROSSDOCK_DATABRICKS_EXTERNAL_ID"])
        table = "main.default.denied_%s" % RUN
        try:
            r = dbx_sql("create table %s (id bigint)" % table)
            self.assertEqual(r["status"]["state"], "SUCCEEDED", r["status"])
            r = dbx_sql("copy into %s from 's3://%s/%s/x/' with (credential `%s`) "
                        "fileformat = json" % (table, BUCKET, PREFIX, name))
            self.assertEqual(r["status"]["state"], "FAILED")
            self.assertEqual(r["status"]["error"]["error_code"], "PERMISSION_DENIED")
            self.assertIn("could not assume", r["status"]["error"]["message"])
        finally:
            dbx("DELETE", "/api/2.1/unity-catalog/storage-credentials/" + name)
            dbx_sql("drop table if exists %s" % table)


if __name__ == "__main__":
    unittest.main()
