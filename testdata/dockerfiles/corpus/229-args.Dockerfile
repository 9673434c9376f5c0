arg DEBIAN_TAG=12-slim
arg DIGEST=sha256:7fb3645d5399f927a95d0bd51f58c19a1ba2bf01d8cec1b52c6fbfa99ee22c56
from debian:${DEBIAN_TAG}@${DIGEST} AS base
arg DEBIAN_TAG
env DEBIAN_TAG=${DEBIAN_TAG}
from base
run echo building
cmd ["sh"]
