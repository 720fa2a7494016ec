#!/usr/bin/python3
"""sts_front.py — the External ID STS front: a transparent HTTP reverse proxy on loopback
in front of Ceph RGW that makes sts:ExternalId trust-policy conditions behave as on AWS.

RGW 16.2 never puts the request's ExternalId into trust-policy evaluation, so a trust
policy with `StringEquals sts:ExternalId` denies even the right value. The front forwards
every request (S3, STS, IAM) unchanged, head bytes included (SigV4 signatures made by
clients for this endpoint still verify at RGW), streaming bodies. It only intervenes on
form-encoded POSTs:

* IAM CreateRole / UpdateAssumeRolePolicy: remembers the full trust policy of the role
  (persisted as JSON keyed by role ARN), removes the sts:ExternalId condition entries
  and re-signs the rewritten request (botocore SigV4, service iam) with the secret of the
  caller's access key (the front knows the test users' keys; others are rejected).
* IAM GetRole / ListRoles / CreateRole responses: the remembered full policy replaces
  AssumeRolePolicyDocument (URL-encoded, as AWS returns it). DeleteRole forgets it.
* STS AssumeRole on a role whose remembered policy has sts:ExternalId conditions: the
  trust policy is evaluated for the caller with AWS semantics; when no statement allows
  (or one denies), the front answers AWS's 403 AccessDenied itself; otherwise the request
  goes to RGW unchanged (RGW still checks principals and signatures).

Usage: sts_front.py --listen 127.0.0.1:7481 --upstream 127.0.0.1:7480 --state FILE
Users: STS_FRONT_USERS='[{"access_key":..,"secret_key":..,"arn":"arn:aws:iam::ACCT:user/NAME"}]'
"""

import argparse
import html
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httpwire  # noqa: E402

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

MAX_FORM = 1024 * 1024
EXTID_KEY = "sts:externalid"
EXTID_RE = re.compile(r"^[\w+=,.@:/-]*$")


def log(msg):
    print("%s sts_front: %s" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), msg),
          file=sys.stderr, flush=True)


# ------------------------------------------------------------------ trust policy logic

def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def strip_extid(policy):
    """A copy of the policy without sts:ExternalId condition entries, and whether any
    were present."""
    found = False
    out = json.loads(json.dumps(policy))
    for st in as_list(out.get("Statement")):
        cond = st.get("Condition")
        if not isinstance(cond, dict):
            continue
        for op in list(cond):
            keys = cond[op]
            if not isinstance(keys, dict):
                continue
            for k in list(keys):
                if k.lower() == EXTID_KEY:
                    del keys[k]
                    found = True
            if not keys:
                del cond[op]
        if not cond:
            del st["Condition"]
    return out, found


def has_extid(policy):
    return strip_extid(policy)[1]


def wildcard(pattern, value, ignore_case=False):
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    # fnmatch also treats [..] specially; AWS only knows * and ?
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value, re.S) is not None


def eval_extid_condition(op, values, extid):
    """One condition operator on sts:ExternalId; extid is None when absent."""
    base = op
    qualifier = None
    if ":" in base:
        qualifier, base = base.split(":", 1)  # ForAnyValue: / ForAllValues:
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base[: -len("IfExists")]
    values = [str(v) for v in as_list(values)]
    if base == "Null":
        want_absent = any(v.lower() == "true" for v in values)
        return (extid is None) == want_absent
    if extid is None:
        if if_exists or qualifier == "ForAllValues":
            return True
        return base.startswith("StringNot")  # negated operators hold for a missing key
    tests = {
        "StringEquals": lambda v: extid == v,
        "StringNotEquals": lambda v: extid == v,
        "StringEqualsIgnoreCase": lambda v: extid.lower() == v.lower(),
        "StringNotEqualsIgnoreCase": lambda v: extid.lower() == v.lower(),
        "StringLike": lambda v: wildcard(v, extid),
        "StringNotLike": lambda v: wildcard(v, extid),
    }
    if base not in tests:
        log("unsupported condition operator %s on sts:ExternalId: not satisfied" % op)
        return False
    hit = any(tests[base](v) for v in values)
    return not hit if base.startswith("StringNot") else hit


