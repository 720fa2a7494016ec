#!/usr/bin/python3
"""A stand-in for Amazon Redshift Serverless: the Redshift Data API (`redshift-data`) and
Redshift Serverless `GetCredentials` (`redshift-serverless`), both AWS JSON 1.1 over
SigV4, executing SQL on the peers' real PostgreSQL (one database per workgroup) and
translating UNLOAD and COPY into reads and writes of the staged objects in Ceph RGW.

    redshift_fake.py --data-listen 127.0.0.1:P1 --serverless-listen 127.0.0.1:P2

Requests are checked against botocore's service models (the Debian python3-botocore
package); answers and errors use the models' shapes and `__type` names. Statements run
asynchronously: SUBMITTED, PICKED, STARTED, then FINISHED, FAILED or ABORTED, never
finished before --min-latency-ms. See README-warehouses.md for what differs from AWS.

Environment: CROSSDOCK_PG_URL, CROSSDOCK_PEERS_DIR, CROSSDOCK_STS_ENDPOINT, RGW_ENDPOINT,
RGW_REGION, RGW_CUSTOMER_* / RGW_VENDOR_* / RGW_INTRUDER_* keys, and the Redshift service
stand-in's keys CROSSDOCK_REDSHIFT_STANDIN_{ARN,ACCESS_KEY,SECRET_KEY}.
"""

import argparse
import base64
import datetime
import json
import os
import re
import secrets
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.loaders  # noqa: E402
import botocore.model  # noqa: E402
import psycopg2  # noqa: E402
import psycopg2.sql  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

import redshift_sql  # noqa: E402
import warehouse_common as wc  # noqa: E402
import warehouse_s3 as ws3  # noqa: E402
from warehouse_common import AwsError  # noqa: E402

NAME = "redshift"
REDSHIFT_PRINCIPAL = "redshift.amazonaws.com"
FAULTS = {"ExecuteStatementException", "InternalServerException", "DatabaseConnectionException",
          "BatchExecuteStatementException"}
OID_TYPES = {16: "bool", 17: "bytea", 20: "int8", 21: "int2", 23: "int4", 25: "text",
             700: "float4", 701: "float8", 1042: "bpchar", 1043: "varchar", 1082: "date",
             1083: "time", 1114: "timestamp", 1184: "timestamptz", 1700: "numeric",
             3802: "super", 114: "super"}


def load_model(name):
    loader = botocore.loaders.Loader()
    return botocore.model.ServiceModel(loader.load_service_model(name, "service-2"), name)


def now():
    return time.time()


class Statement:
    def __init__(self, sid, owner, wg, db, dbuser, sqls, params, name, batch):
        self.id, self.owner, self.wg, self.db, self.dbuser = sid, owner, wg, db, dbuser
        self.sqls, self.params, self.name, self.batch = sqls, params, name, batch
        self.created = self.updated = now()
        self.status = "SUBMITTED"
        self.subs = [{"status": "SUBMITTED", "error": None, "cols": None, "rows": None,
                      "count": -1, "size": 0, "start": None, "end": None,
                      "query_id": 0} for _ in sqls]
        self.error = None
        self.conn = None
        self.cancelled = False
        self.pid = 0
        self.lock = threading.Lock()

    def set(self, status):
        self.status, self.updated = status, now()


