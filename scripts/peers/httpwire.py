"""Minimal HTTP/1.1 wire handling shared by the test peers' proxies (sts_front.py and
fault_proxy.py).

The proxies must be transparent: request and response heads are forwarded as the exact
bytes received (Host included, so SigV4 signatures made by clients still verify upstream)
and bodies are streamed piece by piece (a 200 MiB upload never sits in memory). Only the
framing is parsed: Content-Length, chunked transfer coding, or "until close" for
responses. Expect: 100-continue is relayed in both directions.

Standard library only.
"""

import select
import socket
import struct
import threading
import time

MAX_HEAD = 256 * 1024
PIECE = 256 * 1024


class ProtocolError(Exception):
    pass


class Conn:
    """A socket with a read buffer."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()

    def fill(self):
        data = self.sock.recv(PIECE)
        if not data:
            return False
        self.buf += data
        return True

    def read_head(self):
        """Bytes of one message head including the blank line, or None on a clean EOF."""
        while True:
            while self.buf[:2] == b"\r\n":  # tolerate stray CRLFs between messages
                del self.buf[:2]
            i = self.buf.find(b"\r\n\r\n")
            if i >= 0:
                head = bytes(self.buf[: i + 4])
                del self.buf[: i + 4]
                return head
            if len(self.buf) > MAX_HEAD:
                raise ProtocolError("message head too large")
            if not self.fill():
                if not self.buf:
                    return None
                raise ProtocolError("EOF inside a message head")

    def read_line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line = bytes(self.buf[: i + 2])
                del self.buf[: i + 2]
                return line
            if len(self.buf) > MAX_HEAD:
                raise ProtocolError("line too long")
            if not self.fill():
                raise ProtocolError("EOF inside a chunk header")

    def read_some(self, n):
        if not self.buf and not self.fill():
            raise ProtocolError("unexpected EOF inside a body")
        k = min(n, len(self.buf))
        data = bytes(self.buf[:k])
        del self.buf[:k]
        return data

    def read_exact(self, n):
        out = bytearray()
        while len(out) < n:
            out += self.read_some(n - len(out))
        return bytes(out)


class Head:
    """A parsed message head; `raw` keeps the exact bytes."""

    def __init__(self, raw):
        self.raw = raw
        lines = raw[:-4].split(b"\r\n")
        self.start = lines[0].decode("latin-1")
        self.headers = []
        for line in lines[1:]:
            if line[:1] in (b" ", b"\t") and self.headers:  # obsolete line folding
                n, v = self.headers[-1]
                self.headers[-1] = (n, v + " " + line.strip().decode("latin-1"))
                continue
            name, sep, value = line.partition(b":")
            if not sep:
                raise ProtocolError("malformed header line")
            self.headers.append((name.strip().decode("latin-1"), value.strip().decode("latin-1")))

    def get(self, name, default=None):
        name = name.lower()
        for n, v in self.headers:
            if n.lower() == name:
                return v
        return default

    def tokens(self, name):
        out = []
        for n, v in self.headers:
            if n.lower() == name.lower():
                out += [t.strip().lower() for t in v.split(",") if t.strip()]
        return out

    def chunked(self):
        te = self.tokens("transfer-encoding")
        return bool(te) and te[-1] == "chunked"

    def content_length(self):
        v = self.get("content-length")
        if v is None:
            return None
        try:
            n = int(v.split(",")[0].strip())
        except ValueError:
            raise ProtocolError("bad Content-Length")
        if n < 0:
            raise ProtocolError("bad Content-Length")
        return n


class Request(Head):
    def __init__(self, raw):
        super().__init__(raw)
        parts = self.start.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise ProtocolError("malformed request line")
        self.method, self.target, self.version = parts
        self.path = self.target.split("?", 1)[0]

    def framing(self):
        """('chunked', None) | ('length', n); requests without either have no body."""
        if self.chunked():
            return ("chunked", None)
        n = self.content_length()
        return ("length", n or 0)

    def expects_continue(self):
        return (self.get("expect") or "").lower() == "100-continue"

    def wants_close(self):
        c = self.tokens("connection")
        if self.version == "HTTP/1.0":
            return "keep-alive" not in c
        return "close" in c


class Response(Head):
    def __init__(self, raw):
        super().__init__(raw)
        parts = self.start.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise ProtocolError("malformed status line")
        self.version = parts[0]
        try:
            self.status = int(parts[1])
        except ValueError:
            raise ProtocolError("malformed status code")

    def framing(self, request_method):
        if request_method == "HEAD" or self.status < 200 or self.status in (204, 304):
            return ("length", 0)
        if self.chunked():
            return ("chunked", None)
        n = self.content_length()
        if n is not None:
            return ("length", n)
        return ("eof", None)

    def wants_close(self):
        c = self.tokens("connection")
        if self.version == "HTTP/1.0":
            return "keep-alive" not in c
        return "close" in c


def iter_body(conn, framing):
    """Yields the body's raw wire bytes (chunk headers included for chunked)."""
    kind, n = framing
    if kind == "length":
        while n > 0:
            data = conn.read_some(min(n, PIECE))
            n -= len(data)
            yield data
    elif kind == "chunked":
        while True:
            line = conn.read_line()
            yield line
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise ProtocolError("bad chunk size")
            if size == 0:
                while True:  # trailers up to the blank line
                    t = conn.read_line()
                    yield t
                    if t == b"\r\n":
                        return
            left = size + 2  # data + CRLF
            while left > 0:
                data = conn.read_some(min(left, PIECE))
                left -= len(data)
                yield data
    else:  # until EOF
        if conn.buf:
            data = bytes(conn.buf)
            conn.buf.clear()
            yield data
        while True:
            data = conn.sock.recv(PIECE)
            if not data:
                return
            yield data