def principal_matches(principal, caller):
    """caller: dict(arn, account, role_arn (for assumed-role sessions))."""
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for p in as_list(principal.get("AWS")):
        p = str(p)
        if p == "*":
            return True
        if p in (caller["account"], "arn:aws:iam::%s:root" % caller["account"]):
            return True
        if p == caller["arn"]:
            return True
        if caller.get("role_arn") and p == caller["role_arn"]:
            return True
    return False


def statement_applies(st, caller, extid, effect):
    if st.get("Effect") != effect:
        return False
    if "Principal" in st and not principal_matches(st["Principal"], caller):
        return False
    if "NotPrincipal" in st and principal_matches(st["NotPrincipal"], caller):
        return False
    if "Principal" not in st and "NotPrincipal" not in st:
        return False
    if "Action" in st and not any(wildcard(str(a), "sts:AssumeRole", True)
                                  for a in as_list(st["Action"])):
        return False
    if "NotAction" in st and any(wildcard(str(a), "sts:AssumeRole", True)
                                 for a in as_list(st["NotAction"])):
        return False
    for op, keys in (st.get("Condition") or {}).items():
        if not isinstance(keys, dict):
            return False
        for k, vals in keys.items():
            if k.lower() == EXTID_KEY:
                if not eval_extid_condition(op, vals, extid):
                    return False
            elif effect == "Deny":
                # other keys are evaluated by RGW (they are forwarded); never deny on them here
                return False
    return True


def trust_allows(policy, caller, extid):
    statements = as_list(policy.get("Statement"))
    if any(statement_applies(st, caller, extid, "Deny") for st in statements):
        return False
    return any(statement_applies(st, caller, extid, "Allow") for st in statements)


# --------------------------------------------------------------------------- state

class State:
    """Remembered trust policies (by role ARN, persisted in `path`) and the callers behind
    temporary access keys issued through the front (appended to `path`.sessions.jsonl, so
    that thousands of AssumeRole calls cost one short write each)."""

    SESSION_TTL = 43200  # the longest STS session

    def __init__(self, path, users):
        self.path = path
        self.lock = threading.RLock()
        self.users = users  # access key -> {secret_key, arn, account}
        self.roles = {}
        self.sessions = {}
        if path and os.path.exists(path):
            with open(path) as f:
                self.roles = json.load(f).get("roles", {})
        if path and os.path.exists(path + ".sessions.jsonl"):
            now = time.time()
            with open(path + ".sessions.jsonl") as f:
                for line in f:
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        continue  # a torn last line
                    if rec.get("expires", 0) > now:
                        self.sessions[rec.pop("access_key")] = rec

    def save(self):
        if not self.path:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"roles": self.roles}, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)

    def remember(self, arn, text):
        with self.lock:
            self.roles[arn] = {"document": text}
            self.save()

    def forget(self, account, name):
        with self.lock:
            arn = self.find(account, name)
            if arn:
                del self.roles[arn]
                self.save()

    def find(self, account, name):
        """Role ARN remembered for (account, role name), whatever its path."""
        with self.lock:
            arns = list(self.roles)
        for arn in arns:
            m = re.fullmatch(r"arn:[\w-]+:iam::(\d+):role/(?:.*/)?([^/]+)", arn)
            if m and m.group(1) == account and m.group(2) == name:
                return arn
        return None

    def document(self, arn):
        with self.lock:
            r = self.roles.get(arn)
        return r["document"] if r else None

    def add_session(self, access_key, arn, role_arn, account):
        rec = {"arn": arn, "role_arn": role_arn, "account": account,
               "expires": time.time() + self.SESSION_TTL}
        with self.lock:
            self.sessions[access_key] = rec
            if self.path:
                with open(self.path + ".sessions.jsonl", "a") as f:
                    f.write(json.dumps(dict(rec, access_key=access_key)) + "\n")

    def caller(self, access_key):
        u = self.users.get(access_key)
        if u:
            return {"arn": u["arn"], "account": u["account"], "role_arn": None}
        with self.lock:
            s = self.sessions.get(access_key)
        if s:
            return {"arn": s["arn"], "account": s["account"], "role_arn": s["role_arn"]}
        return None


