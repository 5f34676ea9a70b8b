#!/bin/sh
# First provisioner of the image (packer/fieldops.pkr.hcl), also run by
# scripts/check-deploy/appliance.sh on its Debian rootfs: what the Ansible role needs on the target.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3 python3-apt sudo curl ca-certificates nftables \
  openssh-server unattended-upgrades
systemctl enable nftables.service
