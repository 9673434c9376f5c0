from registry.example.com/mirror/ubuntu:24.04@sha256:ae243f1850817a053255b022679f1fc657e3e71a1871bb3e324c75f3413e90e5 AS base
run useradd -u 10001 app
user root
from base AS dev
run echo dev tools
from dev AS release
copy --from=dev /etc/hostname /tmp/
cmd ["bash"]
