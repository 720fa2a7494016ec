#!/usr/bin/python3
"""Creates the test bucket and roles through the public S3 and IAM APIs, as the customer
would, sending IAM through the External ID front so that it remembers the real trust
policies. Idempotent: existing bucket and roles are updated. Called by start.sh."""
import json
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

e = os.environ
cfg = Config(signature_version="s3v4", s3={"addressing_style": "path"},
             retries={"max_attempts": 3})
kw = dict(endpoint_url=e["ENDPOINT"], region_name=e["REGION"],
          aws_access_key_id=e["AK"], aws_secret_access_key=e["SK"], config=cfg)
s3, iam = boto3.client("s3", **kw), boto3.client("iam", **kw)
B, P = e["BUCKET"], e["PREFIX"]


def code(err):
    r = err.response
    return (r.get("Error") or r).get("Code")


try:
    s3.create_bucket(Bucket=B)
except ClientError as err:
    if code(err) not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
        raise


def J(doc):  # RGW 16.2 rejects '+'-encoded spaces in IAM form bodies: no spaces at all
    return json.dumps(doc, separators=(",", ":"))


def trust(extid=None):
    st = {"Effect": "Allow", "Principal": {"AWS": [e["VENDOR_ARN"]]},
          "Action": ["sts:AssumeRole"]}
    if extid:
        st["Condition"] = {"StringEquals": {"sts:ExternalId": extid}}
    return {"Version": "2012-10-17", "Statement": [st]}


rw = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow",
     "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
     "Resource": [f"arn:aws:s3:::{B}/{P}/*"]},
    {"Effect": "Allow",
     "Action": ["s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"],
     "Resource": [f"arn:aws:s3:::{B}"]}]}
ro = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::{B}/{P}/*"]},
    {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [f"arn:aws:s3:::{B}"]}]}

for name, tr, pol in [("vendor-sync", trust(), rw), ("vendor-readonly", trust(), ro),
                      ("vendor-sync-extid", trust(e["EXTERNAL_ID"]), rw)]:
    try:
        arn = iam.create_role(RoleName=name, Path="/",
                              AssumeRolePolicyDocument=J(tr))["Role"]["Arn"]
    except ClientError as err:
        if code(err) != "EntityAlreadyExists":
            raise
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=J(tr))
        arn = iam.get_role(RoleName=name)["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="access", PolicyDocument=J(pol))
    print(f"[peers] role {arn}", flush=True)