def read_body(conn, framing):
    """The decoded body (chunked coding removed). For small messages only."""
    kind, _ = framing
    if kind != "chunked":
        return b"".join(iter_body(conn, framing))
    out = bytearray()
    while True:
        line = conn.read_line()
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while conn.read_line() != b"\r\n":
                pass
            return bytes(out)
        out += conn.read_exact(size)
        conn.read_exact(2)


def build_head(start, headers):
    lines = [start] + ["%s: %s" % (n, v) for n, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def replace_headers(headers, drop, add):
    """headers minus names in `drop` (lowercase), plus `add` [(name, value)]."""
    return [(n, v) for n, v in headers if n.lower() not in drop] + list(add)


def reset(sock):
    """Close with RST (SO_LINGER 0) instead of FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def close(sock):
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class Aborted(Exception):
    """The exchange ended the connection on purpose (fault injection)."""


class Session:
    """One client connection and its upstream connection (opened lazily, reopened after
    the upstream closed)."""

    def __init__(self, client_sock, upstream_addr):
        self.client = Conn(client_sock)
        self.upstream_addr = upstream_addr
        self.up = None

    def upstream(self):
        if self.up is not None:
            # a kept-alive upstream connection may have been closed while idle (RGW closes
            # idle connections after about a minute): reconnect rather than fail
            # (readable while idle means closed, or bytes nobody asked for: either way, drop)
            r, _, _ = select.select([self.up.sock], [], [], 0)
            if r or self.up.buf:
                self.drop_upstream()
        if self.up is None:
            s = socket.create_connection(self.upstream_addr, timeout=600)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.up = Conn(s)
        return self.up

    def drop_upstream(self):
        if self.up is not None:
            close(self.up.sock)
            self.up = None


def read_final_response(up, client_sock, forward_interim=True):
    """Reads response heads from upstream, relaying 1xx interim responses to the client,
    and returns the final one."""
    while True:
        raw = up.read_head()
        if raw is None:
            raise ProtocolError("upstream closed without a response")
        resp = Response(raw)
        if resp.status >= 200 or resp.status == 101:
            return resp
        if forward_interim:
            client_sock.sendall(raw)


class Hooks:
    """Fault-injection points of `exchange`; the default injects nothing."""

    def request_piece(self, offset, piece):
        """Called before sending a request-body piece at `offset`; may raise Aborted."""
        return piece

    def response_head(self, resp):
        pass

    def response_piece(self, offset, piece, send):
        """Sends a response-body piece (through `send`); may stall or raise Aborted."""
        send(piece)


def exchange(session, req, hooks=None, body=None):
    """Forwards one request (head already read) upstream and its response back.

    `body`: a replacement body (bytes) already read from the client, with req.raw
    describing it; otherwise the body is streamed from the client.
    Returns True when both connections may be kept for another request."""
    hooks = hooks or Hooks()
    csock = session.client.sock
    try:
        up = session.upstream()
    except OSError as e:
        msg = ("upstream %s:%d unreachable: %s\n" % (session.upstream_addr + (e,))).encode()
        csock.sendall(build_head("HTTP/1.1 502 Bad Gateway", [
            ("Content-Type", "text/plain"), ("Content-Length", str(len(msg))),
            ("Connection", "close")]) + msg)
        return False
    up.sock.sendall(req.raw)
    framing = ("length", len(body)) if body is not None else req.framing()
    has_body = framing != ("length", 0)
    early = None  # a final response that came before the request body was sent
    if body is None and has_body and req.expects_continue():
        # Wait for the upstream's 100 Continue (relayed), its final answer, or the client
        # giving up waiting and sending the body anyway.
        while not session.client.buf:
            r, _, _ = select.select([up.sock, csock], [], [], 600)
            if up.sock in r:
                resp = Response(up.read_head() or b"HTTP/1.1 502 x\r\n\r\n")
                if resp.status == 100:
                    csock.sendall(resp.raw)
                    break
                if resp.status < 200:
                    csock.sendall(resp.raw)
                    continue
                early = resp
                break
            if csock in r:
                if not session.client.fill():
                    raise ProtocolError("client closed")
                break
            if not r:
                raise ProtocolError("timeout waiting for 100-continue")
    if early is None and has_body:
        offset = 0
        try:
            pieces = [body] if body is not None else iter_body(session.client, framing)
            for piece in pieces:
                piece = hooks.request_piece(offset, piece)
                up.sock.sendall(piece)
                offset += len(piece)
        except OSError:
            # upstream stopped reading: it may have answered early; relay that answer
            early = None
            up.sock.settimeout(5)
            try:
                early = read_final_response(up, csock)
            finally:
                up.sock.settimeout(600)
    resp = early or read_final_response(up, csock)
    hooks.response_head(resp)
    rframing = resp.framing(req.method)
    csock.sendall(resp.raw)
    offset = 0
    for piece in iter_body(up, rframing):
        hooks.response_piece(offset, piece, csock.sendall)
        offset += len(piece)
    keep = not (early is not None and has_body) and not req.wants_close() \
        and not resp.wants_close() and rframing[0] != "eof"
    if resp.wants_close() or rframing[0] == "eof":
        session.drop_upstream()
    return keep


def serve(listen_addr, handle, name):
    """Accept loop: one daemon thread per connection running handle(sock)."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(listen_addr)
    srv.listen(256)

    def loop():
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                time.sleep(0.05)
                continue
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=handle, args=(c,), name=name, daemon=True).start()

    t = threading.Thread(target=loop, name=name + "-accept", daemon=True)
    t.start()
    return srv


def proxy_connection(csock, upstream_addr, on_request):
    """Runs a client connection: reads request heads and lets on_request(session, req)
    answer each (returns keep-alive)."""
    session = Session(csock, upstream_addr)
    try:
        while True:
            raw = session.client.read_head()
            if raw is None:
                break
            try:
                req = Request(raw)
            except ProtocolError:
                csock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                              b"Connection: close\r\n\r\n")
                break
            if not on_request(session, req):
                break
    except Aborted:
        session.drop_upstream()
        return  # the hook already reset the client socket
    except (OSError, ProtocolError):
        pass
    finally:
        session.drop_upstream()
        close(csock)
