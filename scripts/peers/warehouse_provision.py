#!/usr/bin/python3
"""Creates what the warehouse fakes need in Ceph RGW, as the parties would in AWS:

* the service stand-ins' own IAM objects: the Unity Catalog master role in the Databricks
  account (trusting the stand-in user there); the Redshift stand-in is a plain user;
* in the customer's account (through the External ID front, so it remembers the full trust
  policies), the roles the tests use:
  - redshift-staging: seed 004's trust policy (the vendor with the External ID, and the
    redshift.amazonaws.com service principal, next to which the stand-in user is named)
    and read/write on the staging prefix;
  - redshift-staging-ro: the same trust, read-only staging access (UNLOAD is denied);
  - redshift-nogrants: like redshift-staging; its database user has no privileges;
  - redshift-notrust: trusts the vendor only (Redshift cannot assume it);
  - databricks-staging: seed 003's dual trust policy (vendor, Unity Catalog, self; both
    External IDs) and permission policy (staging access and self-assume).

Idempotent. Called by start-warehouses.sh with the variables of start.sh and W_* below.
"""
import json
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

e = os.environ
REGION = e["RGW_REGION"]
CFG = Config(signature_version="s3v4", s3={"addressing_style": "path"},
             retries={"max_attempts": 3})
B, P = e["RGW_BUCKET"], e["RGW_PREFIX"]
ACCT = e["RGW_CUSTOMER_ACCOUNT"]


def iam(endpoint, ak, sk):
    return boto3.client("iam", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=ak, aws_secret_access_key=sk, config=CFG)


def J(doc):  # RGW 16.2 rejects '+'-encoded spaces in IAM form bodies: no spaces at all
    return json.dumps(doc, separators=(",", ":"))


def ensure_role(client, name, trust, policy=None):
    try:
        arn = client.create_role(RoleName=name, Path="/",
                                 AssumeRolePolicyDocument=J(trust))["Role"]["Arn"]
    except ClientError as err:
        r = err.response  # RGW's bare <Error> documents parse into the top level
        if (r.get("Error") or r).get("Code") != "EntityAlreadyExists":
            raise
        client.update_assume_role_policy(RoleName=name, PolicyDocument=J(trust))
        arn = client.get_role(RoleName=name)["Role"]["Arn"]
    if policy:
        client.put_role_policy(RoleName=name, PolicyName="access", PolicyDocument=J(policy))
    print("[warehouses] role %s" % arn, flush=True)
    return arn


# The Unity Catalog master role, in the Databricks account, created straight at RGW (the
# front knows only the test users' keys).
uc = iam(e["RGW_ENDPOINT"], e["W_UC_ACCESS_KEY"], e["W_UC_SECRET_KEY"])
uc_name = e["W_UC_ROLE_ARN"].rsplit("/", 1)[-1]
ensure_role(uc, uc_name, {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": [e["W_UC_USER_ARN"]]},
     "Action": ["sts:AssumeRole"]}]})

customer = iam(e["CROSSDOCK_STS_ENDPOINT"], e["RGW_CUSTOMER_ACCESS_KEY"],
               e["RGW_CUSTOMER_SECRET_KEY"])
vendor_stmt = {"Effect": "Allow", "Principal": {"AWS": [e["RGW_VENDOR_ARN"]]},
               "Action": ["sts:AssumeRole"],
               "Condition": {"StringEquals": {"sts:ExternalId": e["RGW_EXTERNAL_ID"]}}}
redshift_stmt = {"Effect": "Allow",
                 "Principal": {"Service": ["redshift.amazonaws.com"],
                               "AWS": [e["W_REDSHIFT_STANDIN_ARN"]]},
                 "Action": ["sts:AssumeRole"]}
rw = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
                                   "s3:ListMultipartUploadParts"],
     "Resource": ["arn:aws:s3:::%s/%s/*" % (B, P)]},
    {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation",
                                   "s3:ListBucketMultipartUploads"],
     "Resource": ["arn:aws:s3:::%s" % B]}]}
ro = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::%s/%s/*" % (B, P)]},
    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::%s" % B]}]}
# RGW 16 rejects policies naming actions it does not know (redshift-data:*,
# redshift-serverless:*, s3:GetObjectAttributes): seed 004's Data API statement and
# GetObjectAttributes are left out, and the fake does not evaluate Data API permissions.

ensure_role(customer, "redshift-staging",
            {"Version": "2012-10-17", "Statement": [vendor_stmt, redshift_stmt]},
            rw)
ensure_role(customer, "redshift-staging-ro",
            {"Version": "2012-10-17", "Statement": [vendor_stmt, redshift_stmt]},
            ro)
# Seed 004's trust and staging access, but a database user the Redshift fake starts
# without privileges (--restricted-role): the connection test's grant checks.
ensure_role(customer, "redshift-nogrants",
            {"Version": "2012-10-17", "Statement": [vendor_stmt, redshift_stmt]},
            rw)
ensure_role(customer, "redshift-notrust", {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": [e["RGW_VENDOR_ARN"]]},
     "Action": ["sts:AssumeRole"]}]}, rw)

dbx_arn = "arn:aws:iam::%s:role/databricks-staging" % ACCT
ensure_role(customer, "databricks-staging", {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow",
     "Principal": {"AWS": [e["RGW_VENDOR_ARN"], e["W_UC_ROLE_ARN"], dbx_arn]},
     "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"sts:ExternalId": [e["RGW_EXTERNAL_ID"],
                                                       e["W_DATABRICKS_EXTERNAL_ID"]]}}}]},
    dict(rw, Statement=rw["Statement"] + [
        {"Sid": "AllowSelfAssume", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": dbx_arn}]))
