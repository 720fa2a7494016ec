#!/usr/bin/env python3
"""Differential test of crossdock's SigV4 signer against botocore (the reference).

Generates seeded random requests (methods; unicode and reserved characters in paths and
queries; repeated, empty and value-less query keys; header values with runs of spaces, tabs
and line breaks; repeated headers; session tokens; S3 and general rules; header and query
signing; signed and unsigned payloads), signs each with botocore's SigV4Auth, S3SigV4Auth,
SigV4QueryAuth or S3SigV4QueryAuth at a fixed time, and writes one JSON line per case with
botocore's canonical request, string to sign, signature and Authorization header or presigned
URL. With --checker it then runs the C++ checker over the corpus, which fails on the first
case that differs in any field.

Cases stay inside what botocore itself sends: URLs are encoded the way botocore's serializers
encode them. Three documented differences are kept out of the corpus: presigning with a
repeated query key (botocore keeps only its first value), a Date header (botocore writes it
as "-0000" instead of "GMT"), and raw, non-canonical escapes in S3 paths and queries.

Usage: botocore_diff.py --count 1500 [--seed N] --out corpus.jsonl [--checker BINARY]
The seed is printed; CROSSDOCK_SIGV4_SEED overrides the default.
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
from urllib.parse import quote

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

DEFAULT_SEED = 20241122

UNICODE = ['\u00e9', '\u00fc', '\u1234', '\u4e2d\u6587', '\U0001f600', '\u00a0', '\u2603']
RESERVED = list("!$&'()*+,;=:@[]") + ['%', ' ', '"', '<', '>', '^', '`', '{', '|', '}', '\\']
SAFE = list('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~')

HOSTS = [
    ('https', 'example.amazonaws.com'),
    ('https', 'Bucket-Name.s3.us-west-2.amazonaws.com'),
    ('http', '127.0.0.1:7480'),
    ('https', 'EXAMPLE.com:443'),
    ('http', 'localhost:80'),
    ('https', 'sts.eu-central-1.amazonaws.com'),
    ('http', '[::1]:9000'),
    ('https', 'user:pw@iam.amazonaws.com'),
]
REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1']
SERVICES = ['service', 'execute-api', 'sts', 'iam', 'dynamodb', 'redshift-serverless']
HEADER_NAMES = ['X-Amz-Meta-Color', 'Content-Type', 'My-Header', 'x-custom', 'Range',
                'X-Amz-Storage-Class', 'If-None-Match', 'Cache-Control', 'X-Amz-Target',
                'Content-MD5', 'x-amz-acl']
UNSIGNED_NAMES = ['User-Agent', 'Expect', 'X-Amzn-Trace-Id']


def rand_text(rng, max_len, allow_empty=True):
    n = rng.randint(0 if allow_empty else 1, max_len)
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.6:
            out.append(rng.choice(SAFE))
        elif r < 0.85:
            out.append(rng.choice(RESERVED))
        else:
            out.append(rng.choice(UNICODE))
    return ''.join(out)


def rand_path(rng, s3):
    segments = []
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if r < 0.1:
            segments.append('')  # empty segment: '//'
        elif r < 0.18:
            segments.append(rng.choice(['.', '..']))
        else:
            segments.append(rand_text(rng, 10, allow_empty=False))
    path = '/' + '/'.join(segments)
    if segments and rng.random() < 0.3:
        path += '/'
    if s3 or rng.random() < 0.6:
        # Encoded as botocore's serializers do (quote with safe '/~').
        return quote(path, safe='/~')
    # General rules also see raw paths (botocore quotes whatever it is given); keep out the
    # characters that end a path in a URL.
    return ''.join(c for c in path if c not in '?#%')


def rand_query(rng, allow_repeats):
    pairs = []
    keys = []
    for _ in range(rng.randint(0, 6)):
        if keys and allow_repeats and rng.random() < 0.25:
            key = rng.choice(keys)
        else:
            key = rand_text(rng, 8, allow_empty=rng.random() < 0.05)
            if not allow_repeats and key in keys:
                continue
            keys.append(key)
        r = rng.random()
        if r < 0.15:
            pairs.append(quote(key, safe='-_.~'))  # key without '='
        elif r < 0.3:
            pairs.append(quote(key, safe='-_.~') + '=')
        else:
            pairs.append(quote(key, safe='-_.~') + '=' + quote(rand_text(rng, 12), safe='-_.~'))
    return '&'.join(pairs)


def rand_header_value(rng):
    parts = []
    for _ in range(rng.randint(0, 4)):
        word = rand_text(rng, 8, allow_empty=False)
        parts.append(word)
    seps = [' ', '   ', '\t', ' \t ', '\n  ', '\r\n\t', '  \n     ']
    value = ''
    for i, p in enumerate(parts):
        if i:
            value += rng.choice(seps)
        value += p
    if rng.random() < 0.3:
        value = rng.choice(['', ' ', '  ', '\t']) + value + rng.choice(['', ' ', '   '])
    return value


def rand_headers(rng, scheme_host):
    headers = []
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(HEADER_NAMES)
        r = rng.random()
        if r < 0.3:
            name = name.lower()
        elif r < 0.4:
            name = name.upper()
        headers.append((name, rand_header_value(rng)))
    if rng.random() < 0.2:
        headers.append((rng.choice(UNSIGNED_NAMES), 'agent/1.0 (x)'))
    if rng.random() < 0.15:
        headers.append(('Host', scheme_host[1].split('@')[-1].lower()))
    rng.shuffle(headers)
    return headers


class _S3Config:
    def __init__(self, signing_enabled):
        self.s3 = {'payload_signing_enabled': signing_enabled}


def make_case(rng, index):
    s3 = rng.random() < 0.5
    presign = rng.random() < 0.35
    scheme, host = rng.choice(HOSTS)
    method = rng.choice(['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'get', 'Post'])
    path = rand_path(rng, s3)
    query = rand_query(rng, allow_repeats=not presign)
    url = f'{scheme}://{host}{path}'
    if query or rng.random() < 0.1:
        url += '?' + query
    headers = rand_headers(rng, (scheme, host))
    body = b''
    if not presign and method.upper() in ('PUT', 'POST', 'PATCH') and rng.random() < 0.8:
        body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300)))
    token = None
    if rng.random() < 0.4:
        token = ''.join(rng.choice(SAFE + list('/+=')) for _ in range(rng.randint(16, 80)))
    unsigned = rng.random() < 0.25
    if unsigned and not s3:
        # botocore signs the payload of general requests over http whatever it is told.
        scheme = 'https'
        url = 'https' + url[url.index('://'):]
    if presign and rng.random() < 0.1:
        headers.append(('Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'))
    ts = datetime.datetime(2000, 1, 1) + datetime.timedelta(
        seconds=rng.randint(0, 35 * 365 * 86400))
    amz_date = ts.strftime('%Y%m%dT%H%M%SZ')
    region = rng.choice(REGIONS)
    service = 's3' if s3 and rng.random() < 0.8 else rng.choice(SERVICES)
    access_key = 'AKIA' + ''.join(rng.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')
                                  for _ in range(16))
    secret = ''.join(rng.choice(SAFE + list('/+')) for _ in range(40))
    expires = rng.choice([1, 60, 900, 3600, 86400, 604800])

    creds = Credentials(access_key, secret, token)
    header_map = HTTPHeaders()
    for name, value in headers:
        header_map[name] = value  # appends: repeated names keep their order
    request = AWSRequest(method=method, url=url, headers=header_map, data=body)
    request.context['timestamp'] = amz_date
    if s3:
        request.context['client_config'] = _S3Config(not unsigned)
    elif unsigned:
        request.context['payload_signing_enabled'] = False
    if presign:
        cls = S3SigV4QueryAuth if s3 else SigV4QueryAuth
        auth = cls(creds, service, region, expires)
    else:
        cls = S3SigV4Auth if s3 else SigV4Auth
        auth = cls(creds, service, region)
    # add_auth() with the clock replaced by the case's fixed timestamp.
    auth._modify_request_before_signing(request)
    canonical_request = auth.canonical_request(request)
    string_to_sign = auth.string_to_sign(request, canonical_request)
    signature = auth.signature(string_to_sign, request)
    auth._inject_signature_to_request(request, signature)

    case = {
        'id': index,
        'mode': 'query' if presign else 'header',
        's3': s3,
        'method': method,
        'url': url,
        'headers': [[n, v] for n, v in headers],
        'body_hex': body.hex(),
        'region': region,
        'service': service,
        'amz_date': amz_date,
        'access_key': access_key,
        'secret_key': secret,
        'session_token': token or '',
        'unsigned_payload': unsigned,
        'expires': expires,
        'expected': {
            'canonical_request': canonical_request,
            'string_to_sign': string_to_sign,
            'signature': signature,
        },
    }
    if presign:
        case['expected']['presigned_url'] = request.url
    else:
        case['expected']['authorization'] = request.headers['Authorization']
    return case


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--count', type=int, default=1500)
    parser.add_argument('--seed', type=int,
                        default=int(os.environ.get('CROSSDOCK_SIGV4_SEED', DEFAULT_SEED)))
    parser.add_argument('--out', required=True)
    parser.add_argument('--checker', help='C++ checker binary to run over the corpus')
    args = parser.parse_args()

    print(f'botocore SigV4 differential: seed={args.seed} count={args.count} '
          f'(rerun with CROSSDOCK_SIGV4_SEED={args.seed})', flush=True)
    rng = random.Random(args.seed)
    counts = {}
    with open(args.out, 'w', encoding='utf-8') as out:
        for i in range(args.count):
            case = make_case(rng, i)
            key = f"{case['mode']}/{'s3' if case['s3'] else 'general'}"
            counts[key] = counts.get(key, 0) + 1
            out.write(json.dumps(case) + '\n')
    print('corpus: ' + ', '.join(f'{k}={v}' for k, v in sorted(counts.items())), flush=True)
    if args.checker:
        result = subprocess.run([args.checker, args.out, str(args.seed)])
        if result.returncode != 0:
            print(f'FAILED: crossdock differs from botocore (seed={args.seed})', file=sys.stderr)
        return result.returncode
    return 0


if __name__ == '__main__':
    sys.exit(main())
