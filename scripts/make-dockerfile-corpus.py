#!/usr/bin/env python3
"""Writes sigil's Dockerfile corpus: testdata/dockerfiles/corpus/NNN-family.Dockerfile.

Deterministic (a fixed seed, no dependencies): running it again rewrites the same files.
The files are written the way real projects write them -- official-image style builds on
Debian and Alpine, Go/Rust/Node/Python/Java multi-stage builds with distroless or scratch
finals, ARG-driven FROMs, cross-compilation with --platform=$BUILDPLATFORM, heredocs,
Windows images with `# escape=``, ONBUILD base images -- and vary what sigil lint judges:
registries (implicit Docker Hub, ghcr.io, quay.io, gcr.io, mcr.microsoft.com, ECR, private
hosts with ports), tags (versioned, latest, none, pinned by digest), COPY --from and
RUN --mount from= images, and the final USER (none, root, 0, 0:0, numeric, names, root
then a user). Every file is valid BuildKit syntax; sigil's tests parse them all and
compare `sigil lint` with hadolint on them.

Usage: scripts/make-dockerfile-corpus.py [OUT_DIR]
"""

import hashlib
import os
import random
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "dockerfiles", "corpus")

rng = random.Random(20261123)


def digest(seed):
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def pick(*options):
    return rng.choice(options)


def chance(p):
    return rng.random() < p


# Registries as people write them, with how often each appears.
REGISTRIES = [
    ("", 50),                       # implicit Docker Hub
    ("docker.io/", 6),
    ("docker.io/library/", 3),
    ("ghcr.io/", 10),
    ("quay.io/", 6),
    ("gcr.io/", 6),
    ("mcr.microsoft.com/", 4),
    ("public.ecr.aws/", 4),
    ("registry.example.com/", 6),
    ("registry.example.com:5000/", 2),
    ("localhost:5000/", 1),
]


def registry():
    total = sum(w for _, w in REGISTRIES)
    n = rng.uniform(0, total)
    for r, w in REGISTRIES:
        n -= w
        if n <= 0:
            return r
    return ""


def ref(repo, tag, library=True, reg=None):
    """An image reference for `repo` (official images when library) with a tag style drawn at
    random: versioned (most), pinned by digest, latest, or none."""
    if reg is None:
        if library and chance(0.75):
            reg = pick("", "", "", "", "docker.io/", "docker.io/library/")
        else:
            reg = registry()
    if not library and reg in ("", "docker.io/", "docker.io/library/"):
        reg = reg.replace("library/", "")
        if "/" not in repo:
            repo = "acme/" + repo
    if library and reg not in ("", "docker.io/", "docker.io/library/"):
        # A mirror of an official image on another registry.
        repo = "mirror/" + repo
    name = reg + repo
    style = rng.random()
    if style < 0.52:
        return f"{name}:{tag}"
    if style < 0.72:
        return f"{name}:{tag}@{digest(name + tag)}"
    if style < 0.77:
        return f"{name}@{digest(name)}"
    if style < 0.88:
        return f"{name}:latest"
    return name


def kw(word):
    """Keywords in upper case, now and then in lower case as some projects write them."""
    return word.lower() if LOWER else word


def as_(name):
    return f" {pick('AS', 'AS', 'AS', 'as')} {name}"


def final_user(base_has_user=False):
    """USER lines for a final stage: none, root, numeric, names, or root then a user."""
    r = rng.random()
    if r < 0.22:
        return []
    if r < 0.30:
        return [f"{kw('USER')} root"]
    if r < 0.34:
        return [f"{kw('USER')} 0"]
    if r < 0.37:
        return [f"{kw('USER')} 0:0"]
    if r < 0.40:
        return [f"{kw('USER')} root:root"]
    if r < 0.52:
        return [f"{kw('USER')} {pick('10001', '65532:65532', '1000', '1001:1001', '999')}"]
    if r < 0.70:
        return [f"{kw('USER')} {pick('app', 'nobody', 'node', 'appuser', 'nonroot:nonroot', 'www-data')}"]
    if r < 0.82:
        return [f"{kw('USER')} root", f"{kw('RUN')} chown -R app:app /app", f"{kw('USER')} app"]
    if r < 0.88:
        return [f"{kw('USER')} app", f"{kw('RUN')} id", f"{kw('USER')} root"]
    return [f"{kw('ARG')} UID=10001", f"{kw('USER')} ${{UID}}"]


