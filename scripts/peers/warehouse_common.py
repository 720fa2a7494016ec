"""Shared pieces of the warehouse test peers (redshift_fake.py, databricks_fake.py): a
threaded HTTP/1.1 server, SigV4 verification the way AWS JSON services answer, opening Ceph
RGW session tokens, caller identities, PostgreSQL connections and SQL text helpers.

SigV4: the Authorization header is parsed, the credential scope checked (service, region,
date), X-Amz-Date must be within 15 minutes, host and x-amz-date must be signed, and the
signature is recomputed with botocore for every key whose secret is known: the test users'
long-term keys (RGW_*_ACCESS_KEY / _SECRET_KEY) and temporary keys issued by the RGW STS,
whose session token is opened with the RGW STS key (a fixed test value in start.sh; Ceph
encrypts the token with AES-128-CBC and a fixed IV, and the token carries the secret).

Debian packages only: python3-botocore, python3-cryptography, python3-psycopg2.
"""

import base64
import datetime
import http.server
import json
import os
import re
import socketserver
import struct
import sys
import threading
import time
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

RGW_STS_IV = b"cephsageyudagreg"  # Ceph's fixed AES IV (src/auth/Crypto.cc)
DEFAULT_RGW_STS_KEY = "abcdefghijklmnop"  # rgw_sts_key in scripts/peers/start.sh



_ROLE_LOOKUP = threading.Lock()

def log(name, msg):
    sys.stderr.write("%s [%s] %s\n" % (time.strftime("%H:%M:%S"), name, msg))
    sys.stderr.flush()


class AwsError(Exception):
    """An error answered as an AWS JSON 1.1 error: HTTP status, __type and message."""

    def __init__(self, status, code, message, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


# ------------------------------------------------------------------------- HTTP server

class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "crossdock-warehouse-peer"

    def log_message(self, fmt, *args):  # quiet: the fakes log what matters themselves
        pass

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def send_json(self, status, obj, content_type="application/json", headers=()):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


def serve(addr, handler_cls, name):
    host, port = addr.rsplit(":", 1)
    srv = ThreadingServer((host, int(port)), handler_cls)
    t = threading.Thread(target=srv.serve_forever, name=name, daemon=True)
    t.start()
    log(name, "listening on %s" % addr)
    return srv


# --------------------------------------------------------------------------- identities

class Identities:
    """Who owns an access key: the test users' long-term keys (from the RGW_* variables and
    the service stand-ins), and RGW session tokens (opened with the STS key). For sessions
    the role is looked up in the External ID front's memory of issued sessions."""

    def __init__(self, env, sts_key=None):
        self.users = {}
        for who in ("CUSTOMER", "VENDOR", "INTRUDER"):
            ak, sk = env.get("RGW_%s_ACCESS_KEY" % who), env.get("RGW_%s_SECRET_KEY" % who)
            acct = env.get("RGW_%s_ACCOUNT" % who)
            if ak and sk and acct:
                self.users[ak] = {"secret": sk, "arn": "arn:aws:iam::%s:user/%s" % (
                    acct, who.lower()), "account": acct}
        self.sts_key = (sts_key or env.get("CROSSDOCK_RGW_STS_KEY")
                        or DEFAULT_RGW_STS_KEY).encode()
        self.front_state = os.path.join(env.get("CROSSDOCK_PEERS_DIR", ""), "front",
                                        "trust-policies.json")
        self.iam_endpoint = env.get("RGW_ENDPOINT")
        self.region = env.get("RGW_REGION", "us-east-1")
        self.customer = (env["RGW_CUSTOMER_ACCESS_KEY"], env["RGW_CUSTOMER_SECRET_KEY"]) \
            if env.get("RGW_CUSTOMER_ACCESS_KEY") else None
        self.role_ids = {}

    def add_user(self, access_key, secret, arn):
        acct = arn.split(":")[4]
        self.users[access_key] = {"secret": secret, "arn": arn, "account": acct}

    def open_session_token(self, token):
        """(access_key, secret, expiration, tenant, user, role_session) from an RGW session
        token, or None when it is not one this RGW issued."""
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        try:
            raw = base64.b64decode(token, validate=False)
            if not raw or len(raw) % 16:
                return None
            d = Cipher(algorithms.AES(self.sts_key), modes.CBC(RGW_STS_IV)).decryptor()
            pt = d.update(raw) + d.finalize()
            pad = pt[-1]
            if not 1 <= pad <= 16 or pt[-pad:] != bytes([pad]) * pad:
                return None
            pt = pt[:-pad]
            off = 6  # struct_v, compat, length

            def string():
                nonlocal off
                (n,) = struct.unpack_from("<I", pt, off)
                s = pt[off + 4:off + 4 + n].decode()
                off += 4 + n
                return s

            ak, sk, exp, _policy, role_id = string(), string(), string(), string(), string()
            off += 6  # rgw_user: struct_v, compat, length
            tenant, user = string(), string()
            return {"access_key": ak, "secret": sk, "expiration": exp, "tenant": tenant,
                    "user": user, "role_id": role_id}
        except (ValueError, struct.error, UnicodeDecodeError):
            return None

    def session_arn(self, access_key, role_id=None):
        """The assumed-role ARN of a temporary key: from the External ID front's memory of the
        sessions it issued, else from the token's role id among the customer's roles (IAM
        ListRoles), with an unknown session name. None when neither knows it."""
        try:
            with open(self.front_state) as f:
                s = json.load(f).get("sessions", {}).get(access_key)
        except (OSError, ValueError):
            s = None
        if s and s.get("arn"):
            return s["arn"]
        if not role_id or not self.iam_endpoint or not self.customer:
            return None
        # One lookup at a time, each with a session of its own: boto3's default session is
        # not thread-safe (concurrent first requests failed with KeyError 'endpoint_resolver').
        with _ROLE_LOOKUP:
            if role_id not in self.role_ids:
                import boto3
                from botocore.config import Config
                try:
                    iam = boto3.session.Session().client(
                        "iam", endpoint_url=self.iam_endpoint, region_name=self.region,
                        aws_access_key_id=self.customer[0],
                        aws_secret_access_key=self.customer[1],
                        config=Config(retries={"max_attempts": 2}))
                    for r in iam.list_roles()["Roles"]:
                        self.role_ids[r["RoleId"]] = r["Arn"]
                except Exception as e:  # a lookup failure leaves the session unnamed
                    log("identities", "ListRoles failed: %s" % e)
        arn = self.role_ids.get(role_id)
        if not arn:
            return None
        m = re.fullmatch(r"arn:([\w-]+):iam::(\d+):role/(?:.*/)?([^/]+)", arn)
        return m and "arn:%s:sts::%s:assumed-role/%s/session" % m.groups()


def role_name_of(arn):
    m = re.fullmatch(r"arn:[\w-]+:(?:sts|iam)::\d+:(?:assumed-role|role)/(?:.*/)?([^/]+?)"
                     r"(?:/[^/]+)?", arn or "")
    if not m:
        return None
    if ":assumed-role/" in arn:
        return arn.split(":assumed-role/", 1)[1].split("/")[0]
    return m.group(1)


# ------------------------------------------------------------------------------ SigV4

AUTH_RE = re.compile(r"AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/"
                     r"aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$")
SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you "
                      "provided. Check your AWS Secret Access Key and signing method. Consult "
                      "the service documentation for details.")
