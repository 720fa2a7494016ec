#!/usr/bin/python3
"""A stand-in for a Databricks workspace's SQL warehouse: the SQL Statement Execution API
(/api/2.0/sql/statements, INLINE + JSON_ARRAY) with bearer-token auth, executing on the
peers' real PostgreSQL, and the Unity Catalog storage credential and external location
registries (/api/2.1/unity-catalog/...) that COPY INTO uses to read staged objects from Ceph
RGW with the customer's IAM role and the credential's External ID.

    databricks_fake.py --listen 127.0.0.1:P --token dapi... --warehouse-id ID --state FILE

Statements go PENDING, RUNNING, then SUCCEEDED, FAILED or CANCELED, never finishing before
--min-latency-ms; results are cut into chunks of --chunk-rows rows. See
README-warehouses.md for what differs from Databricks.

Environment: CROSSDOCK_PG_URL, CROSSDOCK_PEERS_DIR, CROSSDOCK_STS_ENDPOINT, RGW_ENDPOINT,
RGW_REGION, and the Unity Catalog stand-in: CROSSDOCK_DATABRICKS_UC_{ACCESS_KEY,SECRET_KEY,
ROLE_ARN}, CROSSDOCK_DATABRICKS_EXTERNAL_ID (the External ID storage credentials get).
"""

import argparse
import fnmatch
import hmac
import json
import os
import re
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import psycopg2  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

import databricks_sql as dsql  # noqa: E402
import warehouse_common as wc  # noqa: E402
import warehouse_s3 as ws3  # noqa: E402

NAME = "databricks"
DONE = ("SUCCEEDED", "FAILED", "CANCELED", "CLOSED")
OID_TYPES = {16: ("BOOLEAN", "boolean"), 17: ("BINARY", "binary"), 20: ("LONG", "bigint"),
             21: ("SHORT", "smallint"), 23: ("INT", "int"), 700: ("FLOAT", "float"),
             701: ("DOUBLE", "double"), 1082: ("DATE", "date"),
             1114: ("TIMESTAMP_NTZ", "timestamp_ntz"), 1184: ("TIMESTAMP", "timestamp"),
             1700: ("DECIMAL", "decimal")}


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Statement:
    def __init__(self, sid, body):
        self.id, self.body = sid, body
        self.state = "PENDING"
        self.error = None
        self.cols = None
        self.rows = None
        self.truncated = False
        self.conn = None
        self.cancelled = False
        self.created = time.time()
        self.done = threading.Event()
        self.lock = threading.Lock()