def header():
    lines = []
    if chance(0.35):
        lines.append(f"# syntax=docker/dockerfile:{pick('1', '1.7', '1.9', '1-labs')}")
    if chance(0.3):
        lines.append(pick("# Build the service image.", "# hadolint shell=bash",
                          "# Maintained by the platform team", "# check=skip=JSONArgsRecommended"))
    return lines


def apt(packages):
    lines = [f"{kw('RUN')} apt-get update \\"]
    if chance(0.3):
        lines.append("# keep the image small: no recommended packages")
    lines.append("    && apt-get install -y --no-install-recommends \\")
    for p in packages:
        lines.append(f"        {p} \\")
    lines.append("    && rm -rf /var/lib/apt/lists/*")
    return lines


def apk(packages):
    return [f"{kw('RUN')} apk add --no-cache {' '.join(packages)}"]


def heredoc_run():
    if chance(0.5):
        return [f"{kw('RUN')} <<EOF", "set -eux", "apt-get update", "apt-get install -y curl", "EOF", ""]
    return [f"{kw('RUN')} <<EOT bash", "set -euo pipefail", "mkdir -p /app/data", "echo ready > /app/data/state", "EOT", ""]


def official():
    base = pick(("debian", pick("12", "12-slim", "bookworm", "bookworm-slim")),
                ("ubuntu", pick("22.04", "24.04", "noble", "jammy")),
                ("alpine", pick("3.19", "3.20", "3.21")))
    out = header()
    out.append(f"{kw('FROM')} {ref(base[0], base[1])}")
    if chance(0.3):
        out.append(f"{kw('LABEL')} org.opencontainers.image.source=\"https://example.com/acme/{base[0]}-tools\"")
    out.append(f"{kw('ENV')} LANG=C.UTF-8 TZ=UTC")
    if base[0] == "alpine":
        out += apk(rng.sample(["ca-certificates", "curl", "tini", "bash", "tzdata", "git"], 3))
        if chance(0.5):
            out.append(f"{kw('RUN')} addgroup -S app && adduser -S -G app app")
    else:
        out += apt(rng.sample(["ca-certificates", "curl", "gnupg", "tini", "locales", "git", "procps"], 3))
        if chance(0.5):
            out.append(f"{kw('RUN')} useradd --system --create-home --uid 10001 app")
    if chance(0.25):
        out += heredoc_run()
    out.append(f"{kw('WORKDIR')} /app")
    out.append(f"{kw('COPY')} {pick('--chown=app:app ', '', '--link ')}. /app")
    out += final_user()
    if chance(0.3):
        out.append(f"{kw('HEALTHCHECK')} --interval=30s --timeout=3s CMD curl -fsS http://localhost:8080/healthz || exit 1")
    out.append(f"{kw('EXPOSE')} 8080")
    out.append(pick(f'{kw("ENTRYPOINT")} ["/usr/bin/tini", "--"]', f'{kw("CMD")} ["./start.sh"]', f"{kw('CMD')} ./start.sh"))
    return out


def distroless(kind):
    variant = pick("static-debian12", "base-debian12", "cc-debian12") if kind != "java" else "java21-debian12"
    tag = pick("nonroot", "latest", "debug-nonroot", "nonroot")
    return ref(f"distroless/{variant}", tag, library=False, reg="gcr.io/")


def final_stage(kind, builder, artefact, dest):
    out = []
    r = rng.random()
    if r < 0.35:
        out.append(f"{kw('FROM')} {distroless(kind)}")
    elif r < 0.55 and kind in ("go", "rust"):
        out.append(f"{kw('FROM')} scratch")
        if chance(0.5):
            out.append(f"{kw('COPY')} --from={builder} /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/")
    elif r < 0.75:
        out.append(f"{kw('FROM')} {ref('alpine', pick('3.20', '3.21'))}")
        out += apk(["ca-certificates"])
    else:
        out.append(f"{kw('FROM')} {ref('debian', 'bookworm-slim')}")
    out.append(f"{kw('COPY')} --from={builder} {artefact} {dest}")
    out += final_user()
    out.append(f'{kw("ENTRYPOINT")} ["{dest}"]')
    return out