INVALID_TOKEN = "The security token included in the request is invalid."


def verify_sigv4(handler, body, service, region, identities, now=None):
    """Checks the request's SigV4 signature like an AWS JSON service. Returns the caller:
    {"arn", "account", "access_key", "session": bool}. Raises AwsError."""
    h = handler.headers
    auth = h.get("Authorization")
    if not auth:
        raise AwsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token")
    m = AUTH_RE.match(auth.strip())
    if not m:
        raise AwsError(400, "IncompleteSignatureException",
                       "Authorization header requires 'Credential', 'Signature' and "
                       "'SignedHeaders' parameters. Authorization=%s" % auth.split(" ")[0])
    ak, date, reg, svc, signed, signature = m.groups()
    signed = signed.split(";")
    if svc != service:
        raise AwsError(400, "InvalidSignatureException",
                       "Credential should be scoped to correct service: '%s'. " % service)
    if reg != region:
        raise AwsError(400, "InvalidSignatureException",
                       "Credential should be scoped to a valid region. ")
    if "host" not in signed:
        raise AwsError(400, "InvalidSignatureException",
                       "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    amz_date = h.get("X-Amz-Date")
    if not amz_date or "x-amz-date" not in signed:
        raise AwsError(400, "IncompleteSignatureException",
                       "Authorization header requires existence of either a 'X-Amz-Date' or a "
                       "'Date' header, and X-Amz-Date must be signed.")
    try:
        t = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        raise AwsError(400, "IncompleteSignatureException",
                       "Date must be in ISO-8601 'basic format'. Got '%s'." % amz_date)
    if amz_date[:8] != date:
        raise AwsError(400, "InvalidSignatureException",
                       "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                       "of date from HTTP: '%s' != '%s', from '%s'." % (date, amz_date[:8],
                                                                       amz_date))
    now = now or datetime.datetime.now(datetime.timezone.utc)
    fmt = lambda d: d.strftime("%Y%m%dT%H%M%SZ")  # noqa: E731
    skew = datetime.timedelta(minutes=15)
    if t < now - skew:
        raise AwsError(400, "InvalidSignatureException",
                       "Signature expired: %s is now earlier than %s (%s - 15 min.)" % (
                           amz_date, fmt(now - skew), fmt(now)))
    if t > now + skew:
        raise AwsError(400, "InvalidSignatureException",
                       "Signature not yet current: %s is still later than %s (%s + 15 min.)" % (
                           amz_date, fmt(now + skew), fmt(now)))
    token = h.get("X-Amz-Security-Token")
    caller = None
    if token:
        if "x-amz-security-token" not in signed:
            raise AwsError(400, "InvalidSignatureException", SIGNATURE_MISMATCH)
        s = identities.open_session_token(token)
        if s is None or s["access_key"] != ak:
            raise AwsError(400, "UnrecognizedClientException", INVALID_TOKEN)
        exp = s["expiration"][:19]
        if datetime.datetime.strptime(exp, "%Y-%m-%dT%H:%M:%S").replace(
                tzinfo=datetime.timezone.utc) < now:
            raise AwsError(400, "ExpiredTokenException",
                           "The security token included in the request is expired")
        secret = s["secret"]
        arn = identities.session_arn(ak, s["role_id"]) or \
            "arn:aws:sts::%s:assumed-role/unknown/%s" % (s["tenant"], s["user"])
        caller = {"arn": arn, "account": arn.split(":")[4], "access_key": ak, "session": True}
    else:
        u = identities.users.get(ak)
        if not u:
            raise AwsError(400, "UnrecognizedClientException", INVALID_TOKEN)
        secret = u["secret"]
        caller = {"arn": u["arn"], "account": u["account"], "access_key": ak, "session": False}
    headers = {}
    for name in signed:
        v = h.get(name)
        if v is None:
            raise AwsError(400, "InvalidSignatureException", SIGNATURE_MISMATCH)
        headers[name] = v
    url = "http://%s%s" % (h.get("Host", "localhost"), handler.path)
    r = AWSRequest(method=handler.command, url=url, data=body, headers=headers)
    r.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(ak, secret, token), service, region)
    expected = signer.signature(signer.string_to_sign(r, signer.canonical_request(r)), r)
    if expected != signature:
        raise AwsError(400, "InvalidSignatureException", SIGNATURE_MISMATCH)
    return caller


