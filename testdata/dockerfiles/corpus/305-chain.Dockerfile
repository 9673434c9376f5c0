from ubuntu AS base
run useradd -u 10001 app
from base AS dev
run echo dev tools
from base as release
copy --from=dev /etc/hostname /tmp/
cmd ["bash"]