def go():
    out = header()
    go_ver = pick("1.22", "1.23", "1.23-alpine", "1.22-bookworm")
    cross = chance(0.35)
    if cross:
        out.append(f"{kw('FROM')} --platform=$BUILDPLATFORM {ref('tonistiigi/xx', '1.4.0', library=False, reg=pick('', 'docker.io/'))}{as_('xx')}")
    plat = "--platform=$BUILDPLATFORM " if cross else ""
    out.append(f"{kw('FROM')} {plat}{ref('golang', go_ver)}{as_('build')}")
    if cross:
        out.append(f"{kw('COPY')} --from=xx / /")
        out.append(f"{kw('ARG')} TARGETPLATFORM")
    out.append(f"{kw('WORKDIR')} /src")
    out.append(f"{kw('COPY')} go.mod go.sum ./")
    out.append(f"{kw('RUN')} --mount=type=cache,target=/go/pkg/mod go mod download")
    out.append(f"{kw('COPY')} . .")
    build = "xx-go build" if cross else "go build"
    out.append(f"{kw('RUN')} --mount=type=cache,target=/root/.cache/go-build \\")
    out.append(f"    --mount=type=cache,target=/go/pkg/mod \\")
    out.append(f"    CGO_ENABLED=0 {build} -trimpath -ldflags='-s -w' -o /out/app ./cmd/app")
    if chance(0.3):
        out.append(f"{kw('FROM')} build{as_('test')}")
        out.append(f"{kw('RUN')} go test ./...")
    out += final_stage("go", "build", "/out/app", "/app")
    return out


def rust():
    out = header()
    out.append(f"{kw('FROM')} {ref('rust', pick('1.82', '1.83-slim', '1.81-bookworm', '1-alpine'))}{as_('builder')}")
    out.append(f"{kw('WORKDIR')} /usr/src/app")
    out.append(f"{kw('COPY')} Cargo.toml Cargo.lock ./")
    out.append(f"{kw('RUN')} mkdir src && echo 'fn main() {{}}' > src/main.rs && cargo build --release")
    out.append(f"{kw('COPY')} src ./src")
    if chance(0.5):
        out.append(f"{kw('RUN')} --mount=type=cache,target=/usr/local/cargo/registry \\")
        out.append("    --mount=type=cache,target=/usr/src/app/target,sharing=locked \\")
        out.append("    cargo build --release && cp target/release/app /app")
    else:
        out.append(f"{kw('RUN')} cargo build --release --locked && cp target/release/app /app")
    out += final_stage("rust", "builder", "/app", "/usr/local/bin/app")
    return out


def node():
    out = header()
    ver = pick("20", "22", "20.18", "22.11")
    flavour = pick("-alpine", "-slim", "-bookworm-slim", "")
    if chance(0.3):
        out.append(f"{kw('ARG')} NODE_VERSION={ver}")
        base = f"node:${{NODE_VERSION}}{flavour}"
        base = base if chance(0.7) else base + "@" + digest("node" + ver)
    else:
        base = ref("node", ver + flavour)
    out.append(f"{kw('FROM')} {base}{as_('deps')}")
    out.append(f"{kw('WORKDIR')} /app")
    out.append(f"{kw('COPY')} package.json package-lock.json ./")
    out.append(f"{kw('RUN')} --mount=type=cache,target=/root/.npm npm ci --omit=dev")
    out.append(f"{kw('FROM')} deps{as_('build')}")
    out.append(f"{kw('COPY')} . .")
    out.append(f"{kw('RUN')} npm run build")
    final = pick("deps", "image", "image", "distroless")
    if final == "deps":
        out.append(f"{kw('FROM')} deps")
    elif final == "distroless":
        out.append(f"{kw('FROM')} {ref('distroless/nodejs22-debian12', pick('nonroot', 'latest'), library=False, reg='gcr.io/')}")
    else:
        out.append(f"{kw('FROM')} {ref('node', ver + '-alpine')}")
    out.append(f"{kw('ENV')} NODE_ENV=production")
    out.append(f"{kw('WORKDIR')} /app")
    out.append(f"{kw('COPY')} --from=build /app/dist ./dist")
    out.append(f"{kw('COPY')} --from=deps /app/node_modules ./node_modules")
    out += final_user()
    out.append(f'{kw("CMD")} ["node", "dist/server.js"]')
    return out