class Redshift:
    def __init__(self, args, env):
        self.args, self.env = args, env
        self.region = env.get("RGW_REGION", "us-east-1")
        self.account = env["RGW_CUSTOMER_ACCOUNT"]
        self.ids = wc.Identities(env)
        self.standin = (env["CROSSDOCK_REDSHIFT_STANDIN_ACCESS_KEY"],
                        env["CROSSDOCK_REDSHIFT_STANDIN_SECRET_KEY"])
        self.standin_arn = env["CROSSDOCK_REDSHIFT_STANDIN_ARN"]
        self.owner_keys = (env["RGW_CUSTOMER_ACCESS_KEY"], env["RGW_CUSTOMER_SECRET_KEY"])
        self.sts = env["CROSSDOCK_STS_ENDPOINT"]
        self.rgw = env.get("RGW_ENDPOINT", self.sts)
        self.data_model = load_model("redshift-data")
        self.sls_model = load_model("redshift-serverless")
        self.pg = wc.pg_params(env["CROSSDOCK_PG_URL"])
        self.admin = wc.Admin(env["CROSSDOCK_PG_URL"], env["CROSSDOCK_PEERS_DIR"])
        # IAM roles whose database user starts with no privileges, as a new IAM user does in
        # Redshift: statements run as that user (SET ROLE), so PostgreSQL enforces exactly
        # the GRANTs made to it. Other roles keep the owner's rights (as if their
        # RedshiftDbRoles tag named an administrator role).
        self.restricted = set(args.restricted_role or [])
        self.workgroups = {}
        for wg in args.workgroup:
            pgdb = "redshift_" + wg.replace("-", "_")
            self.admin.ensure_database(pgdb)
            self.workgroups[wg] = {"database": args.database, "pgdb": pgdb}
        self.statements = {}
        self.lock = threading.Lock()
        self.query_seq = 1000
        wc.raw_text_values()

    # ------------------------------------------------------------------- dispatch
    def handle(self, h, service):
        rid = str(uuid.uuid4())
        try:
            body = h.read_body()
            model = self.data_model if service == "redshift-data" else self.sls_model
            target = h.headers.get("X-Amz-Target", "")
            prefix = model.metadata["targetPrefix"] + "."
            if h.command != "POST" or h.path != "/":
                raise AwsError(404, "UnknownOperationException", "Unknown operation")
            caller = wc.verify_sigv4(h, body, service, self.region, self.ids)
            if not target.startswith(prefix) or target[len(prefix):] not in \
                    model.operation_names:
                raise AwsError(400, "UnknownOperationException",
                               "Unknown operation %s" % target)
            ctype = h.headers.get("Content-Type", "")
            if not ctype.startswith("application/x-amz-json-1.1"):
                raise AwsError(400, "SerializationException",
                               "Content-Type must be application/x-amz-json-1.1, not %r" % ctype)
            try:
                params = json.loads(body or b"{}")
            except ValueError:
                raise AwsError(400, "SerializationException", "Request body is not JSON")
            op = target[len(prefix):]
            wc.validate_input(model, op, params)
            fn = getattr(self, "op_" + op, None)
            if fn is None:
                raise AwsError(400, "UnknownOperationException",
                               "%s is not implemented by the test peer" % op)
            out = fn(params, caller)
            wc.check_output(model, op, out)
            wc.log(NAME, "%s %s by %s" % (service, op, caller["arn"]))
            h.send_json(200, out, "application/x-amz-json-1.1", [("x-amzn-RequestId", rid)])
        except AwsError as e:
            status = 500 if e.code in FAULTS else e.status
            key = "message" if service == "redshift-serverless" else "Message"
            obj = {"__type": e.code, key: e.message}
            obj.update(e.extra)
            wc.log(NAME, "%s error %s: %s" % (service, e.code, e.message))
            h.send_json(status, obj, "application/x-amz-json-1.1", [("x-amzn-RequestId", rid)])

    # -------------------------------------------------------------------- helpers
    def workgroup(self, params, caller):
        if params.get("ClusterIdentifier"):
            raise AwsError(400, "ValidationException",
                           "The test peer serves Redshift Serverless workgroups only: use "
                           "WorkgroupName instead of ClusterIdentifier")
        if params.get("SecretArn"):
            raise AwsError(400, "ValidationException",
                           "SecretArn is not supported by the test peer: use IAM credentials")
        wg = params.get("WorkgroupName")
        if not wg:
            raise AwsError(400, "ValidationException",
                           "Either ClusterIdentifier or WorkgroupName must be specified")
        if wg not in self.workgroups or caller["account"] != self.account:
            raise AwsError(400, "ResourceNotFoundException",
                           "Workgroup %s not found." % wg, ResourceId=wg)
        return wg

    def dbuser(self, caller):
        role = wc.role_name_of(caller["arn"]) if caller["session"] else None
        if role:
            return "IAMR:" + role
        return "IAM:" + caller["arn"].rsplit("/", 1)[-1]

    def owner_of(self, caller):
        """Statements are visible to the IAM identity that ran them (the role, for any of its
        sessions)."""
        arn = caller["arn"]
        if ":assumed-role/" in arn:
            return arn.rsplit("/", 1)[0]
        return arn

    def connect(self, wg, db):
        if db != self.workgroups[wg]["database"]:
            raise psycopg2.OperationalError('FATAL: database "%s" does not exist' % db)
        p = dict(self.pg, dbname=self.workgroups[wg]["pgdb"])
        return psycopg2.connect(**p)

    def become_dbuser(self, conn, dbuser):
        """For a restricted role: the statement runs as its database user, created on first
        use without privileges (PUBLIC's defaults only)."""
        if not dbuser.startswith("IAMR:") or dbuser[5:] not in self.restricted:
            return
        self.admin.plain_role(dbuser)
        with conn.cursor() as c:
            c.execute(psycopg2.sql.SQL("SET ROLE {}").format(psycopg2.sql.Identifier(dbuser)))

    def get_statement(self, sid, caller):
        base, _, sub = sid.partition(":")
        with self.lock:
            st = self.statements.get(base)
        if st is None or st.owner != self.owner_of(caller):
            raise AwsError(400, "ResourceNotFoundException", "Query does not exist.",
                           ResourceId=sid)
        if sub:
            if not st.batch or not sub.isdigit() or not 1 <= int(sub) <= len(st.sqls):
                raise AwsError(400, "ResourceNotFoundException", "Query does not exist.",
                               ResourceId=sid)
            return st, int(sub) - 1
        return st, None

    # ----------------------------------------------------------------- execution
    def active_count(self):
        return sum(1 for s in self.statements.values()
                   if s.status in ("SUBMITTED", "PICKED", "STARTED"))

    def submit(self, params, caller, sqls, batch):
        wg = self.workgroup(params, caller)
        sid = str(uuid.uuid4())
        st = Statement(sid, self.owner_of(caller), wg, params["Database"],
                       self.dbuser(caller), sqls, params.get("Parameters"),
                       params.get("StatementName"), batch)
        with self.lock:
            if self.active_count() >= self.args.max_active:
                raise AwsError(400, "ActiveStatementsExceededException",
                               "Active statements exceeded the allowed quota (%d)."
                               % self.args.max_active)
            self.statements[sid] = st
        threading.Thread(target=self.run, args=(st, caller), daemon=True).start()
        out = {"Id": sid, "CreatedAt": wc.epoch(st.created), "Database": st.db,
               "WorkgroupName": wg}
        return out

    def run(self, st, caller):
        time.sleep(self.args.min_latency_ms / 4000.0)
        with st.lock:
            if st.cancelled:
                return self.finish_aborted(st)
            st.set("PICKED")
        time.sleep(self.args.min_latency_ms / 4000.0)
        try:
            conn = self.connect(st.wg, st.db)
        except psycopg2.Error as e:
            st.error = " ".join(str(e).split())
            for s in st.subs:
                s["status"] = "ABORTED"
            st.subs[0]["status"], st.subs[0]["error"] = "FAILED", st.error
            return self.finish(st, "FAILED")
        try:
            self.become_dbuser(conn, st.dbuser)
        except psycopg2.Error as e:
            conn.close()
            st.error = " ".join(str(e).split())
            st.subs[0]["status"], st.subs[0]["error"] = "FAILED", st.error
            return self.finish(st, "FAILED")
        with st.lock:
            if st.cancelled:
                conn.close()
                return self.finish_aborted(st)
            st.conn = conn
            st.pid = conn.get_backend_pid()
            st.set("STARTED")
        ctx = UnloadContext(self, st)
        failed = None
        try:
            cur = conn.cursor()
            for i, sql in enumerate(st.sqls):
                sub = st.subs[i]
                sub["status"], sub["start"] = "STARTED", now()
                with self.lock:
                    self.query_seq += 1
                    sub["query_id"] = self.query_seq
                try:
                    self.execute_one(cur, sql, st, sub, ctx)
                    sub["status"], sub["end"] = "FINISHED", now()
                except (psycopg2.Error, redshift_sql.SqlError) as e:
                    if st.cancelled:
                        sub["status"], sub["end"] = "ABORTED", now()
                        failed = "ABORTED"
                    else:
                        msg = e.pgerror if isinstance(e, psycopg2.Error) and e.pgerror \
                            else str(e)
                        sub["status"], sub["end"] = "FAILED", now()
                        sub["error"] = " ".join(msg.split())
                        st.error = sub["error"]
                        failed = "FAILED"
                    for rest in st.subs[i + 1:]:
                        rest["status"] = "ABORTED"
                    break
            if failed:
                conn.rollback()
            else:
                conn.commit()
        except psycopg2.Error as e:
            failed = "FAILED"
            st.error = " ".join(str(e).split())
        finally:
            with st.lock:
                st.conn = None
            conn.close()
        self.finish(st, failed or "FINISHED")

    def execute_one(self, cur, sql, st, sub, ctx):
        parts = wc.split_statements(sql)
        if len(parts) > 1:
            raise redshift_sql.SqlError(
                "ERROR: cannot insert multiple commands into a prepared statement")
        sql = parts[0] if parts else sql
        rs = redshift_sql.RedshiftSql(ctx)
        if redshift_sql.is_unload(sql):
            sub["count"] = rs.unload(cur, sql)
            return
        if redshift_sql.is_s3_copy(sql):
            sub["count"] = rs.copy(cur, sql)
            return
        sql = redshift_sql.strip_redshift_ddl(sql)
        args = None
        if st.params and not st.batch:
            args = {p["name"]: p["value"] for p in st.params}
            names = set(re.findall(r"(?<!:):([A-Za-z_]\w*)", sql))
            missing = names - set(args)
            if missing:
                raise redshift_sql.SqlError("ERROR: Parameter '%s' is not provided"
                                            % sorted(missing)[0])
            sql = sql.replace("%", "%%")
            sql = re.sub(r"(?<!:):([A-Za-z_]\w*)", r"%(\1)s", sql)
        cur.execute(sql, args)
        if cur.description is not None:
            rows = cur.fetchall()
            sub["cols"] = [(d.name, d.type_code, d.internal_size, d.precision, d.scale,
                            d.null_ok) for d in cur.description]
            sub["rows"] = rows
            sub["count"] = len(rows)
            sub["size"] = sum(len(v or "") for r in rows for v in r)
        else:
            sub["count"] = cur.rowcount if cur.rowcount is not None else -1

    def finish(self, st, status):
        # a statement never finishes before the minimum latency: callers must poll
        wait = st.created + self.args.min_latency_ms / 1000.0 - now()
        if wait > 0:
            time.sleep(wait)
        with st.lock:
            if st.cancelled and status != "FAILED":
                status = "ABORTED"
            st.set(status)
        wc.log(NAME, "statement %s %s%s" % (st.id, status,
                                             ": " + st.error if st.error else ""))

    def finish_aborted(self, st):
        for s in st.subs:
            s["status"] = "ABORTED"
        st.set("ABORTED")

    # ---------------------------------------------------------------- Data API ops
    def op_ExecuteStatement(self, p, caller):
        return self.submit(p, caller, [p["Sql"]], batch=False)

    def op_BatchExecuteStatement(self, p, caller):
        return self.submit(p, caller, list(p["Sqls"]), batch=True)

    def op_DescribeStatement(self, p, caller):
        st, sub = self.get_statement(p["Id"], caller)
        with st.lock:
            if sub is not None:
                return self.describe_sub(st, sub)
            out = {"Id": st.id, "Status": st.status, "CreatedAt": wc.epoch(st.created),
                   "UpdatedAt": wc.epoch(st.updated), "Database": st.db,
                   "WorkgroupName": st.wg, "DbUser": st.dbuser, "RedshiftPid": st.pid,
                   "Duration": -1, "HasResultSet": False, "ResultRows": -1, "ResultSize": -1,
                   "QueryString": st.sqls[0] if not st.batch else "; ".join(st.sqls)}
            if st.status in ("FINISHED", "FAILED", "ABORTED"):
                out["Duration"] = int((st.updated - st.created) * 1e9)
            if st.params:
                out["QueryParameters"] = st.params
            if st.error:
                out["Error"] = st.error
            if not st.batch:
                s = st.subs[0]
                out["RedshiftQueryId"] = s["query_id"]
                if st.status == "FINISHED":
                    out["HasResultSet"] = s["rows"] is not None
                    out["ResultRows"] = s["count"]
                    out["ResultSize"] = s["size"]
            else:
                out["SubStatements"] = [self.describe_sub(st, i) for i in range(len(st.sqls))]
                out["HasResultSet"] = any(s["rows"] is not None for s in st.subs) and \
                    st.status == "FINISHED"
            return out

    def describe_sub(self, st, i):
        s = st.subs[i]
        status = s["status"] if st.status in ("FINISHED", "FAILED", "ABORTED") else (
            "STARTED" if s["status"] in ("FINISHED", "STARTED") else s["status"])
        out = {"Id": "%s:%d" % (st.id, i + 1), "Status": status,
               "CreatedAt": wc.epoch(st.created), "UpdatedAt": wc.epoch(s["end"] or st.updated),
               "QueryString": st.sqls[i], "RedshiftQueryId": s["query_id"],
               "HasResultSet": status == "FINISHED" and s["rows"] is not None,
               "ResultRows": s["count"] if status == "FINISHED" else -1,
               "ResultSize": s["size"] if status == "FINISHED" else -1,
               "Duration": int(((s["end"] or now()) - (s["start"] or now())) * 1e9)}
        if s["error"]:
            out["Error"] = s["error"]
        return out

    def op_CancelStatement(self, p, caller):
        st, _ = self.get_statement(p["Id"], caller)
        with st.lock:
            if st.status in ("FINISHED", "FAILED", "ABORTED"):
                raise AwsError(400, "ValidationException",
                               "Could not cancel a query that is already in %s state."
                               % st.status)
            st.cancelled = True
            if st.conn is not None:
                try:
                    st.conn.cancel()
                except psycopg2.Error:
                    pass
        return {"Status": True}

    def op_GetStatementResult(self, p, caller):
        st, sub = self.get_statement(p["Id"], caller)
        with st.lock:
            if st.batch and sub is None:
                raise AwsError(400, "ValidationException",
                               "Id %s is a batch: get the result of a sub-statement "
                               "(%s:1, %s:2, ...)" % (st.id, st.id, st.id))
            s = st.subs[sub or 0]
            if st.status != "FINISHED" or s["rows"] is None:
                raise AwsError(400, "ResourceNotFoundException",
                               "Query does not have result. Please check query status with "
                               "DescribeStatement.", ResourceId=p["Id"])
        offset = 0
        if p.get("NextToken"):
            try:
                tok = json.loads(base64.b64decode(p["NextToken"]))
                assert tok["id"] == p["Id"]
                offset = int(tok["o"])
            except Exception:
                raise AwsError(400, "ValidationException", "Invalid NextToken.")
        page = self.args.page_rows
        rows = s["rows"][offset: offset + page]
        out = {"ColumnMetadata": [self.column_meta(c) for c in s["cols"]],
               "Records": [[self.field(v, c[1]) for v, c in zip(r, s["cols"])] for r in rows],
               "TotalNumRows": len(s["rows"])}
        if offset + page < len(s["rows"]):
            out["NextToken"] = base64.b64encode(json.dumps(
                {"id": p["Id"], "o": offset + page}).encode()).decode()
        return out

    @staticmethod
    def column_meta(c):
        name, oid, size, prec, scale, _ = c
        t = OID_TYPES.get(oid, "varchar")
        return {"name": name, "label": name, "typeName": t, "nullable": 1,
                "isSigned": t in ("int2", "int4", "int8", "float4", "float8", "numeric"),
                "isCaseSensitive": t in ("varchar", "bpchar", "text"), "isCurrency": False,
                "length": 0 if size is None or size < 0 else size,
                "precision": prec or 0, "scale": scale or 0, "schemaName": "", "tableName": ""}

    @staticmethod
    def field(v, oid):
        if v is None:
            return {"isNull": True}
        if oid in (20, 21, 23, 26):
            return {"longValue": int(v)}
        if oid in (700, 701):
            return {"doubleValue": float(v)}
        if oid == 16:
            return {"booleanValue": v == "t"}
        if oid == 17:
            return {"blobValue": base64.b64encode(bytes.fromhex(v[2:])).decode()}
        return {"stringValue": v}

    def op_ListStatements(self, p, caller):
        owner = self.owner_of(caller)
        with self.lock:
            sts = [s for s in self.statements.values() if s.owner == owner]
        if p.get("Status") and p["Status"] != "ALL":
            sts = [s for s in sts if s.status == p["Status"]]
        if p.get("StatementName"):
            sts = [s for s in sts if (s.name or "").startswith(p["StatementName"])]
        sts.sort(key=lambda s: -s.created)
        items = [{"Id": s.id, "Status": s.status, "CreatedAt": wc.epoch(s.created),
                  "UpdatedAt": wc.epoch(s.updated), "IsBatchStatement": s.batch,
                  "QueryString": s.sqls[0], "StatementName": s.name or ""} for s in sts]
        return self.paginate(items, p, "Statements", 100)

    def paginate(self, items, p, key, default_max):
        limit = p.get("MaxResults") or default_max
        offset = 0
        if p.get("NextToken"):
            try:
                offset = int(base64.b64decode(p["NextToken"]).decode())
            except Exception:
                raise AwsError(400, "ValidationException", "Invalid NextToken.")
        out = {key: items[offset: offset + limit]}
        if offset + limit < len(items):
            out["NextToken"] = base64.b64encode(str(offset + limit).encode()).decode()
        return out

    def metadata(self, p, caller, sql, args):
        wg = self.workgroup(p, caller)
        db = p.get("ConnectedDatabase") or p["Database"]
        try:
            conn = self.connect(wg, db)
        except psycopg2.Error as e:
            raise AwsError(500, "DatabaseConnectionException",
                           "Database connection failed: %s" % " ".join(str(e).split()))
        try:
            with conn.cursor() as c:
                c.execute(sql, args)
                return c.fetchall()
        finally:
            conn.close()

    def op_ListDatabases(self, p, caller):
        wg = self.workgroup(p, caller)
        if p["Database"] != self.workgroups[wg]["database"]:
            raise AwsError(500, "DatabaseConnectionException",
                           'Database connection failed: FATAL: database "%s" does not exist'
                           % p["Database"])
        return self.paginate([self.workgroups[wg]["database"]], p, "Databases", 1000)

    def op_ListSchemas(self, p, caller):
        rows = self.metadata(p, caller, "SELECT nspname FROM pg_namespace WHERE nspname LIKE "
                             "%s AND nspname NOT LIKE 'pg\\_toast%%' AND nspname NOT LIKE "
                             "'pg\\_temp\\_%%' ORDER BY 1", (p.get("SchemaPattern") or "%",))
        return self.paginate([r[0] for r in rows], p, "Schemas", 1000)

    def op_ListTables(self, p, caller):
        rows = self.metadata(p, caller, "SELECT table_name, table_schema, CASE table_type WHEN "
                             "'BASE TABLE' THEN 'TABLE' ELSE table_type END FROM "
                             "information_schema.tables WHERE table_schema LIKE %s AND "
                             "table_name LIKE %s ORDER BY 2, 1",
                             (p.get("SchemaPattern") or "%", p.get("TablePattern") or "%"))
        return self.paginate([{"name": r[0], "schema": r[1], "type": r[2]} for r in rows], p,
                             "Tables", 1000)

    def op_DescribeTable(self, p, caller):
        schema = p.get("Schema") or "public"
        rows = self.metadata(
            p, caller, "SELECT table_name, column_name, CASE WHEN udt_name = 'text' THEN "
            "'varchar' ELSE udt_name END, is_nullable, coalesce(character_maximum_length, 0), "
            "coalesce(numeric_precision, 0), coalesce(numeric_scale, 0), "
            "coalesce(column_default, '') FROM information_schema.columns WHERE "
            "table_schema = %s AND (%s IS NULL OR table_name = %s) ORDER BY table_name, "
            "ordinal_position", (schema, p.get("Table"), p.get("Table")))
        cols = [{"name": r[1], "label": r[1], "typeName": r[2],
                 "nullable": 1 if r[3] == "YES" else 0, "length": int(r[4]),
                 "precision": int(r[5]), "scale": int(r[6]), "columnDefault": r[7], "schemaName": schema, "tableName": r[0],
                 "isSigned": r[2] in ("int2", "int4", "int8", "float4", "float8", "numeric"),
                 "isCaseSensitive": r[2] in ("varchar", "bpchar"), "isCurrency": False}
                for r in rows]
        out = self.paginate(cols, p, "ColumnList", 1000)
        if p.get("Table"):
            out["TableName"] = "%s.%s" % (schema, p["Table"])
        return out

    # ---------------------------------------------------------- Serverless ops
    def op_GetCredentials(self, p, caller):
        wg = p["workgroupName"]
        if wg not in self.workgroups or caller["account"] != self.account:
            raise AwsError(400, "ResourceNotFoundException",
                           "Workgroup %s not found." % wg, resourceName=wg)
        duration = p.get("durationSeconds") or 900
        if not 900 <= duration <= 3600:
            raise AwsError(400, "ValidationException",
                           "durationSeconds must be between 900 and 3600 seconds")
        user = self.dbuser(caller)
        password = secrets.token_urlsafe(24)
        expires = now() + duration
        until = datetime.datetime.fromtimestamp(expires, datetime.timezone.utc).isoformat()
        self.admin.login_role(user, password, until,
                              with_owner=user[5:] not in self.restricted)
        return {"dbUser": user, "dbPassword": password, "expiration": wc.epoch(expires),
                "nextRefreshTime": wc.epoch(expires - 60)}