# ------------------------------------------------------------------------ requests

AUTH_RE = re.compile(r"AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,"
                     r"\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)")


def auth_of(req):
    m = AUTH_RE.match(req.get("authorization") or "")
    if not m:
        return None
    return dict(access_key=m.group(1), date=m.group(2), region=m.group(3),
                service=m.group(4), signed=m.group(5).split(";"), signature=m.group(6))


def signature_ok(req, body, auth, secret):
    """Recomputes the caller's SigV4 signature (botocore) over the signed headers."""
    amz_date = req.get("x-amz-date")
    if not amz_date:
        return False
    headers = {}
    for name in auth["signed"]:
        v = req.get(name)
        if v is None:
            return False
        headers[name] = v
    url = "http://%s%s" % (req.get("host", "localhost"), req.target)
    r = AWSRequest(method=req.method, url=url, data=body, headers=headers)
    r.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(auth["access_key"], secret), auth["service"], auth["region"])
    cr = signer.canonical_request(r)
    sts = signer.string_to_sign(r, cr)
    return signer.signature(sts, r) == auth["signature"]


def form_encode(params):
    return "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"),
                               urllib.parse.quote(v, safe="-_.~")) for k, v in params).encode()


def error_response(status, code, message, sts=False):
    rid = str(uuid.uuid4())
    if sts:
        body = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                "<Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
                "<RequestId>%s</RequestId></ErrorResponse>\n"
                % (code, html.escape(message, quote=False), rid))
    else:
        body = ('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
                "<Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
                "<RequestId>%s</RequestId></ErrorResponse>\n"
                % (code, html.escape(message, quote=False), rid))
    data = body.encode()
    reason = {400: "Bad Request", 403: "Forbidden"}.get(status, "Error")
    head = httpwire.build_head("HTTP/1.1 %d %s" % (status, reason), [
        ("x-amzn-RequestId", rid), ("Content-Type", "text/xml"),
        ("Content-Length", str(len(data))), ("Date", time.strftime(
            "%a, %d %b %Y %H:%M:%S GMT", time.gmtime()))])
    return head + data