# ----------------------------------------------------------------- botocore validation

def validate_input(model, operation, params):
    """Validates a decoded JSON request against the botocore operation's input shape.
    Raises AwsError ValidationException with AWS's wording for the first problem."""
    from botocore.validate import ParamValidator
    op = model.operation_model(operation)
    shape = op.input_shape
    missing = [n for n in (shape.required_members or []) if params.get(n) is None]
    if missing:
        raise AwsError(400, "ValidationException",
                       "1 validation error detected: Value null at '%s' failed to satisfy "
                       "constraint: Member must not be null" % (missing[0][:1].lower()
                                                                 + missing[0][1:]))
    unknown = [k for k in params if k not in shape.members]
    if unknown:
        raise AwsError(400, "SerializationException",
                       "Unknown field '%s' in %s" % (unknown[0], shape.name))
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        text = report.generate_report().replace("\n", " ")
        raise AwsError(400, "ValidationException", "1 validation error detected: " + text)


def check_output(model, operation, out):
    """Checks an answer against the operation's output shape (member names, types, required
    members, unions), so the fake cannot drift from the model. Raises AwsError
    InternalServerException naming the first problems."""
    shape = model.operation_model(operation).output_shape
    problems = []
    if shape is not None:
        _check_shape(shape, out, shape.name, problems)
    if problems:
        raise AwsError(500, "InternalServerException",
                       "the test peer's answer does not follow the model: " +
                       "; ".join(problems[:5]))