def python():
    out = header()
    ver = pick("3.11", "3.12", "3.13")
    flavour = pick("-slim", "-slim-bookworm", "-alpine", "")
    out.append(f"{kw('FROM')} {ref('python', ver + flavour)}{as_('build')}")
    out.append(f"{kw('ENV')} PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1")
    if chance(0.4):
        uv = ref("astral-sh/uv", pick("0.4.30", "0.5", "latest"), library=False, reg="ghcr.io/")
        out.append(f"{kw('COPY')} --from={uv} /uv /uvx /bin/")
        out.append(f"{kw('RUN')} --mount=type=cache,target=/root/.cache/uv \\")
        out.append("    --mount=type=bind,source=uv.lock,target=uv.lock \\")
        out.append("    uv sync --frozen --no-install-project")
    else:
        out.append(f"{kw('RUN')} python -m venv /opt/venv")
        out.append(f"{kw('ENV')} PATH=/opt/venv/bin:$PATH")
        out.append(f"{kw('COPY')} requirements.txt .")
        out.append(f"{kw('RUN')} --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt")
    if chance(0.5):
        out.append(f"{kw('FROM')} {ref('python', ver + flavour)}")
        out.append(f"{kw('COPY')} --from=build /opt/venv /opt/venv")
        out.append(f"{kw('ENV')} PATH=/opt/venv/bin:$PATH")
    out.append(f"{kw('WORKDIR')} /srv")
    out.append(f"{kw('COPY')} . .")
    if chance(0.3):
        out += heredoc_run()
    out += final_user()
    out.append(pick('CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]', 'CMD python -m app',
                    'ENTRYPOINT ["python", "-m", "app"]'))
    return out


def java():
    out = header()
    if chance(0.5):
        out.append(f"{kw('FROM')} {ref('maven', pick('3.9-eclipse-temurin-21', '3.9.9-eclipse-temurin-17'))}{as_('build')}")
        out.append(f"{kw('WORKDIR')} /build")
        out.append(f"{kw('COPY')} pom.xml .")
        out.append(f"{kw('RUN')} --mount=type=cache,target=/root/.m2 mvn -B dependency:go-offline")
        out.append(f"{kw('COPY')} src ./src")
        out.append(f"{kw('RUN')} --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests")
        jar = "/build/target/app.jar"
    else:
        out.append(f"{kw('FROM')} {ref('gradle', pick('8.10-jdk21', '8-jdk17-alpine'))}{as_('build')}")
        out.append(f"{kw('WORKDIR')} /home/gradle/src")
        out.append(f"{kw('COPY')} --chown=gradle:gradle . .")
        out.append(f"{kw('RUN')} gradle bootJar --no-daemon")
        jar = "/home/gradle/src/build/libs/app.jar"
    r = rng.random()
    if r < 0.4:
        out.append(f"{kw('FROM')} {ref('eclipse-temurin', pick('21-jre', '17-jre-alpine', '21-jre-jammy'))}")
    elif r < 0.6:
        out.append(f"{kw('FROM')} {distroless('java')}")
    elif r < 0.8:
        out.append(f"{kw('FROM')} {ref('openjdk/jdk', pick('21-mariner', '17-distroless'), library=False, reg='mcr.microsoft.com/')}")
    else:
        out.append(f"{kw('FROM')} {ref('amazoncorretto', pick('21-al2023-headless', '17'))}")
    out.append(f"{kw('COPY')} --from=build {jar} /app/app.jar")
    out += final_user()
    out.append(f'{kw("ENTRYPOINT")} ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]')
    return out


