#!/usr/bin/env bash
# Install what the image and docs tests need on a fresh Debian bookworm runner (as root).
# Idempotent: packages already installed are left alone. Assumes `apt-get update` already ran.
#
#   buildah            builds the test images (vfs storage, chroot isolation: no daemon, no cgroups)
#   podman             the second builder backend (builds here; runs containers where the kernel allows)
#   docker-registry    Debian's distribution 2.x registry, started on loopback by the tests
#   debootstrap        makes the tests' Debian base image (cached under ~/.cache/releasekit-tests)
#   debian-archive-keyring  lets debootstrap verify bookworm
#   uidmap, crun, slirp4netns, containernetworking-plugins, golang-github-containers-common
#                      runtime pieces and /etc/containers policy files buildah/podman expect
#   git, ca-certificates    the docs tests publish to bare git remotes
#   chromium           the HTML report's tests open it headless (playwright drives this one)
#   zip                the secret scan's tests make a password-protected zip with it
set -euo pipefail

packages=(
  buildah
  podman
  docker-registry
  debootstrap
  debian-archive-keyring
  uidmap
  crun
  slirp4netns
  containernetworking-plugins
  golang-github-containers-common
  git
  ca-certificates
  chromium
  gettext
  zip
)

if [[ ${EUID} -ne 0 ]]; then
  echo "image-setup.sh: run as root (it installs Debian packages)" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("${package}")
  fi
done

if ((${#missing[@]})); then
  echo "image-setup.sh: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "image-setup.sh: everything is installed already"
fi

# The Debian package may start a registry on :5000 through systemd; the tests start their own on
# a free loopback port, so the system one is not needed (and is left alone if it is running).

buildah --version
podman --version
docker-registry --version
debootstrap --version