def _check_shape(shape, value, path, problems):
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            problems.append("%s is not an object" % path)
            return
        for k, v in value.items():
            if k not in shape.members:
                problems.append("%s.%s is not a member" % (path, k))
            elif v is not None:
                _check_shape(shape.members[k], v, "%s.%s" % (path, k), problems)
        for r in shape.required_members or []:
            if r not in value:
                problems.append("%s.%s is required" % (path, r))
        if shape.metadata.get("union") and len(value) != 1:
            problems.append("%s is a union with %d members set" % (path, len(value)))
    elif t == "list":
        if not isinstance(value, list):
            problems.append("%s is not a list" % path)
            return
        for i, v in enumerate(value):
            _check_shape(shape.member, v, "%s[%d]" % (path, i), problems)
    elif t == "map":
        if not isinstance(value, dict):
            problems.append("%s is not a map" % path)
    elif t in ("string", "blob"):
        if not isinstance(value, str):
            problems.append("%s is not a string" % path)
    elif t in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append("%s is not an integer" % path)
    elif t == "boolean":
        if not isinstance(value, bool):
            problems.append("%s is not a boolean" % path)
    elif t in ("double", "float", "timestamp"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append("%s is not a number" % path)


def epoch(t):
    """A Timestamp member in the JSON 1.1 protocol: seconds since the epoch (float)."""
    return round(t, 3)


# ------------------------------------------------------------------------- PostgreSQL

def pg_params(url):
    u = urllib.parse.urlsplit(url)
    return {"host": u.hostname or "127.0.0.1", "port": u.port or 5432,
            "user": urllib.parse.unquote(u.username or ""),
            "password": urllib.parse.unquote(u.password or ""),
            "dbname": u.path.lstrip("/") or "postgres"}


_RAW_REGISTERED = False


def raw_text_values():
    """Makes psycopg2 return every value as PostgreSQL's text output (None for NULL), so that
    the fakes decide the wire type from the column's type OID."""
    global _RAW_REGISTERED
    if _RAW_REGISTERED:
        return
    import psycopg2.extensions as ext
    oids = (16, 17, 20, 21, 23, 26, 114, 700, 701, 790, 1082, 1083, 1114, 1184, 1186, 1266,
            1700, 2950, 3802, 1000, 1005, 1007, 1016, 1009, 1015, 1021, 1022, 1231)
    raw = ext.new_type(oids, "CROSSDOCK_RAW", lambda v, cur: v)
    ext.register_type(raw)
    _RAW_REGISTERED = True


class Admin:
    """A superuser connection over the peers' unix socket (local trust auth): creates
    databases for workgroups and roles for GetCredentials."""

    def __init__(self, pg_url, peers_dir):
        import psycopg2
        p = pg_params(pg_url)
        sock = os.path.join(peers_dir, "pgsock")
        self.owner = p["user"]
        self.lock = threading.Lock()
        self.conn = psycopg2.connect(host=sock, port=p["port"], user="postgres",
                                     dbname="postgres")
        self.conn.autocommit = True

    def ensure_database(self, name):
        with self.lock, self.conn.cursor() as c:
            c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if not c.fetchone():
                c.execute('CREATE DATABASE "%s" OWNER "%s"' % (name, self.owner))

    def plain_role(self, name):
        """Creates, once, a role with no privileges that the owner may SET ROLE to."""
        from psycopg2 import sql
        with self.lock, self.conn.cursor() as c:
            c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
            if c.fetchone():
                return
            c.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
            c.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(name),
                                                       sql.Identifier(self.owner)))

    def login_role(self, name, password, valid_until, with_owner=True):
        """Creates or updates a login role that inherits the owner's privileges (unless
        with_owner is false: then it has only what was granted to it)."""
        from psycopg2 import sql
        with self.lock, self.conn.cursor() as c:
            c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
            verb = "ALTER" if c.fetchone() else "CREATE"
            c.execute(sql.SQL("{} ROLE {} LOGIN PASSWORD {} VALID UNTIL {}").format(
                sql.SQL(verb), sql.Identifier(name), sql.Literal(password),
                sql.Literal(valid_until)))
            if with_owner:
                c.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(self.owner),
                                                           sql.Identifier(name)))
            else:
                c.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(name),
                                                           sql.Identifier(self.owner)))


# ----------------------------------------------------------------------- SQL text tools

def split_statements(text):
    """Splits SQL on semicolons outside quotes and comments; drops empty statements."""
    out, cur, i, n = [], [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == ch:
                    if j + 1 < n and text[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            cur.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            cur.append(" ")
        elif ch == ";":
            out.append("".join(cur))
            cur = []
            i += 1
        else:
            cur.append(ch)
            i += 1
    out.append("".join(cur))
    return [s.strip() for s in out if s.strip()]


TOKEN_RE = re.compile(r"\s*(?:'((?:[^']|'')*)'|`([^`]*)`|\"([^\"]*)\"|(\()|(\))|(,)|(=)|"
                      r"([^\s'`\"(),=]+))", re.S)


def tokenize(text):
    """Option-clause tokens: ("str", value) for quoted strings, ("word", WORD) otherwise."""
    out, pos = [], 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise ValueError("syntax error at or near \"%s\"" % text[pos:pos + 20].strip())
        pos = m.end()
        if m.group(1) is not None:
            out.append(("str", m.group(1).replace("''", "'")))
        elif m.group(2) is not None:
            out.append(("ident", m.group(2)))
        elif m.group(3) is not None:
            out.append(("ident", m.group(3)))
        elif m.group(8) is not None:
            out.append(("word", m.group(8)))
        else:
            out.append(("punct", m.group(0).strip()))
    return out


def parse_s3_url(url):
    m = re.fullmatch(r"s3://([^/]+)/?(.*)", url or "")
    if not m:
        raise ValueError("'%s' is not an s3://bucket/prefix URL" % url)
    return m.group(1), m.group(2)