def arg_driven():
    out = header()
    style = rng.randrange(6)
    if style == 0:
        out.append(f"{kw('ARG')} BASE_IMAGE={ref('debian', 'bookworm-slim')}")
        out.append(f"{kw('FROM')} ${{BASE_IMAGE}}")
    elif style == 1:
        out.append(f"{kw('ARG')} REGISTRY")
        out.append(f"{kw('FROM')} ${{REGISTRY:-docker.io}}/library/{pick('alpine:3.20', 'nginx:1.27', 'redis:7.4', 'postgres:16')}")
    elif style == 2:
        out.append(f"{kw('ARG')} GO_VERSION={pick('1.22', '1.23')}")
        out.append(f"{kw('ARG')} ALPINE_VERSION={pick('3.20', '3.21')}")
        out.append(f"{kw('FROM')} golang:${{GO_VERSION}}-alpine${{ALPINE_VERSION}}{as_('build')}")
        out.append(f"{kw('RUN')} go version")
        out.append(f"{kw('FROM')} alpine:${{ALPINE_VERSION}}")
        out.append(f"{kw('ARG')} ALPINE_VERSION")
        out.append(f"{kw('RUN')} echo \"alpine ${{ALPINE_VERSION}}\"")
        out.append(f"{kw('COPY')} --from=build /usr/local/go/bin/go /usr/local/bin/go")
    elif style == 3:
        out.append(f"{kw('ARG')} BASE={pick('ubuntu', 'alpine', 'ubuntu:24.04', 'alpine:latest')}")
        out.append(f"{kw('FROM')} $BASE")
    elif style == 4:
        # An ARG with no default: only --build-arg gives it a value.
        out.append(f"{kw('ARG')} RUNTIME_IMAGE")
        out.append(f"{kw('ARG')} TAG={pick('1.0.3', 'stable')}")
        out.append(f"{kw('FROM')} ${{RUNTIME_IMAGE}}:${{TAG}}")
    else:
        out.append(f"{kw('ARG')} DEBIAN_TAG={pick('12-slim', 'bookworm')}")
        out.append(f"{kw('ARG')} DIGEST={digest('debian-arg')}")
        out.append(f"{kw('FROM')} debian:${{DEBIAN_TAG}}@${{DIGEST}}{as_('base')}")
        out.append(f"{kw('ARG')} DEBIAN_TAG")
        out.append(f"{kw('ENV')} DEBIAN_TAG=${{DEBIAN_TAG}}")
        out.append(f"{kw('FROM')} base")
    out.append(f"{kw('RUN')} echo building")
    out += final_user()
    out.append(f'{kw("CMD")} ["sh"]')
    return out


def windows():
    out = []
    out.append("# escape=`")
    base = ref("windows/servercore", pick("ltsc2022", "ltsc2019"), library=False, reg="mcr.microsoft.com/")
    out.append(f"{kw('FROM')} {base}{as_('build')}")
    out.append(f'{kw("SHELL")} ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]')
    out.append(f"{kw('RUN')} Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile tool.zip; `")
    out.append("    Expand-Archive tool.zip -DestinationPath C:\\tool; `")
    out.append("    Remove-Item tool.zip")
    out.append(f"{kw('FROM')} {ref('windows/nanoserver', pick('ltsc2022', '1809'), library=False, reg='mcr.microsoft.com/')}")
    out.append(f"{kw('COPY')} --from=build C:\\tool C:\\tool")
    out.append(f"{kw('USER')} {pick('ContainerUser', 'ContainerAdministrator')}")
    out.append(f'{kw("ENTRYPOINT")} ["C:\\\\tool\\\\tool.exe"]')
    return out


def heredocs():
    out = ["# syntax=docker/dockerfile:1"]
    out.append(f"{kw('FROM')} {ref('alpine', '3.20')}")
    # hadolint 2.15 mis-parses a heredoc followed directly by an instruction, `<<-` and
    # several heredocs in one instruction; BuildKit reads them all.
    tight = chance(0.4)
    out.append(f"{kw('RUN')} <<EOF")
    out.append("apk add --no-cache nginx")
    out.append("mkdir -p /run/nginx")
    out.append("EOF")
    if not tight:
        out.append("")
    if chance(0.5):
        out.append(f"{kw('COPY')} <<conf <<page /etc/nginx/")
        out.append("server { listen 8080; root /srv; }")
        out.append("conf")
        out.append("<h1>hello</h1>")
        out.append("page")
    else:
        out.append(f"{kw('COPY')} <<EOF /etc/nginx/http.d/default.conf")
        out.append("server { listen 8080; root /srv; }")
        out.append("EOF")
    if not tight:
        out.append("")
    if chance(0.3):
        out.append(f"{kw('RUN')} <<-EOT sh")
        out.append("\tset -e")
        out.append("\tnginx -t")
        out.append("\tEOT")
        out.append("")
    out += final_user()
    out.append(f'{kw("CMD")} ["nginx", "-g", "daemon off;"]')
    return out


