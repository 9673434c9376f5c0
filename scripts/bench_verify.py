"""Alternating whole-process timings of `sigil verify` and `cosign verify`.

Starts a docker-registry (distribution 2.8, no referrers API: the fallback tag path) on a free
loopback port, pushes images with crane, signs them with sigil (cosign verifies sigil's
signatures, so both tools check the very same artifacts), then times, alternating the tools
run by run: one image (bundle format), one image (legacy format), and 200 images in one
process. Usage: bench_verify.py SIGIL_BINARY RUNS
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

SIGIL, RUNS = sys.argv[1], int(sys.argv[2])
MANY = 200


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(args, env):
    out = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if out.returncode != 0:
        sys.exit(f"failed ({out.returncode}): {' '.join(args[:6])}...\n{out.stderr.decode()[-2000:]}")
    return out


def timed(args, env):
    t = time.perf_counter()
    run(args, env)
    return time.perf_counter() - t


def main():
    work = tempfile.mkdtemp(prefix="sigil-bench-")
    env = dict(os.environ, COSIGN_PASSWORD="bench", HOME=work, DOCKER_CONFIG=work, NO_COLOR="1")
    port = free_port()
    host = f"127.0.0.1:{port}"
    cfg = os.path.join(work, "registry.yml")
    with open(cfg, "w") as f:
        f.write(f"version: 0.1\nlog: {{level: error, accesslog: {{disabled: true}}}}\n"
                f"storage: {{filesystem: {{rootdirectory: {work}/data}}}}\nhttp: {{addr: {host}}}\n")
    reg = subprocess.Popen(["docker-registry", "serve", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        subprocess.run(
            ["cosign", "generate-key-pair"], env=env, cwd=work, check=True, capture_output=True)
        key, pub = os.path.join(work, "cosign.key"), os.path.join(work, "cosign.pub")
        layer = os.path.join(work, "layer.tar")
        refs = []
        for i in range(MANY + 1):
            with open(os.path.join(work, "f.txt"), "w") as f:
                f.write(f"image {i}\n")
            subprocess.run(["tar", "-cf", layer, "-C", work, "f.txt"], check=True)
            out = run(["crane", "append", "--insecure", "-f", layer, "-t", f"{host}/bench/img{i}:v1"], env)
            refs.append(out.stdout.decode().strip())
        legacy_ref, refs = refs[-1], refs[:MANY]
        run([SIGIL, "sign", "--allow-http-registry", "--key", key, *refs], env)
        run([SIGIL, "sign", "--allow-http-registry", "--key", key, "--signature-format", "legacy", legacy_ref], env)
        ref_file = os.path.join(work, "refs.txt")
        with open(ref_file, "w") as f:
            f.write("\n".join(refs) + "\n")

        cosign = ["cosign", "verify", "--key", pub, "--insecure-ignore-tlog", "--allow-http-registry"]
        sigil = [SIGIL, "verify", "--key", pub, "--allow-http-registry"]
        cases = [
            ("one image, bundle", sigil + [refs[0]], cosign + [refs[0]], RUNS),
            ("one image, legacy", sigil + [legacy_ref], cosign + ["--new-bundle-format=false", legacy_ref], RUNS),
            (f"{MANY} images, one process", sigil + ["--from-file", ref_file], cosign + refs, max(5, RUNS // 8)),
        ]
        print(f"sigil verify vs cosign verify, docker-registry on {host}, alternating runs")
        print(f"{'case':<28}{'runs':>6}{'sigil median':>15}{'cosign median':>15}{'cosign/sigil':>14}")
        for name, s_cmd, c_cmd, n in cases:
            timed(s_cmd, env), timed(c_cmd, env)  # warm both (page cache, registry)
            s_times, c_times = [], []
            for _ in range(n):
                s_times.append(timed(s_cmd, env))
                c_times.append(timed(c_cmd, env))
            s_med, c_med = statistics.median(s_times), statistics.median(c_times)
            print(f"{name:<28}{n:>6}{s_med * 1000:>12.1f} ms{c_med * 1000:>12.1f} ms{c_med / s_med:>13.1f}x")
    finally:
        reg.terminate()
        reg.wait()


main()
