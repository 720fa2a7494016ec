#!/usr/bin/python3
"""Side-by-side S3 transfer benchmark: crossdock vs the aws CLI vs curl, same local RGW.

Scenarios (each run alternates the tools' order; the median of --runs is reported):
  large-up / large-down   one object of --large-mib MiB (default 1024)
  small-up / small-down   --small-count objects of --small-kib KiB (default 1,000 x 256)
  stream-rss              peak RSS of uploading a --stream-mib MiB stream from stdin
                          (default 2048), crossdock and aws CLI
curl is the server's ceiling: one PUT/GET per object with --aws-sigv4 (small objects with
--parallel --parallel-max 10, the aws CLI's concurrency).

Credentials and endpoint come from the RGW_* variables of the peer scripts:
  eval "$(RGW_OSD_STORE=bluestore RGW_STORE_BYTES=$((24<<30)) scripts/peers/start.sh)"
  /usr/bin/python3 bench/s3_compare.py --crossdock build/crossdock [--runs 5]
Writes a Markdown table on stdout (and JSON with every sample with --json FILE).
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

AWS = "/usr/bin/aws"


def env_or_die(name):
    v = os.environ.get(name)
    if not v:
        sys.exit(f"s3_compare: {name} is not set; start the peers and eval their exports")
    return v


class Bench:
    def __init__(self, args):
        self.args = args
        self.endpoint = env_or_die("RGW_ENDPOINT")
        self.bucket = env_or_die("RGW_BUCKET")
        self.region = os.environ.get("RGW_REGION", "us-east-1")
        self.ak = env_or_die("RGW_CUSTOMER_ACCESS_KEY")
        self.sk = env_or_die("RGW_CUSTOMER_SECRET_KEY")
        self.prefix = f"bench-{random.randrange(1 << 32):08x}"
        self.tmp = tempfile.mkdtemp(prefix="crossdock-bench-")
        self.env = dict(os.environ, AWS_ACCESS_KEY_ID=self.ak, AWS_SECRET_ACCESS_KEY=self.sk,
                        AWS_DEFAULT_REGION=self.region, AWS_REGION=self.region,
                        AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
                        AWS_EC2_METADATA_DISABLED="true")
        self.env.pop("AWS_PROFILE", None)
        self.samples = {}

    # --- data -----------------------------------------------------------------------------
    def make_data(self):
        a = self.args
        self.large = os.path.join(self.tmp, "large.bin")
        with open(self.large, "wb") as f:
            block = os.urandom(1 << 20)
            for i in range(a.large_mib):
                f.write(block[i % 251:] + block[:i % 251])  # not one repeated MiB
        self.small_dir = os.path.join(self.tmp, "small")
        os.makedirs(self.small_dir)
        for i in range(a.small_count):
            with open(os.path.join(self.small_dir, f"f{i:05d}.bin"), "wb") as f:
                f.write(os.urandom(a.small_kib * 1024))

    # --- commands -------------------------------------------------------------------------
    def s3url(self, tool, name):
        return f"s3://{self.bucket}/{self.prefix}/{tool}/{name}"

    def http_url(self, tool, name):
        return f"{self.endpoint}/{self.bucket}/{self.prefix}/{tool}/{name}"

    def crossdock(self, *args):
        return [self.args.crossdock, "s3", *args, "--endpoint-url", self.endpoint, "--quiet"]

    def aws(self, *args):
        return [AWS, "--endpoint-url", self.endpoint, "s3", *args, "--only-show-errors"]

    def curl(self, *args):
        return ["curl", "-sS", "--fail", "--aws-sigv4", f"aws:amz:{self.region}:s3",
                "--user", f"{self.ak}:{self.sk}", "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                *args]

    def curl_config(self, name, lines):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def commands(self, scenario, tool):
        out = os.path.join(self.tmp, "out-" + tool)
        if scenario == "large-up":
            return {"crossdock": self.crossdock("cp", self.large, self.s3url(tool, "large.bin")),
                    "aws": self.aws("cp", self.large, self.s3url(tool, "large.bin")),
                    "curl": self.curl("-T", self.large, self.http_url(tool, "large.bin"))}[tool]
        if scenario == "large-down":
            dst = out + ".bin"
            return {"crossdock": self.crossdock("cp", self.s3url(tool, "large.bin"), dst),
                    "aws": self.aws("cp", self.s3url(tool, "large.bin"), dst),
                    "curl": self.curl("-o", dst, self.http_url(tool, "large.bin"))}[tool]
        if scenario == "small-up":
            if tool == "curl":
                lines = []
                for n in sorted(os.listdir(self.small_dir)):
                    lines += [f'upload-file = "{os.path.join(self.small_dir, n)}"',
                              f'url = "{self.http_url(tool, "small/" + n)}"']
                cfg = self.curl_config("up.cfg", lines)
                return self.curl("--parallel", "--parallel-max", "10", "-K", cfg)
            return {"crossdock": self.crossdock("cp", "--recursive", self.small_dir,
                                                self.s3url(tool, "small/")),
                    "aws": self.aws("cp", "--recursive", self.small_dir,
                                    self.s3url(tool, "small/"))}[tool]
        if scenario == "small-down":
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)
            if tool == "curl":
                lines = []
                for n in sorted(os.listdir(self.small_dir)):
                    lines += [f'url = "{self.http_url(tool, "small/" + n)}"',
                              f'output = "{os.path.join(out, n)}"']
                cfg = self.curl_config("down.cfg", lines)
                return self.curl("--parallel", "--parallel-max", "10", "-K", cfg)
            return {"crossdock": self.crossdock("cp", "--recursive", self.s3url(tool, "small/"),
                                                out),
                    "aws": self.aws("cp", "--recursive", self.s3url(tool, "small/"), out)}[tool]
        raise ValueError(scenario)

    def run(self, cmd, stdin=None):
        start = time.perf_counter()
        p = subprocess.Popen(cmd, env=self.env, stdin=stdin, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        _, err = p.communicate()
        elapsed = time.perf_counter() - start
        if p.returncode != 0:
            sys.exit(f"s3_compare: {' '.join(cmd[:4])}... failed ({p.returncode}): "
                     f"{err.decode()[-500:]}")
        return elapsed

    def peak_rss(self, cmd, mib):
        """Runs `head -c N /dev/zero | cmd` and returns cmd's peak RSS in MiB."""
        feeder = subprocess.Popen(["head", "-c", str(mib << 20), "/dev/zero"],
                                  stdout=subprocess.PIPE)
        start = time.perf_counter()
        p = subprocess.Popen(cmd, env=self.env, stdin=feeder.stdout, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        feeder.stdout.close()
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - start
        feeder.wait()
        if status != 0:
            sys.exit(f"s3_compare: {' '.join(cmd[:4])}... failed: {p.stderr.read().decode()}")
        return usage.ru_maxrss / 1024, elapsed

    # --- main -----------------------------------------------------------------------------
    def main(self):
        a = self.args
        self.make_data()
        tools = ["crossdock", "aws", "curl"]
        scenarios = [s for s in ["large-up", "large-down", "small-up", "small-down"]
                     if s in a.scenarios]
        for run in range(a.runs):
            for scenario in scenarios:
                order = tools[run % 3:] + tools[:run % 3]  # alternate who goes first
                for tool in order:
                    t = self.run(self.commands(scenario, tool))
                    self.samples.setdefault((scenario, tool), []).append(t)
                    print(f"run {run + 1} {scenario:10} {tool:9} {t:7.2f} s", file=sys.stderr)
        rss = {}
        if "stream-rss" in a.scenarios:
            for tool, cmd in [("crossdock", self.crossdock("cp", "-", self.s3url("rss", "s.bin"))),
                              ("aws", self.aws("cp", "-", self.s3url("rss", "s.bin")))]:
                rss[tool] = self.peak_rss(cmd, a.stream_mib)
                print(f"stream-rss {tool}: {rss[tool][0]:.0f} MiB in {rss[tool][1]:.1f} s",
                      file=sys.stderr)
        self.report(scenarios, tools, rss)

    def report(self, scenarios, tools, rss):
        a = self.args
        size = {"large-up": a.large_mib, "large-down": a.large_mib,
                "small-up": a.small_count * a.small_kib / 1024,
                "small-down": a.small_count * a.small_kib / 1024}
        print(f"| scenario | {' | '.join(tools)} | crossdock vs aws | crossdock vs curl |")
        print("|---|" + "---|" * (len(tools) + 2))
        for s in scenarios:
            med = {t: statistics.median(self.samples[(s, t)]) for t in tools}
            cells = [f"{med[t]:.2f} s ({size[s] / med[t]:.0f} MiB/s)" for t in tools]
            print(f"| {s} | {' | '.join(cells)} | {med['aws'] / med['crossdock']:.2f}x | "
                  f"{med['curl'] / med['crossdock']:.2f}x |")
        for tool, (mib, secs) in rss.items():
            print(f"\npeak RSS, {a.stream_mib} MiB from stdin, {tool}: {mib:.0f} MiB "
                  f"({secs:.1f} s)")
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"samples": {f"{s}/{t}": v for (s, t), v in self.samples.items()},
                           "rss_mib": rss}, f, indent=1)

    def cleanup(self):
        subprocess.run(self.aws("rm", "--recursive", f"s3://{self.bucket}/{self.prefix}/"),
                       env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--crossdock", default="build/crossdock")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--large-mib", type=int, default=1024)
    ap.add_argument("--small-count", type=int, default=1000)
    ap.add_argument("--small-kib", type=int, default=256)
    ap.add_argument("--stream-mib", type=int, default=2048)
    ap.add_argument("--scenarios", default="large-up,large-down,small-up,small-down,stream-rss")
    ap.add_argument("--json")
    args = ap.parse_args()
    args.scenarios = args.scenarios.split(",")
    b = Bench(args)
    try:
        b.main()
    finally:
        b.cleanup()


if __name__ == "__main__":
    main()
