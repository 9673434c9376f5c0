# check=skip=JSONArgsRecommended
from ubuntu:24.04@sha256:a2801be96ab24dab4bcd4f3f73bb2791c3af7dfbc9bd95c8fe8b8be31b4276cb AS base
run useradd -u 10001 app
from base AS dev
run echo dev tools
from dev AS release
copy --from=dev /etc/hostname /tmp/
cmd ["bash"]
