"""How the warehouse fakes reach the staged objects in Ceph RGW: they assume the customer's
IAM role through the peers' STS (as Redshift and Databricks Unity Catalog do in AWS), then
list, read, write and delete objects with those temporary credentials, so RGW enforces the
role's trust and permission policies. Also the file codecs shared by UNLOAD, COPY and
COPY INTO (delimited text, CSV, JSON lines; gzip and zstd).

Service principals: RGW never matches a "Service" principal in a trust policy, so each fake
acts through a stand-in identity of its own (see README-warehouses.md): Redshift checks the
trust policy for the redshift.amazonaws.com service principal itself and then assumes the
role as the stand-in user, which the trust policy must also name; Databricks assumes the
Unity Catalog master role (a real role in its own RGW account) and from it the customer
role, with the storage credential's External ID, then has the role assume itself.
"""

import csv
import decimal
import gzip
import io
import json
import re
import subprocess
import urllib.parse

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

CFG = Config(signature_version="s3v4", s3={"addressing_style": "path"},
             retries={"max_attempts": 3, "mode": "standard"})


class StorageError(Exception):
    """An S3 or STS failure worded as the warehouse reports it."""


def client(svc, endpoint, region, creds):
    return boto3.client(svc, endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=creds[0], aws_secret_access_key=creds[1],
                        aws_session_token=creds[2] if len(creds) > 2 else None, config=CFG)


def error_code(err):
    r = err.response
    e = r.get("Error") or {}
    return e.get("Code") or "Unknown", e.get("Message"), r.get("ResponseMetadata", {})


def assume(endpoint, region, creds, role_arn, session, external_id=None):
    """Temporary credentials (ak, sk, token) for role_arn; raises ClientError."""
    kw = dict(RoleArn=role_arn, RoleSessionName=session, DurationSeconds=900)
    if external_id is not None:
        kw["ExternalId"] = external_id
    c = client("sts", endpoint, region, creds).assume_role(**kw)["Credentials"]
    return (c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])


def trust_policy(endpoint, region, owner_creds, role_arn):
    """The role's trust policy as a dict (IAM GetRole with the owning account's keys), or
    None when the role does not exist."""
    name = role_arn.rsplit("/", 1)[-1]
    try:
        r = client("iam", endpoint, region, owner_creds).get_role(RoleName=name)["Role"]
    except ClientError:
        return None
    doc = r.get("AssumeRolePolicyDocument")
    if isinstance(doc, str):
        doc = json.loads(urllib.parse.unquote(doc))
    return doc


def _as_list(v):
    return v if isinstance(v, list) else [] if v is None else [v]


def _action_matches(actions, action):
    for a in _as_list(actions):
        if re.fullmatch(re.escape(a).replace(r"\*", ".*").replace(r"\?", "."), action, re.I):
            return True
    return False


def service_may_assume(policy, service):
    """True when a trust policy lets the AWS service principal `service` call sts:AssumeRole
    (an Allow naming it or "*", and no Deny naming it)."""
    allowed = False
    for st in _as_list((policy or {}).get("Statement")):
        p = st.get("Principal")
        names = []
        if p == "*":
            names = ["*"]
        elif isinstance(p, dict):
            names = _as_list(p.get("Service")) + [x for x in _as_list(p.get("AWS")) if x == "*"]
        if not (service in names or "*" in names):
            continue
        if "Action" in st and not _action_matches(st["Action"], "sts:AssumeRole"):
            continue
        if st.get("Effect") == "Deny":
            return False
        if st.get("Effect") == "Allow":
            allowed = True
    return allowed


# ------------------------------------------------------------------------ object access

