#!/usr/bin/python3
"""fault_proxy.py — a fault-injecting HTTP proxy for crossdock's tests.

Forwards every request to the upstream byte-exact (head bytes unchanged, Host included, so
SigV4 signatures still verify; bodies streamed) and, on a schedule set through a control
endpoint, injects the faults S3 clients meet in the field:

  reset_response_mid_body  send part of the response body, then reset the connection (RST)
  reset_request_mid_body   forward part of the request body, then reset the client
                           connection (and drop the upstream one)
  slowdown_503             answer 503 with an S3 <Error><Code>SlowDown</Code> body,
                           without forwarding
  stall                    stop sending for stall_ms in the middle of the response body
                           (before the response head when there is no body)
  reset_before_response    forward the whole request, then reset instead of relaying the
                           response (the request took effect upstream)
  error                    (rules only) answer `status` with S3 error `code`, no forwarding

Control API (JSON over HTTP on the control address):
  PUT    /faults  {"seed":1,"reset_response_mid_body":0.1,"reset_request_mid_body":0.05,
                   "slowdown_503":0.1,"stall":0.05,"stall_ms":3000,
                   "reset_before_response":0,"match":"REGEX"}
                  random faults: each request draws one fault kind with these
                  probabilities (seeded RNG); "match" limits them to requests whose
                  "METHOD TARGET" matches the regex (re.search)
  GET    /faults  the current schedule and rules
  DELETE /faults  stop injecting (clears the schedule and the rules)
  POST   /rules   {"method":"PUT","path":"REGEX","fault":"slowdown_503","count":2,
                   "after_bytes":1000,"stall_ms":500,"status":500,"code":"InternalError"}
                  deterministic: the next `count` requests (default 1) whose method equals
                  `method` (default any) and whose target matches `path` (re.search,
                  default any) get `fault`; rules are tried in order before random faults;
                  after_bytes fixes where a mid-body fault strikes
  GET    /rules   pending rules;  DELETE /rules  clear them
  GET    /stats   {"requests":N,"injected":{"slowdown_503":N,...},"rules_pending":N}
  DELETE /stats   reset the counters

Usage: fault_proxy.py --listen 127.0.0.1:7482 --control 127.0.0.1:7483 --upstream 127.0.0.1:7481
"""

import argparse
import fcntl
import json
import os
import random
import re
import struct
import sys
import termios
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httpwire  # noqa: E402

KINDS = ("slowdown_503", "reset_request_mid_body", "reset_response_mid_body", "stall",
         "reset_before_response")
RULE_KINDS = KINDS + ("error",)


def log(msg):
    print("%s fault_proxy: %s" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), msg),
          file=sys.stderr, flush=True)


class Schedule:
    def __init__(self):
        self.lock = threading.Lock()
        self.config = {}
        self.rng = random.Random(0)
        self.rules = []
        self.reset_stats()

    def reset_stats(self):
        self.requests = 0
        self.injected = {k: 0 for k in RULE_KINDS}

    def set_config(self, cfg):
        for k in KINDS:
            v = cfg.get(k, 0)
            if not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise ValueError("%s must be a probability in [0, 1]" % k)
        if "match" in cfg:
            re.compile(cfg["match"])
        with self.lock:
            self.config = dict(cfg)
            self.rng = random.Random(cfg.get("seed", 0))

    def add_rule(self, rule):
        if rule.get("fault") not in RULE_KINDS:
            raise ValueError("fault must be one of %s" % ", ".join(RULE_KINDS))
        re.compile(rule.get("path", ""))
        r = dict(rule)
        r.setdefault("count", 1)
        r["id"] = uuid.uuid4().hex[:8]
        with self.lock:
            self.rules.append(r)
        return r

    def clear(self):
        with self.lock:
            self.config = {}
            self.rules = []

    def count(self, kind):
        with self.lock:
            self.injected[kind] += 1

    def refund(self, rule):
        """A rule's fault could not strike (e.g. no body): give the request back."""
        if rule is None:
            return
        with self.lock:
            rule["count"] += 1
            if rule not in self.rules:
                self.rules.insert(0, rule)

    def plan(self, req, body_len):
        """The fault for this request: (kind, params, rule) or None."""
        with self.lock:
            self.requests += 1
            for r in self.rules:
                if r.get("method") not in (None, "*", req.method):
                    continue
                if not re.search(r.get("path", ""), req.target):
                    continue
                if r["fault"] == "reset_request_mid_body" and body_len == 0:
                    continue
                r["count"] -= 1
                if r["count"] <= 0:
                    self.rules.remove(r)
                return r["fault"], r, r
            cfg = self.config
            if not cfg:
                return None
            if cfg.get("match") and not re.search(cfg["match"], "%s %s" % (req.method, req.target)):
                return None
            u = self.rng.random()
            acc = 0.0
            for k in KINDS:
                acc += float(cfg.get(k, 0))
                if u < acc:
                    if k == "reset_request_mid_body" and body_len == 0:
                        return None
                    return k, dict(cfg, rng_value=self.rng.random()), None
            return None

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests, "injected": dict(self.injected),
                    "rules_pending": sum(r["count"] for r in self.rules)}