def tools():
    """Images used only through COPY --from and RUN --mount from=."""
    out = header()
    out.append(f"{kw('FROM')} {ref('debian', 'bookworm-slim')}")
    for img, src, dst in rng.sample([
        (ref("busybox", "1.36"), "/bin/busybox", "/usr/local/bin/busybox"),
        (ref("hadolint/hadolint", "2.12.0", library=False), "/bin/hadolint", "/usr/local/bin/"),
        (ref("docker/buildx-bin", "0.18", library=False), "/buildx", "/usr/libexec/docker/cli-plugins/docker-buildx"),
        (ref("aquasec/trivy", "0.57.0", library=False), "/usr/local/bin/trivy", "/usr/local/bin/trivy"),
        (ref("tonistiigi/xx", "1.5.0", library=False), "/", "/"),
    ], 2):
        out.append(f"{kw('COPY')} --from={img} {src} {dst}")
    mount = ref("golangci/golangci-lint", pick("v1.62", "v1.61.0"), library=False)
    out.append(f"{kw('RUN')} --mount=type=bind,from={mount},source=/usr/bin/golangci-lint,target=/usr/bin/golangci-lint \\")
    out.append("    golangci-lint --version")
    if chance(0.5):
        cache = ref("node", "22-alpine")
        out.append(f"{kw('RUN')} --mount=type=cache,from={cache},source=/usr/local/lib/node_modules,target=/cache \\")
        out.append("    ls /cache")
    out += final_user()
    return out


def onbuild():
    out = header()
    out.append(f"{kw('FROM')} {ref(pick('python', 'node', 'ruby'), pick('3.12', '22', '3.3'))}")
    out.append(f"{kw('WORKDIR')} /usr/src/app")
    out.append(f"{kw('ONBUILD')} COPY . /usr/src/app")
    out.append(f"{kw('ONBUILD')} RUN make install")
    if chance(0.5):
        out.append(f"{kw('ONBUILD')} USER root")
    out += final_user()
    return out


def stage_chain():
    """Stages built FROM stages: the final stage inherits its USER through them."""
    out = header()
    out.append(f"{kw('FROM')} {ref('ubuntu', '24.04')}{as_('base')}")
    out.append(f"{kw('RUN')} useradd -u 10001 app")
    if chance(0.5):
        out.append(f"{kw('USER')} {pick('app', 'root', '10001', '0')}")
    out.append(f"{kw('FROM')} base{as_('dev')}")
    out.append(f"{kw('RUN')} echo dev tools")
    if chance(0.3):
        out.append(f"{kw('USER')} root")
    out.append(f"{kw('FROM')} {pick('base', 'base', 'dev')}{as_('release')}")
    out.append(f"{kw('COPY')} --from=dev /etc/hostname /tmp/")
    if chance(0.4):
        out += final_user()
    out.append(f'{kw("CMD")} ["bash"]')
    return out


def edge():
    """Less common but valid spellings: a registry with a port and no tag, the old
    index.docker.io name of Docker Hub, localhost as a registry, a stage declared in capitals."""
    out = header()
    r = rng.randrange(4)
    if r == 0:
        out.append(f"{kw('FROM')} localhost:5000/{pick('base', 'acme/base', 'ci/runner')}")
    elif r == 1:
        out.append(f"{kw('FROM')} index.docker.io/library/{pick('alpine:3.20', 'debian:12', 'nginx:1.27')}")
    elif r == 2:
        out.append(f"{kw('FROM')} localhost/{pick('base:1', 'acme/base:2.0')}")
    else:
        # BuildKit lower-cases stage names: FROM builder names the stage declared AS Builder.
        out.append(f"{kw('FROM')} {ref('golang', '1.23')}{as_(pick('Builder', 'BUILDER'))}")
        out.append(f"{kw('RUN')} go build -o /app .")
        out.append(f"{kw('FROM')} builder")
        out.append(f"{kw('COPY')} --from={pick('Builder', 'BUILDER', 'builder')} /app /app")
    out.append(f"{kw('RUN')} echo ok")
    out += final_user()
    return out


FAMILIES = [
    ("official", official, 50),
    ("go", go, 45),
    ("rust", rust, 25),
    ("node", node, 35),
    ("python", python, 35),
    ("java", java, 25),
    ("args", arg_driven, 30),
    ("windows", windows, 10),
    ("heredoc", heredocs, 15),
    ("tools", tools, 15),
    ("onbuild", onbuild, 10),
    ("chain", stage_chain, 20),
    ("edge", edge, 8),
]

LOWER = False


def main():
    global LOWER
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".Dockerfile"):
            os.remove(os.path.join(OUT, f))
    n = 0
    for name, make, count in FAMILIES:
        for _ in range(count):
            n += 1
            LOWER = chance(0.06)
            text = "\n".join(make()) + "\n"
            with open(os.path.join(OUT, f"{n:03d}-{name}.Dockerfile"), "w", newline="\n") as fh:
                fh.write(text)
    print(f"wrote {n} Dockerfiles to {OUT}")


main()