class UnloadContext:
    """What UNLOAD and COPY need: the workgroup's region, the S3 endpoint, and assuming the
    IAM_ROLE chain as the Redshift service principal would."""

    def __init__(self, rs, st):
        self.rs, self.st = rs, st
        self.region = rs.region
        self.s3_endpoint = rs.rgw

    def denied(self, arn, why):
        return redshift_sql.SqlError(
            "ERROR: User arn:aws:redshift:%s:%s:dbuser:%s/%s is not authorized to assume IAM "
            "Role %s DETAIL: %s" % (self.region, self.rs.account, self.st.wg, self.st.dbuser,
                                    arn, why))

    def assume(self, arns):
        rs = self.rs
        first = arns[0]
        policy = ws3.trust_policy(rs.sts, rs.region, rs.owner_keys, first)
        if policy is None:
            raise self.denied(first, "the role does not exist (IAM GetRole found no role %s)"
                              % first.rsplit("/", 1)[-1])
        if not ws3.service_may_assume(policy, REDSHIFT_PRINCIPAL):
            raise self.denied(first, "the role's trust policy does not allow the %s service "
                              "principal to call sts:AssumeRole" % REDSHIFT_PRINCIPAL)
        creds = rs.standin
        session = "redshift-%s" % self.st.id[:8]
        for i, arn in enumerate(arns):
            try:
                creds = ws3.assume(rs.rgw, rs.region, creds, arn, session)
            except ClientError as e:
                code, msg, _ = ws3.error_code(e)
                hint = ("the test peer assumes roles as %s standing in for %s: the trust "
                        "policy must name it too" % (rs.standin_arn, REDSHIFT_PRINCIPAL)) \
                    if i == 0 else ("%s cannot assume %s (chained IAM_ROLE)" % (arns[i - 1],
                                                                               arn))
                raise self.denied(arn, "STS AssumeRole %s: %s. %s" % (code, msg or "", hint))
        return creds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-listen", required=True)
    ap.add_argument("--serverless-listen", required=True)
    ap.add_argument("--workgroup", action="append", default=None,
                    help="workgroup name (repeatable; default crossdock)")
    ap.add_argument("--database", default="dev")
    ap.add_argument("--restricted-role", action="append", default=None,
                    help="IAM role name whose database user has only the privileges granted "
                         "to it (repeatable)")
    ap.add_argument("--page-rows", type=int,
                    default=int(os.environ.get("CROSSDOCK_REDSHIFT_PAGE_ROWS", "1000")))
    ap.add_argument("--min-latency-ms", type=int,
                    default=int(os.environ.get("CROSSDOCK_REDSHIFT_MIN_LATENCY_MS", "200")))
    ap.add_argument("--max-active", type=int,
                    default=int(os.environ.get("CROSSDOCK_REDSHIFT_MAX_ACTIVE", "200")))
    args = ap.parse_args()
    args.workgroup = args.workgroup or ["crossdock"]
    rs = Redshift(args, os.environ)

    class DataHandler(wc.Handler):
        def do_POST(self):
            rs.handle(self, "redshift-data")
        do_GET = do_POST

    class ServerlessHandler(wc.Handler):
        def do_POST(self):
            rs.handle(self, "redshift-serverless")
        do_GET = do_POST

    wc.serve(args.data_listen, DataHandler, "redshift-data")
    wc.serve(args.serverless_listen, ServerlessHandler, "redshift-serverless")
    threading.Event().wait()


if __name__ == "__main__":
    main()
