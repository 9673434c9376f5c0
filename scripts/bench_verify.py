"""Alternating whole-process timings of `sigil verify` / `sigil check` and `cosign verify`.

Starts a docker-registry (distribution 2.8, no referrers API: the fallback tag path) on a free
loopback port, pushes images with crane, signs them with sigil (cosign verifies sigil's
signatures, so both tools check the very same artifacts), then times, alternating the tools
run by run: one image (bundle format), one image (legacy format), 200 images in one
process, and `sigil check` of the same 200 (signatures verified and the whole policy library
evaluated) against `cosign verify` of them. Images run as a non-root user, so that the
policy allows them. Usage: bench_verify.py SIGIL_BINARY RUNS
"""
import os
import shutil
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


def start_registry(kind, work):
    port = free_port()
    host = f"127.0.0.1:{port}"
    if kind == "docker-registry":
        cfg = os.path.join(work, "registry.yml")
        with open(cfg, "w") as f:
            f.write(f"version: 0.1\nlog: {{level: error, accesslog: {{disabled: true}}}}\n"
                    # The blob-descriptor cache is on, as in the Debian package's default config.
                    f"storage: {{cache: {{blobdescriptor: inmemory}}, filesystem: {{rootdirectory: {work}/data}}}}\n"
                    f"http: {{addr: {host}}}\n")
        proc = subprocess.Popen(["docker-registry", "serve", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        proc = subprocess.Popen(["refreg", "--address", host], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, host


CURL_PARALLEL = 32  # sigil's default --max-concurrency


def bare_requests(kind, work, refs, runs):
    """Median time for curl to make only the registry requests that verifying `refs` needs,
    with nothing parsed or verified: per image, the bundle signatures' listing (the referrers
    API, or the fallback tag where there is none), the legacy `.sig` tag, and the image's
    existence (a HEAD: a signature for a deleted image must not pass). Content named by digest
    (referrer manifests, signature blobs) is left out, as sigil's cache serves it. None when
    curl is missing."""
    if shutil.which("curl") is None:
        return None
    gets, heads = [], []
    for ref in refs:
        name, digest = ref.split("@")
        host, repo = name.split("/", 1)
        base = f"http://{host}/v2/{repo}"
        tag = digest.replace(":", "-")
        listing = f"{base}/referrers/{digest}" if kind == "refreg" else f"{base}/manifests/{tag}"
        gets += [listing, f"{base}/manifests/{tag}.sig"]
        heads.append(f"{base}/manifests/{digest}")
    accept = ("application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json,"
              "application/vnd.docker.distribution.manifest.v2+json")
    cfg = os.path.join(work, "bare-requests.curl")
    with open(cfg, "w") as f:
        f.write(f'header = "Accept: {accept}"\n')
        f.writelines(f'url = "{u}"\noutput = "/dev/null"\n' for u in gets)
        f.write(f'next\nhead\nheader = "Accept: {accept}"\n')
        f.writelines(f'url = "{u}"\noutput = "/dev/null"\n' for u in heads)
    cmd = ["curl", "--silent", "--no-progress-meter", "--parallel", "--parallel-max",
           str(CURL_PARALLEL), "--config", cfg]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def bench(kind):
    work = tempfile.mkdtemp(prefix="sigil-bench-")
    env = dict(os.environ, COSIGN_PASSWORD="bench", HOME=work, DOCKER_CONFIG=work, NO_COLOR="1")
    reg, host = start_registry(kind, work)
    try:
        subprocess.run(["cosign", "generate-key-pair"], env=env, cwd=work, check=True, capture_output=True)
        key, pub = os.path.join(work, "cosign.key"), os.path.join(work, "cosign.pub")
        layer = os.path.join(work, "layer.tar")
        refs = []
        for i in range(MANY + 1):
            with open(os.path.join(work, "f.txt"), "w") as f:
                f.write(f"image {i}\n")
            subprocess.run(["tar", "-cf", layer, "-C", work, "f.txt"], check=True)
            tag = f"{host}/bench/img{i}:v1"
            run(["crane", "append", "--insecure", "-f", layer, "-t", tag], env)
            out = run(["crane", "mutate", "--insecure", "--user", "65532", "-t", tag, tag], env)
            refs.append(out.stdout.decode().strip())
        legacy_ref, refs = refs[-1], refs[:MANY]
        run([SIGIL, "sign", "--no-cache", "--allow-http-registry", "--key", key, *refs], env)
        run([SIGIL, "sign", "--no-cache", "--allow-http-registry", "--key", key, "--signature-format", "legacy", legacy_ref], env)
        ref_file = os.path.join(work, "refs.txt")
        with open(ref_file, "w") as f:
            f.write("\n".join(refs) + "\n")

        cosign = ["cosign", "verify", "--key", pub, "--insecure-ignore-tlog", "--allow-http-registry"]
        sigil = [SIGIL, "verify", "--key", pub, "--allow-http-registry"]
        check = [SIGIL, "check", "--key", pub, "--allow-http-registry"]
        many = ["--from-file", ref_file]
        cases = [
            ("one image, bundle", sigil + [refs[0]], cosign + [refs[0]], RUNS),
            ("one image, legacy", sigil + [legacy_ref], cosign + ["--new-bundle-format=false", legacy_ref], RUNS),
            (f"{MANY} images, one process", sigil + many, cosign + refs, max(5, RUNS // 8)),
            (f"check {MANY} (vs verify)", check + many, cosign + refs, max(5, RUNS // 8)),
        ]
        print(f"\n{kind} ({host}): medians of alternating runs")
        print(f"{'case':<26}{'runs':>5}{'sigil':>10}{'sigil --no-cache':>18}{'cosign':>10}"
              f"{'cosign/sigil':>14}{'(no cache)':>12}")
        cosign_many = None
        for name, ours, theirs, n in cases:
            cold = ours + ["--no-cache"]
            timed(ours, env), timed(cold, env), timed(theirs, env)  # warm-up
            warm_t, cold_t, cos_t = [], [], []
            for _ in range(n):
                warm_t.append(timed(ours, env))
                cold_t.append(timed(cold, env))
                cos_t.append(timed(theirs, env))
            w, c, k = (statistics.median(x) * 1000 for x in (warm_t, cold_t, cos_t))
            print(f"{name:<26}{n:>5}{w:>7.1f} ms{c:>15.1f} ms{k:>7.1f} ms{k / w:>13.1f}x{k / c:>11.1f}x")
            if name.startswith(f"{MANY} images"):
                cosign_many = k
        floor = bare_requests(kind, work, refs, max(5, RUNS // 8))
        if floor is not None and cosign_many is not None:
            print(f"floor: the {3 * MANY} requests verifying {MANY} images needs, and nothing else, "
                  f"by curl ({CURL_PARALLEL} at a time): {floor:.1f} ms; "
                  f"cosign/floor {cosign_many / floor:.1f}x (the best ratio any client making them can reach)")
    finally:
        reg.terminate()
        reg.wait()


def main():
    print("sigil verify vs cosign verify: whole processes, the same images and signatures")
    print("sigil = with its content cache (content by digest; tags always fetched), warm after the first run")
    for kind in ("docker-registry", "refreg"):
        bench(kind)


main()