class Bucket:
    """S3 access with one set of (temporary) credentials; errors become StorageError with the
    warehouse's wording ("S3ServiceException:Access Denied,Status 403,...")."""

    def __init__(self, endpoint, region, creds):
        self.s3 = client("s3", endpoint, region, creds)

    @staticmethod
    def wrap(err, what):
        if isinstance(err, ClientError):
            code, msg, meta = error_code(err)
            status = meta.get("HTTPStatusCode", 0)
            words = {"AccessDenied": "Access Denied", "NoSuchBucket":
                     "The specified bucket does not exist", "NoSuchKey":
                     "The specified key does not exist."}.get(code, msg or code)
            return StorageError("S3ServiceException:%s,Status %d,Error %s,Rid %s,ExtRid %s,"
                                "CanRetry 1 (%s)" % (words, status, code,
                                                     meta.get("RequestId", ""),
                                                     meta.get("HostId", ""), what))
        return StorageError("S3ServiceException:%s (%s)" % (err, what))

    def list(self, bucket, prefix):
        out, token = [], None
        try:
            while True:
                kw = dict(Bucket=bucket, Prefix=prefix)
                if token:
                    kw["ContinuationToken"] = token
                r = self.s3.list_objects_v2(**kw)
                out += [(o["Key"], o["Size"], o.get("ETag", "")) for o in r.get("Contents", [])]
                if not r.get("IsTruncated"):
                    return out
                token = r["NextContinuationToken"]
        except (ClientError, EndpointConnectionError) as e:
            raise self.wrap(e, "ListObjectsV2 s3://%s/%s" % (bucket, prefix))

    def get(self, bucket, key):
        try:
            return self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except (ClientError, EndpointConnectionError) as e:
            raise self.wrap(e, "GetObject s3://%s/%s" % (bucket, key))

    def put(self, bucket, key, data):
        try:
            self.s3.put_object(Bucket=bucket, Key=key, Body=data)
        except (ClientError, EndpointConnectionError) as e:
            raise self.wrap(e, "PutObject s3://%s/%s" % (bucket, key))

    def delete(self, bucket, key):
        try:
            self.s3.delete_object(Bucket=bucket, Key=key)
        except (ClientError, EndpointConnectionError) as e:
            raise self.wrap(e, "DeleteObject s3://%s/%s" % (bucket, key))


# ------------------------------------------------------------------------------ codecs

def compress(data, how):
    if how == "GZIP":
        return gzip.compress(data, 6)
    if how == "ZSTD":
        return subprocess.run(["zstd", "-q", "-c"], input=data, stdout=subprocess.PIPE,
                              check=True).stdout
    return data


def decompress(data, how):
    if how == "GZIP":
        return gzip.decompress(data)
    if how == "ZSTD":
        r = subprocess.run(["zstd", "-q", "-d", "-c"], input=data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if r.returncode:
            raise ValueError("not a zstd stream")
        return r.stdout
    return data


def guess_compression(key, data):
    if data[:2] == b"\x1f\x8b" or key.endswith(".gz"):
        return "GZIP"
    if data[:4] == b"\x28\xb5\x2f\xfd" or key.endswith(".zst"):
        return "ZSTD"
    return None


def read_delimited(text, delimiter, quote_csv, skip):
    """Rows (lists of str) of delimited text; with quote_csv the CSV quoting rules apply."""
    lines = io.StringIO(text, newline="")
    if quote_csv:
        rows = list(csv.reader(lines, delimiter=delimiter, quotechar='"'))
    else:
        rows = [ln.rstrip("\r\n").split(delimiter) for ln in lines if ln.rstrip("\r\n")]
    return [r for r in rows[skip:] if r != []]


def read_json_objects(text):
    """Objects of a JSON-lines (or concatenated JSON objects) text. Numbers with a fraction
    or exponent keep their exact digits (as the warehouses load them into DECIMAL columns),
    so they are parsed as Decimal; json_text() writes nested values back."""
    dec, out, i, n = json.JSONDecoder(parse_float=decimal.Decimal), [], 0, len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        obj, i = dec.raw_decode(text, i)
        if not isinstance(obj, dict):
            raise ValueError("a JSON record is not an object")
        out.append(obj)
    return out


def json_text(value):
    """JSON text of a parsed value whose floats may be Decimals (exact digits kept)."""
    if isinstance(value, dict):
        return "{%s}" % ", ".join("%s: %s" % (json.dumps(k), json_text(v))
                                  for k, v in value.items())
    if isinstance(value, list):
        return "[%s]" % ", ".join(json_text(v) for v in value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    return json.dumps(value)


def write_csv(rows, delimiter=",", header=None, null=""):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, quotechar='"', lineterminator="\n")
    if header:
        w.writerow(header)
    for r in rows:
        w.writerow([null if v is None else v for v in r])
    return buf.getvalue().encode()


def pg_copy_rows(cursor, table_sql, columns_sql, rows):
    """Loads rows (lists of str or None) with COPY FROM STDIN; None is NULL."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, quotechar='"', lineterminator="\n", quoting=csv.QUOTE_ALL)
    for r in rows:
        w.writerow(["\ue000NULL\ue000" if v is None else v for v in r])
    data = buf.getvalue().replace('"\ue000NULL\ue000"', "")
    cursor.copy_expert("COPY %s%s FROM STDIN WITH (FORMAT csv)" % (table_sql, columns_sql),
                       io.StringIO(data))
