#!/usr/bin/python3
"""Companion of sigv4_bench.cc: botocore's SigV4 cost per S3 request for the same requests.

botocore's S3SigV4Auth derives the signing key on every request (it has no key cache), so
this is what the aws CLI and boto3 pay per request. Prints wall and CPU microseconds per
request (CPU is the fair figure on a shared machine), the median of --repeat timings of
--count signatures each.

  /usr/bin/python3 bench/sigv4_botocore_bench.py [--count 20000] [--repeat 5]
"""
import argparse
import datetime
import statistics
import time

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CREDS = Credentials("ASIAEXAMPLEEXAMPLE12", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    "T" * 300)

REQUESTS = {
    "GetObject": ("GET", "https://customer-bucket.s3.us-east-1.amazonaws.com/sync/2026/01/01/"
                  "part-00042.csv.zst", {"Range": "bytes=0-8388607",
                                          "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}),
    "UploadPart": ("PUT", "https://customer-bucket.s3.us-east-1.amazonaws.com/sync/big.bin?"
                   "partNumber=17&uploadId=2~Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA",
                   {"Content-Length": "8388608", "x-amz-checksum-crc32c": "4waSgw==",
                    "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}),
    "ListObjectsV2": ("GET", "https://customer-bucket.s3.us-east-1.amazonaws.com/?list-type=2&"
                      "encoding-type=url&prefix=sync%2F2026%2F&delimiter=%2F&"
                      "continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J", {}),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    signer = S3SigV4Auth(CREDS, "s3", "us-east-1")
    fixed = datetime.datetime(2026, 1, 1, 0, 0, 0)
    for name, (method, url, headers) in REQUESTS.items():
        runs, cpu = [], []
        for _ in range(args.repeat):
            reqs = [AWSRequest(method=method, url=url, headers=dict(headers))
                    for _ in range(args.count)]
            for r in reqs:
                r.context["timestamp"] = fixed.strftime("%Y%m%dT%H%M%SZ")
            start, start_cpu = time.perf_counter(), time.process_time()
            for r in reqs:
                signer.add_auth(r)
            runs.append((time.perf_counter() - start) / args.count * 1e6)
            cpu.append((time.process_time() - start_cpu) / args.count * 1e6)
        print(f"botocore {name}: {statistics.median(runs):.2f} us/request wall, "
              f"{statistics.median(cpu):.2f} us CPU (median of {args.repeat} x {args.count})")


if __name__ == "__main__":
    main()