def drain_then_reset(sock, wait=2.0):
    """Lets the bytes already written reach the peer, then resets the connection."""
    deadline = time.time() + wait
    buf = bytearray(4)
    while time.time() < deadline:
        try:
            fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, buf)
        except OSError:
            break
        if struct.unpack("i", buf)[0] == 0:
            break
        time.sleep(0.005)
    httpwire.reset(sock)


def cut_point(params, length):
    """Where a mid-body fault strikes: after_bytes, or a random point inside the body."""
    if params.get("after_bytes") is not None:
        return int(params["after_bytes"])
    frac = params.get("rng_value", random.random())
    if length is not None and length >= 2:
        return 1 + int(frac * (length - 1))
    return 1 + int(frac * 65535)


class FaultHooks(httpwire.Hooks):
    def __init__(self, sched, session, kind, params, rule):
        self.sched, self.session = sched, session
        self.kind, self.params, self.rule = kind, params, rule
        self.req_cut = None
        self.resp_cut = None
        self.fired = False

    def request_piece(self, offset, piece):
        if self.req_cut is not None and offset <= self.req_cut < offset + len(piece):
            k = self.req_cut - offset
            if k:
                self.session.up.sock.sendall(piece[:k])
            self.sched.count(self.kind)
            self.fired = True
            log("reset_request_mid_body after %d request bytes" % self.req_cut)
            httpwire.reset(self.session.client.sock)
            raise httpwire.Aborted()
        return piece

    def response_head(self, resp):
        if self.kind == "reset_before_response":
            self.sched.count(self.kind)
            self.fired = True
            log("reset_before_response (%d from upstream)" % resp.status)
            httpwire.reset(self.session.client.sock)
            raise httpwire.Aborted()
        if self.kind in ("reset_response_mid_body", "stall"):
            kind, n = resp.framing(self.method)
            length = n if kind == "length" else None
            if kind == "length" and n < 2:
                if self.kind == "stall":
                    self.stall("before the response head")
                return
            self.resp_cut = cut_point(self.params, length)

    def stall(self, where):
        ms = int(self.params.get("stall_ms", 3000))
        self.sched.count("stall")
        self.fired = True
        log("stall %d ms %s" % (ms, where))
        time.sleep(ms / 1000.0)

    def response_piece(self, offset, piece, send):
        if self.resp_cut is None or not offset <= self.resp_cut < offset + len(piece):
            send(piece)
            return
        k = self.resp_cut - offset
        send(piece[:k])
        if self.kind == "stall":
            self.resp_cut = None
            self.stall("after %d response body bytes" % (offset + k))
            send(piece[k:])
            return
        self.sched.count(self.kind)
        self.fired = True
        log("reset_response_mid_body after %d response body bytes" % (offset + k))
        drain_then_reset(self.session.client.sock)
        raise httpwire.Aborted()


def error_body(code, message, target):
    rid = uuid.uuid4().hex[:16].upper()
    resource = target.split("?", 1)[0]
    return rid, ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s'
                 "</Message><Resource>%s</Resource><RequestId>%s</RequestId><HostId>%s</HostId>"
                 "</Error>" % (code, message, resource, rid, uuid.uuid4().hex)).encode()