class Databricks:
    def __init__(self, args, env):
        self.args, self.env = args, env
        self.region = env.get("RGW_REGION", "us-east-1")
        self.sts = env["CROSSDOCK_STS_ENDPOINT"]
        self.rgw = env.get("RGW_ENDPOINT", self.sts)
        self.uc_keys = (env["CROSSDOCK_DATABRICKS_UC_ACCESS_KEY"],
                        env["CROSSDOCK_DATABRICKS_UC_SECRET_KEY"])
        self.uc_role = env["CROSSDOCK_DATABRICKS_UC_ROLE_ARN"]
        self.external_id = env["CROSSDOCK_DATABRICKS_EXTERNAL_ID"]
        admin = wc.Admin(env["CROSSDOCK_PG_URL"], env["CROSSDOCK_PEERS_DIR"])
        self.pgdb = "databricks"
        admin.ensure_database(self.pgdb)
        self.pg = dict(wc.pg_params(env["CROSSDOCK_PG_URL"]), dbname=self.pgdb)
        with psycopg2.connect(**self.pg) as c, c.cursor() as cur:
            cur.execute('CREATE SCHEMA IF NOT EXISTS "main.default"')
            cur.execute('CREATE TABLE IF NOT EXISTS public.crossdock_copy_into_log '
                        '(tbl text, file text, etag text, PRIMARY KEY (tbl, file, etag))')
        self.statements = {}
        self.lock = threading.Lock()
        self.state_lock = threading.Lock()
        self.registry = {"storage_credentials": {}, "external_locations": {}}
        if os.path.exists(args.state):
            with open(args.state) as f:
                self.registry = json.load(f)
        wc.raw_text_values()

    def save(self):
        tmp = self.args.state + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.registry, f, indent=1, sort_keys=True)
        os.replace(tmp, self.args.state)

    # ---------------------------------------------------------------- dispatch
    def handle(self, h):
        try:
            body = h.read_body()
            auth = h.headers.get("Authorization", "")
            if not auth.startswith("Bearer "):
                raise ApiError(401, "UNAUTHENTICATED", "Credential was not sent or was of an "
                               "unsupported type for this API.")
            if not hmac.compare_digest(auth[7:].strip().encode(), self.args.token.encode()):
                raise ApiError(401, "UNAUTHENTICATED", "Invalid access token.")
            try:
                req = json.loads(body) if body else {}
            except ValueError:
                raise ApiError(400, "MALFORMED_REQUEST", "Request body is not valid JSON")
            path = h.path.split("?", 1)[0]
            status, out = self.route(h.command, path, req)
            h.send_json(status, out)
        except ApiError as e:
            wc.log(NAME, "%s %s -> %d %s: %s" % (h.command, h.path, e.status, e.code, e.message))
            h.send_json(e.status, {"error_code": e.code, "message": e.message})

    def route(self, method, path, req):
        m = re.fullmatch(r"/api/2\.0/sql/statements/?", path)
        if m and method == "POST":
            return 200, self.submit(req)
        m = re.fullmatch(r"/api/2\.0/sql/statements/([\w-]+)", path)
        if m and method == "GET":
            return 200, self.response(self.get(m.group(1)))
        m = re.fullmatch(r"/api/2\.0/sql/statements/([\w-]+)/cancel", path)
        if m and method == "POST":
            self.cancel(self.get(m.group(1)))
            return 200, {}
        m = re.fullmatch(r"/api/2\.0/sql/statements/([\w-]+)/result/chunks/(\d+)", path)
        if m and method == "GET":
            return 200, self.chunk(self.get(m.group(1)), int(m.group(2)))
        m = re.fullmatch(r"/api/2\.1/unity-catalog/(storage-credentials|external-locations)"
                         r"(?:/([^/]+))?", path)
        if m:
            return self.catalog(method, m.group(1).replace("-", "_"), m.group(2), req)
        raise ApiError(404, "ENDPOINT_NOT_FOUND", "No API found for '%s %s'" % (method, path))

    # --------------------------------------------------------------- statements
    def submit(self, req):
        if not isinstance(req.get("statement"), str) or not req["statement"].strip():
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "statement is required")
        if req.get("warehouse_id") != self.args.warehouse_id:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST",
                           "Warehouse %s does not exist." % req.get("warehouse_id"))
        wait = req.get("wait_timeout", "10s")
        m = re.fullmatch(r"(\d+)s", str(wait))
        if not m or not (int(m.group(1)) == 0 or 5 <= int(m.group(1)) <= 50):
            raise ApiError(400, "INVALID_PARAMETER_VALUE",
                           "wait_timeout must be 0s or between 5s and 50s, not %r" % wait)
        on_timeout = req.get("on_wait_timeout", "CONTINUE")
        if on_timeout not in ("CONTINUE", "CANCEL"):
            raise ApiError(400, "INVALID_PARAMETER_VALUE",
                           "on_wait_timeout must be CONTINUE or CANCEL")
        if req.get("disposition", "INLINE") != "INLINE":
            raise ApiError(400, "NOT_IMPLEMENTED",
                           "disposition %s is not supported by the test peer: use INLINE"
                           % req.get("disposition"))
        if req.get("format", "JSON_ARRAY") != "JSON_ARRAY":
            raise ApiError(400, "INVALID_PARAMETER_VALUE",
                           "format %s is not supported with disposition INLINE: use JSON_ARRAY"
                           % req.get("format"))
        params = req.get("parameters") or []
        if not isinstance(params, list) or any(not isinstance(p, dict) or "name" not in p
                                               for p in params):
            raise ApiError(400, "INVALID_PARAMETER_VALUE",
                           "parameters must be a list of {name, value, type}")
        st = Statement(str(uuid.uuid4()).replace("-", "")[:32], req)
        st.id = "%s-%s-%s-%s-%s" % (st.id[:8], st.id[8:12], st.id[12:16], st.id[16:20],
                                    st.id[20:])
        with self.lock:
            self.statements[st.id] = st
        threading.Thread(target=self.run, args=(st,), daemon=True).start()
        secs = int(m.group(1))
        if secs and not st.done.wait(secs):
            if on_timeout == "CANCEL":
                self.cancel(st)
                st.done.wait(5)
        return self.response(st)

    def get(self, sid):
        with self.lock:
            st = self.statements.get(sid)
        if st is None:
            raise ApiError(404, "NOT_FOUND", "The statement %s was not found." % sid)
        return st

    def cancel(self, st):
        with st.lock:
            if st.state in DONE:
                return
            st.cancelled = True
            if st.conn is not None:
                try:
                    st.conn.cancel()
                except psycopg2.Error:
                    pass

    def response(self, st):
        with st.lock:
            out = {"statement_id": st.id, "status": {"state": st.state}}
            if st.state == "FAILED":
                out["status"]["error"] = {"error_code": st.error[0], "message": st.error[1]}
                out["status"]["sql_state"] = st.error[2]
            if st.state == "SUCCEEDED":
                out["manifest"] = self.manifest(st)
                out["result"] = self.chunk_data(st, 0)
            return out

    def manifest(self, st):
        n, size = len(st.rows), self.args.chunk_rows
        chunks = [{"chunk_index": i, "row_offset": o, "row_count": min(size, n - o)}
                  for i, o in enumerate(range(0, n, size))] or [
            {"chunk_index": 0, "row_offset": 0, "row_count": 0}]
        cols = []
        for i, (name, oid, prec, scale) in enumerate(st.cols):
            tname, ttext = OID_TYPES.get(oid, ("STRING", "string"))
            c = {"name": name, "type_name": tname, "type_text": ttext, "position": i}
            if tname == "DECIMAL":
                c["type_precision"], c["type_scale"] = prec or 38, scale or 0
                c["type_text"] = "decimal(%d,%d)" % (prec or 38, scale or 0)
            cols.append(c)
        return {"format": "JSON_ARRAY", "schema": {"column_count": len(cols), "columns": cols},
                "total_chunk_count": len(chunks), "chunks": chunks, "total_row_count": n,
                "truncated": st.truncated}

    def chunk_data(self, st, index):
        size = self.args.chunk_rows
        n = len(st.rows)
        total = max(1, (n + size - 1) // size)
        if not 0 <= index < total:
            raise ApiError(400, "INVALID_PARAMETER_VALUE",
                           "chunk_index %d is out of range: the result has %d chunks"
                           % (index, total))
        rows = st.rows[index * size:(index + 1) * size]
        out = {"chunk_index": index, "row_offset": index * size, "row_count": len(rows),
               "data_array": [[self.value(v, c[1]) for v, c in zip(r, st.cols)] for r in rows]}
        if index + 1 < total:
            out["next_chunk_index"] = index + 1
            out["next_chunk_internal_link"] = "/api/2.0/sql/statements/%s/result/chunks/%d" % (
                st.id, index + 1)
        return out

    @staticmethod
    def value(v, oid):
        if v is None:
            return None
        if oid == 16:
            return "true" if v == "t" else "false"
        if oid == 1184:
            return v.replace(" ", "T").replace("+00", "Z")
        if oid == 1114:
            return v.replace(" ", "T")
        return v

    def chunk(self, st, index):
        with st.lock:
            if st.state != "SUCCEEDED":
                raise ApiError(400, "BAD_REQUEST", "The statement %s is %s: results are "
                               "available only when it SUCCEEDED" % (st.id, st.state))
        return self.chunk_data(st, index)

    def run(self, st):
        time.sleep(self.args.min_latency_ms / 3000.0)
        with st.lock:
            if st.cancelled:
                st.state = "CANCELED"
                st.done.set()
                return
            st.state = "RUNNING"
        req = st.body
        catalog, schema = req.get("catalog") or "main", req.get("schema") or "default"
        result = None
        try:
            conn = psycopg2.connect(**self.pg)
            with st.lock:
                st.conn = conn
            try:
                cur = conn.cursor()
                cur.execute("SET TIME ZONE 'UTC'")
                cur.execute('SET search_path TO "%s.%s", public' % (catalog, schema))
                parts = wc.split_statements(req["statement"])
                if len(parts) != 1:
                    raise dsql.DbxError("[PARSE_SYNTAX_ERROR] Syntax error: exactly one "
                                        "statement is allowed per request", sql_state="42601")
                sql = parts[0]
                if dsql.is_copy_into(sql):
                    result = self.copy_into(cur, dsql.parse_copy_into(sql, catalog, schema))
                else:
                    pg = dsql.translate(sql, catalog, schema)
                    if pg is not None:
                        args = None
                        if req.get("parameters"):
                            args = {p["name"]: p.get("value") for p in req["parameters"]}
                            pg = re.sub(r"(?<!:):([A-Za-z_]\w*)", r"%(\1)s",
                                        pg.replace("%", "%%"))
                        cur.execute(pg, args)
                        if cur.description is not None:
                            result = ([(d.name, d.type_code, d.precision, d.scale)
                                       for d in cur.description], cur.fetchall())
                conn.commit()
            finally:
                with st.lock:
                    st.conn = None
                conn.close()
            cols, rows = result or ([], [])
            limit = req.get("row_limit")
            wait = st.created + self.args.min_latency_ms / 1000.0 - time.time()
            if wait > 0:
                time.sleep(wait)
            with st.lock:
                st.cols, st.rows = cols, rows
                if limit and len(rows) > limit:
                    st.rows, st.truncated = rows[:limit], True
                st.state = "CANCELED" if st.cancelled else "SUCCEEDED"
        except (psycopg2.Error, dsql.DbxError) as e:
            with st.lock:
                if st.cancelled:
                    st.state = "CANCELED"
                else:
                    st.state = "FAILED"
                    if isinstance(e, dsql.DbxError):
                        st.error = (e.error_code, e.message, e.sql_state)
                    else:
                        st.error = ("BAD_REQUEST", " ".join((e.pgerror or str(e)).split()),
                                    e.pgcode or "42000")
        wc.log(NAME, "statement %s %s%s" % (st.id, st.state,
                                             ": " + st.error[1] if st.error else ""))
        st.done.set()

    # ------------------------------------------------------------------ COPY INTO
    def credential_for(self, source, name):
        reg = self.registry
        if name:
            c = reg["storage_credentials"].get(name)
            if c is None:
                raise dsql.DbxError("[UNITY_CATALOG] Storage Credential '%s' does not exist."
                                    % name, "NOT_FOUND", "42704")
            return c
        best = None
        for loc in reg["external_locations"].values():
            url = loc["url"].rstrip("/") + "/"
            if (source.rstrip("/") + "/").startswith(url) and (
                    best is None or len(url) > len(best["url"])):
                best = loc
        if best is None:
            raise dsql.DbxError("PERMISSION_DENIED: No parent external location was found for "
                                "path '%s'. Create an external location or name a storage "
                                "credential: WITH (CREDENTIAL `name`)" % source,
                                "PERMISSION_DENIED", "42501")
        return reg["storage_credentials"][best["credential_name"]]

    def assume(self, cred):
        role = cred["aws_iam_role"]["role_arn"]
        extid = cred["aws_iam_role"]["external_id"]
        name = cred["name"]
        try:
            uc = ws3.assume(self.sts, self.region, self.uc_keys, self.uc_role, "databricks-uc")
        except ClientError as e:
            raise dsql.DbxError("INTERNAL_ERROR: the Unity Catalog stand-in role %s cannot be "
                                "assumed: %s" % (self.uc_role, e), "INTERNAL_ERROR", "XX000")
        try:
            creds = ws3.assume(self.sts, self.region, uc, role, "databricks", extid)
        except ClientError as e:
            code, msg, _ = ws3.error_code(e)
            raise dsql.DbxError(
                "PERMISSION_DENIED: The AWS IAM role in storage credential '%s' is not "
                "configured correctly: Databricks could not assume %s (%s: %s). The trust "
                "policy must allow the Unity Catalog principal %s with sts:ExternalId %s."
                % (name, role, code, msg or "", self.uc_role, extid), "PERMISSION_DENIED",
                "42501")
        try:
            creds = ws3.assume(self.sts, self.region, creds, role, "databricks-self", extid)
        except ClientError as e:
            code, msg, _ = ws3.error_code(e)
            raise dsql.DbxError(
                "PERMISSION_DENIED: The IAM role for storage credential '%s' was found to be "
                "non self-assuming: %s could not assume itself (%s: %s). Add the role's own "
                "ARN to its trust policy and allow sts:AssumeRole on itself in its permission "
                "policy." % (name, role, code, msg or ""), "PERMISSION_DENIED", "42501")
        return creds

    def copy_into(self, cur, spec):
        cat, sch, tbl = spec["table"]
        target = dsql.pg_table(cat, sch, tbl)
        cur.execute("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute "
                    "a WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT "
                    "a.attisdropped ORDER BY a.attnum", (target,))
        types = dict(cur.fetchall())
        if not types:
            raise dsql.DbxError("[TABLE_OR_VIEW_NOT_FOUND] The table or view `%s`.`%s`.`%s` "
                                "cannot be found." % (cat, sch, tbl), "NOT_FOUND", "42P01")
        cols = spec["columns"] or list(types)
        bucket, path = wc.parse_s3_url(spec["source"])
        prefix = path.rstrip("/") + "/" if path else ""
        creds = self.assume(self.credential_for(spec["source"], spec["credential"]))
        b = ws3.Bucket(self.rgw, self.region, creds)
        fo, co = spec["format_options"], spec["copy_options"]
        force = co.get("force", "false").lower() == "true"
        try:
            objs = [o for o in b.list(bucket, prefix) if not o[0].endswith("/")]
            if spec["files"] is not None:
                wanted = {prefix + f for f in spec["files"]}
                objs = [o for o in objs if o[0] in wanted]
            elif spec["pattern"]:
                objs = [o for o in objs if fnmatch.fnmatch(o[0][len(prefix):], spec["pattern"])]
            rows, loaded = [], []
            for key, _, etag in objs:
                if not force:
                    cur.execute("SELECT 1 FROM public.crossdock_copy_into_log WHERE tbl = %s "
                                "AND file = %s AND etag = %s", (target, key, etag))
                    if cur.fetchone():
                        continue
                data = b.get(bucket, key)
                try:
                    text = ws3.decompress(data, ws3.guess_compression(key, data)).decode()
                except (OSError, ValueError, UnicodeDecodeError) as e:
                    raise dsql.DbxError("[FAILED_READ_FILE] Error while reading file s3://%s/%s"
                                        ": %s" % (bucket, key, e), "BAD_REQUEST", "KD001")
                rows += self.decode(text, spec["format"], fo, cols, key)
                loaded.append((key, etag))
        except ws3.StorageError as e:
            raise dsql.DbxError("java.nio.file.AccessDeniedException: s3://%s/%s: %s" % (
                bucket, prefix, e), "PERMISSION_DENIED", "42501")
        if rows:
            try:
                cur.execute("SAVEPOINT copy_into")
                ws3.pg_copy_rows(cur, target, " (%s)" % ", ".join('"%s"' % c for c in cols),
                                 rows)
                cur.execute("RELEASE SAVEPOINT copy_into")
            except psycopg2.Error as e:
                raise dsql.DbxError("[CAST_INVALID_INPUT] %s" % " ".join(
                    (e.pgerror or str(e)).split()), "BAD_REQUEST", e.pgcode or "22018")
        for key, etag in loaded:
            cur.execute("INSERT INTO public.crossdock_copy_into_log VALUES (%s, %s, %s) ON "
                        "CONFLICT DO NOTHING", (target, key, etag))
        return ([("num_affected_rows", 20, 0, 0), ("num_inserted_rows", 20, 0, 0)],
                [(str(len(rows)), str(len(rows)))])

    @staticmethod
    def decode(text, fmt, fo, cols, key):
        lower = [c.lower() for c in cols]
        out = []
        if fmt == "JSON":
            try:
                objs = ws3.read_json_objects(text)
            except ValueError as e:
                raise dsql.DbxError("[MALFORMED_RECORD_IN_PARSING] %s: %s" % (key, e),
                                    "BAD_REQUEST", "22023")
            for obj in objs:
                low = {k.lower(): v for k, v in obj.items()}
                row = []
                for c in lower:
                    v = low.get(c)
                    if isinstance(v, bool):
                        v = "true" if v else "false"
                    elif isinstance(v, (dict, list)):
                        v = ws3.json_text(v)
                    elif v is not None:
                        v = str(v)
                    row.append(v)
                out.append(row)
            return out
        header = fo.get("header", "false").lower() == "true"
        sep = fo.get("sep", fo.get("delimiter", ","))
        null = fo.get("nullvalue", "")
        recs = ws3.read_delimited(text, sep, True, 0)
        order = list(range(len(cols)))
        if header and recs:
            names = [n.strip().lower() for n in recs[0]]
            recs = recs[1:]
            missing = [c for c in lower if c not in names]
            if missing:
                raise dsql.DbxError("[COPY_INTO_COLUMN_MISMATCH] %s has no column %s (header: "
                                    "%s)" % (key, missing[0], ", ".join(names)), "BAD_REQUEST",
                                    "42703")
            order = [names.index(c) for c in lower]
        for r in recs:
            row = []
            for i in order:
                v = r[i] if i < len(r) else None
                row.append(None if v is None or v == null else v)
            out.append(row)
        return out

    # ----------------------------------------------------------------- catalog
    def catalog(self, method, kind, name, req):
        with self.state_lock:
            reg = self.registry[kind]
            if method == "GET" and name is None:
                return 200, {kind: list(reg.values())}
            if method == "GET":
                if name not in reg:
                    raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", "%s '%s' does not exist."
                                   % (kind.replace("_", " ").title()[:-1], name))
                return 200, reg[name]
            if method == "DELETE":
                reg.pop(name, None)
                self.save()
                return 200, {}
            if method == "POST" and name is None:
                n = req.get("name")
                if not n:
                    raise ApiError(400, "INVALID_PARAMETER_VALUE", "name is required")
                if n in reg:
                    raise ApiError(409, "RESOURCE_ALREADY_EXISTS", "%s '%s' already exists."
                                   % (kind.replace("_", " ").title()[:-1], n))
                if kind == "storage_credentials":
                    role = (req.get("aws_iam_role") or {}).get("role_arn", "")
                    if not re.fullmatch(r"arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]+", role):
                        raise ApiError(400, "INVALID_PARAMETER_VALUE",
                                       "aws_iam_role.role_arn must be an IAM role ARN")
                    obj = {"name": n, "id": str(uuid.uuid4()), "comment": req.get("comment", ""),
                           "read_only": bool(req.get("read_only", False)),
                           "aws_iam_role": {"role_arn": role, "external_id": self.external_id,
                                            "unity_catalog_iam_arn": self.uc_role}}
                else:
                    url, cred = req.get("url", ""), req.get("credential_name", "")
                    if cred not in self.registry["storage_credentials"]:
                        raise ApiError(404, "RESOURCE_DOES_NOT_EXIST",
                                       "Storage Credential '%s' does not exist." % cred)
                    if not url.startswith("s3://"):
                        raise ApiError(400, "INVALID_PARAMETER_VALUE", "url must be s3://...")
                    obj = {"name": n, "url": url, "credential_name": cred,
                           "read_only": bool(req.get("read_only", False))}
                reg[n] = obj
                self.save()
                return 200, obj
        raise ApiError(405, "METHOD_NOT_ALLOWED", "%s is not allowed here" % method)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", required=True)
    ap.add_argument("--token", default=os.environ.get("CROSSDOCK_DATABRICKS_TOKEN"))
    ap.add_argument("--warehouse-id", default="crossdock0000001")
    ap.add_argument("--state", required=True, help="JSON file for the catalog registries")
    ap.add_argument("--chunk-rows", type=int,
                    default=int(os.environ.get("CROSSDOCK_DATABRICKS_CHUNK_ROWS", "1000")))
    ap.add_argument("--min-latency-ms", type=int,
                    default=int(os.environ.get("CROSSDOCK_DATABRICKS_MIN_LATENCY_MS", "200")))
    args = ap.parse_args()
    if not args.token:
        ap.error("--token (or CROSSDOCK_DATABRICKS_TOKEN) is required")
    dbx = Databricks(args, os.environ)

    class H(wc.Handler):
        def do_GET(self):
            dbx.handle(self)
        do_POST = do_DELETE = do_PATCH = do_GET

    wc.serve(args.listen, H, NAME)
    threading.Event().wait()


if __name__ == "__main__":
    main()