class Front:
    def __init__(self, upstream, state):
        self.upstream = upstream
        self.state = state

    def handle(self, sock):
        httpwire.proxy_connection(sock, self.upstream, self.on_request)

    # Every request goes through here.
    def on_request(self, session, req):
        if req.method == "POST" and not req.chunked() \
                and (req.get("content-type") or "").lower().startswith(
                    "application/x-www-form-urlencoded") \
                and (req.content_length() or 0) <= MAX_FORM:
            return self.on_form(session, req)
        return httpwire.exchange(session, req)

    def on_form(self, session, req):
        csock = session.client.sock
        if req.expects_continue():
            csock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            req = httpwire.Request(httpwire.build_head(
                req.start, httpwire.replace_headers(req.headers, {"expect"}, [])))
        body = session.client.read_exact(req.content_length() or 0)
        try:
            params = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            params = []
        p = dict(params)
        action = p.get("Action", "")
        auth = auth_of(req)
        if action == "AssumeRole":
            return self.assume_role(session, req, body, p, auth)
        if action in ("CreateRole", "UpdateAssumeRolePolicy"):
            return self.set_trust(session, req, body, params, auth, action)
        if action in ("GetRole", "ListRoles"):
            return self.exchange_rewriting(session, req, body, None)
        if action == "DeleteRole":
            return self.delete_role(session, req, body, p, auth)
        return httpwire.exchange(session, req, body=body)

    def reply(self, session, data):
        session.client.sock.sendall(data)
        return True

    # ---------------------------------------------------------------- AssumeRole
    def assume_role(self, session, req, body, p, auth):
        extid = p.get("ExternalId")
        role_arn = p.get("RoleArn", "")
        if extid is not None and not (2 <= len(extid) <= 1224 and EXTID_RE.match(extid)):
            return self.reply(session, error_response(
                400, "ValidationError",
                "1 validation error detected: Value '%s' at 'externalId' failed to satisfy "
                "constraint: Member must %s" % (
                    extid, "have length greater than or equal to 2" if len(extid) < 2
                    else "have length less than or equal to 1224" if len(extid) > 1224
                    else "satisfy regular expression pattern: [\\w+=,.@:\\/-]*"), sts=True))
        m = re.fullmatch(r"arn:[\w-]+:iam::(\d+):role/(?:.*/)?([^/]+)", role_arn)
        arn = self.state.find(m.group(1), m.group(2)) if m else None
        doc = self.state.document(arn) if arn else None
        policy = json.loads(doc) if doc else None
        if policy is None or not has_extid(policy):
            return self.forward_assume(session, req, body)
        caller = self.state.caller(auth["access_key"]) if auth else None
        if caller is None:
            who = "access key %s" % auth["access_key"] if auth else "anonymous caller"
            log("AssumeRole %s by unknown %s: denied" % (role_arn, who))
            return self.reply(session, error_response(
                403, "AccessDenied", "%s is not authorized to perform: sts:AssumeRole on "
                "resource: %s" % (who, role_arn), sts=True))
        # a wrong signature is RGW's to report: forward without judging
        u = self.state.users.get(auth["access_key"])
        if u and not signature_ok(req, body, auth, u["secret_key"]):
            return self.forward_assume(session, req, body)
        if trust_allows(policy, caller, extid):
            log("AssumeRole %s by %s: ExternalId condition satisfied" % (role_arn, caller["arn"]))
            return self.forward_assume(session, req, body)
        log("AssumeRole %s by %s with ExternalId %r: denied" % (role_arn, caller["arn"], extid))
        return self.reply(session, error_response(
            403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on "
            "resource: %s" % (caller["arn"], role_arn), sts=True))

    def forward_assume(self, session, req, body):
        """Forwards unchanged; remembers who the issued temporary key belongs to."""
        def learn(resp, data):
            if resp.status == 200:
                ak = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", data)
                sarn = re.search(rb"<Arn>(arn:[^<]*:assumed-role/[^<]+)</Arn>", data)
                if ak and sarn:
                    s = html.unescape(sarn.group(1).decode())
                    mm = re.fullmatch(r"arn:([\w-]+):sts::(\d+):assumed-role/([^/]+)/.*", s)
                    if mm:
                        self.state.add_session(
                            ak.group(1).decode(), s,
                            "arn:%s:iam::%s:role/%s" % (mm.group(1), mm.group(2), mm.group(3)),
                            mm.group(2))
            return data
        return self.exchange_rewriting(session, req, body, learn)

    # ----------------------------------------------------------- trust policies
    def set_trust(self, session, req, body, params, auth, action):
        field = "AssumeRolePolicyDocument" if action == "CreateRole" else "PolicyDocument"
        p = dict(params)
        text = p.get(field)
        try:
            policy = json.loads(text) if text is not None else None
        except ValueError:
            policy = None
        if policy is None or not isinstance(policy, dict):
            return self.exchange_rewriting(session, req, body, None)  # RGW reports it
        stripped, found = strip_extid(policy)
        user = self.state.users.get(auth["access_key"]) if auth else None
        if user is None:
            return self.reply(session, error_response(
                403, "AccessDenied", "the External ID front only accepts %s from the test "
                "users' long-term keys" % action))
        if req.get("x-amz-security-token"):
            return self.reply(session, error_response(
                403, "AccessDenied", "the External ID front cannot re-sign %s made with "
                "temporary credentials" % action))
        if not signature_ok(req, body, auth, user["secret_key"]):
            return self.reply(session, error_response(
                403, "SignatureDoesNotMatch", "The request signature we calculated does not "
                "match the signature you provided."))
        if found:
            new_params = [(k, json.dumps(stripped, separators=(",", ":")) if k == field else v)
                          for k, v in params]
            new_body = form_encode(new_params)
            url = "http://%s%s" % (req.get("host", "localhost"), req.target)
            r = AWSRequest(method="POST", url=url, data=new_body, headers={
                "Content-Type": req.get("content-type"), "Host": req.get("host", "localhost")})
            SigV4Auth(Credentials(auth["access_key"], user["secret_key"]), "iam",
                      auth["region"]).add_auth(r)
            headers = httpwire.replace_headers(
                req.headers, {"authorization", "x-amz-date", "content-length",
                              "x-amz-content-sha256"},
                [("X-Amz-Date", r.headers["X-Amz-Date"]),
                 ("Authorization", r.headers["Authorization"]),
                 ("Content-Length", str(len(new_body)))])
            req = httpwire.Request(httpwire.build_head(req.start, headers))
            body = new_body

        account = user["account"]
        role_name = p.get("RoleName", "")

        def learn(resp, data):
            if resp.status == 200:
                if action == "CreateRole":
                    m = re.search(rb"<Arn>([^<]+)</Arn>", data)
                    arn = html.unescape(m.group(1).decode()) if m else \
                        "arn:aws:iam::%s:role%s%s" % (account, p.get("Path", "/"), role_name)
                else:
                    arn = self.state.find(account, role_name) or \
                        "arn:aws:iam::%s:role/%s" % (account, role_name)
                self.state.remember(arn, text)
                log("%s %s: remembered trust policy (%s ExternalId condition)"
                    % (action, arn, "with" if found else "without"))
            return data
        return self.exchange_rewriting(session, req, body, learn)

    def delete_role(self, session, req, body, p, auth):
        user = self.state.users.get(auth["access_key"]) if auth else None

        def learn(resp, data):
            if resp.status == 200 and user:
                self.state.forget(user["account"], p.get("RoleName", ""))
            return data
        return self.exchange_rewriting(session, req, body, learn)

    # ------------------------------------------------------------ responses
    def substitute_policies(self, data):
        """AssumeRolePolicyDocument of remembered roles -> the full policy, URL-encoded."""
        text = data.decode("utf-8", "replace")
        out, pos = [], 0
        for m in re.finditer(r"<AssumeRolePolicyDocument>(.*?)</AssumeRolePolicyDocument>",
                             text, re.S):
            arns = re.findall(r"<Arn>([^<]+)</Arn>", text[:m.start()])
            doc = self.state.document(html.unescape(arns[-1])) if arns else None
            out.append(text[pos:m.start()])
            if doc is not None:
                out.append("<AssumeRolePolicyDocument>%s</AssumeRolePolicyDocument>"
                           % urllib.parse.quote(doc, safe="-_.*"))
            else:
                out.append(m.group(0))
            pos = m.end()
        out.append(text[pos:])
        return "".join(out).encode("utf-8")

    def exchange_rewriting(self, session, req, body, learn):
        """Forwards a small request with a complete body and relays the response, read
        completely so that role documents can be substituted."""
        csock = session.client.sock
        try:
            up = session.upstream()
        except OSError:
            csock.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return False
        up.sock.sendall(req.raw + body)
        resp = httpwire.read_final_response(up, csock)
        framing = resp.framing(req.method)
        data = httpwire.read_body(up, framing)
        if learn:
            data = learn(resp, data)
        if resp.status == 200 and b"<AssumeRolePolicyDocument>" in data:
            data = self.substitute_policies(data)
        headers = httpwire.replace_headers(resp.headers, {"content-length", "transfer-encoding"},
                                           [("Content-Length", str(len(data)))])
        csock.sendall(httpwire.build_head(resp.start, headers) + data)
        if resp.wants_close() or framing[0] == "eof":
            session.drop_upstream()
            return False
        return not req.wants_close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", default="127.0.0.1:7481")
    ap.add_argument("--upstream", default="127.0.0.1:7480")
    ap.add_argument("--state", default="", help="JSON file of remembered trust policies")
    a = ap.parse_args()
    users = {}
    for u in json.loads(os.environ.get("STS_FRONT_USERS", "[]")):
        m = re.fullmatch(r"arn:[\w-]+:iam::(\d+):user/(?:.*/)?[^/]+", u["arn"])
        if not m:
            sys.exit("bad user ARN %s" % u["arn"])
        users[u["access_key"]] = dict(secret_key=u["secret_key"], arn=u["arn"],
                                      account=m.group(1))
    host, port = a.listen.rsplit(":", 1)
    uhost, uport = a.upstream.rsplit(":", 1)
    front = Front((uhost, int(uport)), State(a.state, users))
    httpwire.serve((host, int(port)), front.handle, "front")
    log("listening on %s, upstream %s, %d users" % (a.listen, a.upstream, len(users)))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