class Proxy:
    def __init__(self, upstream, sched):
        self.upstream = upstream
        self.sched = sched

    def handle(self, sock):
        httpwire.proxy_connection(sock, self.upstream, self.on_request)

    def on_request(self, session, req):
        framing = req.framing()
        body_len = None if framing[0] == "chunked" else framing[1]
        plan = self.sched.plan(req, 1 if body_len is None else body_len)
        if plan is None:
            return httpwire.exchange(session, req)
        kind, params, rule = plan
        if kind in ("slowdown_503", "error"):
            return self.answer_error(session, req, kind, params)
        hooks = FaultHooks(self.sched, session, kind, params, rule)
        hooks.method = req.method
        if kind == "reset_request_mid_body":
            hooks.req_cut = cut_point(params, body_len)
        keep = httpwire.exchange(session, req, hooks)
        if not hooks.fired:
            self.sched.refund(rule)
        return keep

    def answer_error(self, session, req, kind, params):
        if kind == "slowdown_503":
            status, code, msg = 503, "SlowDown", "Please reduce your request rate."
        else:
            status = int(params.get("status", 500))
            code = params.get("code", "InternalError")
            msg = params.get("message", "We encountered an internal error. Please try again.")
        keep = not req.wants_close()
        framing = req.framing()
        if framing != ("length", 0):
            if req.expects_continue():
                keep = False  # the client has not sent the body: answer now, then close
            else:
                for _ in httpwire.iter_body(session.client, framing):
                    pass
        rid, body = error_body(code, msg, req.target)
        headers = [("x-amz-request-id", rid), ("x-amz-id-2", uuid.uuid4().hex),
                   ("Content-Type", "application/xml"), ("Content-Length", str(len(body))),
                   ("Date", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())),
                   ("Server", "AmazonS3")]
        if not keep:
            headers.append(("Connection", "close"))
        reason = {503: "Slow Down", 500: "Internal Server Error"}.get(status, "Error")
        data = httpwire.build_head("HTTP/1.1 %d %s" % (status, reason), headers)
        if req.method != "HEAD":
            data += body
        session.client.sock.sendall(data)
        self.sched.count(kind)
        log("%s %d %s for %s %s" % (kind, status, code, req.method, req.target))
        return keep


def control_handler(sched):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def send_json(self, code, obj):
            data = (json.dumps(obj, indent=1) + "\n").encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body_json(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b"{}"
            return json.loads(raw or b"{}")

        def do_GET(self):
            if self.path == "/stats":
                return self.send_json(200, sched.snapshot())
            if self.path == "/faults":
                with sched.lock:
                    return self.send_json(200, {"faults": sched.config, "rules": sched.rules})
            if self.path == "/rules":
                with sched.lock:
                    return self.send_json(200, sched.rules)
            self.send_json(404, {"error": "unknown path"})

        def do_PUT(self):
            if self.path != "/faults":
                return self.send_json(404, {"error": "unknown path"})
            try:
                cfg = self.body_json()
                sched.set_config(cfg)
            except (ValueError, re.error) as e:
                return self.send_json(400, {"error": str(e)})
            log("schedule set: %s" % json.dumps(cfg))
            self.send_json(200, {"faults": cfg})

        def do_POST(self):
            if self.path != "/rules":
                return self.send_json(404, {"error": "unknown path"})
            try:
                rule = sched.add_rule(self.body_json())
            except (ValueError, re.error) as e:
                return self.send_json(400, {"error": str(e)})
            log("rule added: %s" % json.dumps(rule))
            self.send_json(200, rule)

        def do_DELETE(self):
            if self.path == "/faults":
                sched.clear()
                log("faults cleared")
                return self.send_json(200, {"faults": {}})
            if self.path == "/rules":
                with sched.lock:
                    sched.rules = []
                return self.send_json(200, [])
            if self.path == "/stats":
                with sched.lock:
                    sched.reset_stats()
                return self.send_json(200, sched.snapshot())
            self.send_json(404, {"error": "unknown path"})
    return H


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", default="127.0.0.1:7482")
    ap.add_argument("--control", default="127.0.0.1:7483")
    ap.add_argument("--upstream", default="127.0.0.1:7481")
    a = ap.parse_args()
    sched = Schedule()
    host, port = a.listen.rsplit(":", 1)
    uhost, uport = a.upstream.rsplit(":", 1)
    proxy = Proxy((uhost, int(uport)), sched)
    httpwire.serve((host, int(port)), proxy.handle, "fault")
    chost, cport = a.control.rsplit(":", 1)
    ThreadingHTTPServer.daemon_threads = True
    ctl = ThreadingHTTPServer((chost, int(cport)), control_handler(sched))
    log("listening on %s, control %s, upstream %s" % (a.listen, a.control, a.upstream))
    ctl.serve_forever()


if __name__ == "__main__":
    main()
