#!/bin/sh
# Last provisioner of the image (packer/fieldops.pkr.hcl), also run by
# scripts/check-deploy/appliance.sh before it boots its rootfs: removes everything that must be
# unique per clone. SSH host keys are NOT regenerated here: fieldops-ssh-hostkeys.service creates
# them on each clone's first boot; systemd creates a new machine-id from the empty file.
set -eu
apt-get clean
rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*
rm -f /etc/ssh/ssh_host_*
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id
if command -v cloud-init >/dev/null; then cloud-init clean --logs; fi
# the build logged in as root with a password (preseed): back to keys only, root password locked
sed -i 's/^PermitRootLogin .*/#&/' /etc/ssh/sshd_config
passwd -l root
sync
