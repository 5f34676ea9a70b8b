#!/usr/bin/env bash
# First boot of the Packer appliance, simulated on this machine (check-deploy group "appliance"):
#   1. a Debian 12 rootfs (debootstrap minbase, then packer/scripts/base.sh as the first Packer
#      provisioner runs it), cached as a tarball under .cache/check-deploy/appliance/ keyed by its
#      inputs (cold: ~1 min and ~120 MB of downloads; warm: extraction only);
#   2. the Ansible role applied to it as Packer's ansible provisioner does (site.yml, the
#      --extra-vars of packer/fieldops.pkr.hcl read from the template itself), through a chroot
#      connection instead of SSH; then packer/scripts/seal.sh, the last provisioner;
#   3. cloud-init simulated: its write_files of /etc/fieldops/firstboot.env (cloud-init itself is not
#      installed in this rootfs);
#   4. a real boot of the rootfs with systemd as PID 1 (systemd-nspawn -b, no qemu, no kernel or
#      bootloader of its own) in a private network namespace joined to this host by a veth pair
#      (10.213.7.1 <-> 10.213.7.2, nothing else routed);
#   5. from the host, through the appliance's firewall: curl on port 80 answers, SSH answers with the
#      host key generated at this boot, port 8090 is dropped (nftables loaded at boot); the server
#      runs as the fieldops user with CAP_NET_BIND_SERVICE as its only capability; the super-admin
#      was created, its one-time password is on the console and in a root-only file, not in the
#      journal.
# Needs root, debootstrap, systemd-nspawn (systemd-container), iproute2, ssh-keyscan, and bin/fieldops.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE="$ROOT/.cache/check-deploy/appliance"
BIN="$ROOT/bin/fieldops"
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PKGS=systemd,systemd-sysv,dbus,python3,ca-certificates,iproute2,procps
NS=fieldops-appliance HOST_IF=fo-appl-h GUEST_IF=fo-appl-g HOST_IP=10.213.7.1 GUEST_IP=10.213.7.2
DOMAIN=appliance.test
mkdir -p "$CACHE"
t0=$(date +%s)
step() { echo "[$(( $(date +%s) - t0 ))s] $*"; }

# 1. the base image (cached)
key=$( { echo "$PKGS $MIRROR"; cat "$ROOT/packer/scripts/base.sh"; } | sha256sum | cut -c1-16)
IMG="$CACHE/rootfs-bookworm-$key.tar"
if [ ! -s "$IMG" ]; then
  step "building the base rootfs (debootstrap + packer/scripts/base.sh) into $IMG"
  rm -rf "$CACHE/build" && mkdir -p "$CACHE/build"
  debootstrap --variant=minbase --include="$PKGS" bookworm "$CACHE/build/root" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 ||
    { tail -n 20 "$CACHE/debootstrap.log"; exit 1; }
  cp "$ROOT/packer/scripts/base.sh" "$CACHE/build/root/tmp/base.sh"
  chroot "$CACHE/build/root" sh /tmp/base.sh
  rm -f "$CACHE/build/root/tmp/base.sh"
  rm -f "$CACHE"/rootfs-bookworm-*.tar
  tar -C "$CACHE/build/root" -cf "$IMG.tmp" . && mv "$IMG.tmp" "$IMG" && rm -rf "$CACHE/build"
fi

RUN="$CACHE/run" R="$CACHE/run/root"
nspawn_pid=""
cleanup() {
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid"
    for _ in $(seq 1 60); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$nspawn_pid" 2>/dev/null && kill -KILL "$nspawn_pid"
  fi
  mountpoint -q "$R/proc" 2>/dev/null && umount "$R/proc"
  ip link del "$HOST_IF" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
rm -rf "$RUN" && mkdir -p "$R"
step "extracting the base rootfs"
tar -C "$R" -xf "$IMG"

# 2. the Ansible role, as Packer's provisioner applies it (its --extra-vars read from the template)
mapfile -t packer_vars < <(python3 - "$ROOT/packer/fieldops.pkr.hcl" <<'PY'
import json, re, sys
src = open(sys.argv[1]).read()
block = re.search(r'ansible_extra\s*=\s*\[(.*?)\n  \]', src, re.S).group(1)
args = [json.loads('"' + s + '"') for s in re.findall(r'"((?:[^"\\]|\\.)*)"', block)]
for flag, value in zip(args[0::2], args[1::2]):
    assert flag == "--extra-vars", flag
    if not value.startswith(("fieldops_binary_src=", "fieldops_version=")):
        print(value)
PY
)
printf '%s\n' "all:" "  children:" "    fieldops:" "      hosts:" "        appliance:" \
  "          ansible_connection: community.general.chroot" "          ansible_host: $R" \
  "          ansible_python_interpreter: /usr/bin/python3" "          ansible_become: false" > "$RUN/inventory.yml"
extra=()
for v in "${packer_vars[@]}"; do extra+=(--extra-vars "$v"); done
# systemctl in the chroot (no systemd running there; Packer's build VM has one): enable/disable act on
# the unit files, daemon-reload/start are "ignored in chroot" (SYSTEMD_OFFLINE, inherited by the
# chroot connection); it needs /proc to know it is in a chroot.
mount -t proc proc "$R/proc"
step "ansible-playbook site.yml into the rootfs (Packer's extra vars: ${packer_vars[*]})"
(cd "$ROOT/ansible" && SYSTEMD_OFFLINE=1 ANSIBLE_CONFIG="$ROOT/ansible/ansible.cfg" ansible-playbook -i "$RUN/inventory.yml" site.yml \
  "${extra[@]}" --extra-vars "fieldops_binary_src=$BIN" --extra-vars fieldops_version=0.0.0-appliance) > "$RUN/ansible.log" 2>&1 ||
  { umount "$R/proc"; tail -n 40 "$RUN/ansible.log"; exit 1; }
umount "$R/proc"
grep -E '^appliance +:' "$RUN/ansible.log"
step "packer/scripts/seal.sh in the rootfs"
cp "$ROOT/packer/scripts/seal.sh" "$R/root/seal.sh" && chroot "$R" sh /root/seal.sh >/dev/null && rm "$R/root/seal.sh"
ls "$R"/etc/ssh/ssh_host_* >/dev/null 2>&1 && { echo "FAIL: the sealed image still has SSH host keys"; exit 1; }

# 3. cloud-init's part (user data: write_files /etc/fieldops/firstboot.env), a persistent journal
install -m 0600 /dev/null "$R/etc/fieldops/firstboot.env"
cat > "$R/etc/fieldops/firstboot.env" <<ENV
FIELDOPS_DOMAIN=$DOMAIN
FIELDOPS_TLS=internal
FIELDOPS_ADMIN_EMAIL=it@$DOMAIN
TENANT_NAME="Durand BTP"
TENANT_SLUG=durand
TENANT_SECTOR=btp
TENANT_ADMIN_EMAIL=chef@$DOMAIN
ENV
mkdir -p "$R/var/log/journal"

# 4. boot it: systemd as PID 1 in its own network namespace, a veth pair to this host
ip netns add "$NS"
ip link add "$HOST_IF" type veth peer name "$GUEST_IF"
ip link set "$GUEST_IF" netns "$NS"
ip addr add "$HOST_IP/30" dev "$HOST_IF" && ip link set "$HOST_IF" up
ip netns exec "$NS" ip addr add "$GUEST_IP/30" dev "$GUEST_IF"
ip netns exec "$NS" ip link set "$GUEST_IF" up
ip netns exec "$NS" ip link set lo up
step "booting (systemd-nspawn -b)"
systemd-nspawn -q -D "$R" --register=no --keep-unit --network-namespace-path="/run/netns/$NS" \
  --capability=CAP_NET_ADMIN --hostname=fieldops -b > "$RUN/console.log" 2>&1 < /dev/null &
nspawn_pid=$!

# 5. from the host
ok=0
for _ in $(seq 1 60); do
  code=$(curl -s -o "$RUN/healthz" -w '%{http_code}' --max-time 2 "http://$GUEST_IP/healthz" || true)
  [ "$code" = 200 ] && { ok=1; break; }
  kill -0 "$nspawn_pid" 2>/dev/null || break
  sleep 1
done
[ $ok = 1 ] || { echo "FAIL: no answer on http://$GUEST_IP:80/healthz"; sed 's/\x1b\[[0-9;]*m//g' "$RUN/console.log" | tail -n 40; exit 1; }
step "curl http://$GUEST_IP:80/healthz -> 200 $(head -c 80 "$RUN/healthz")"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Host: durand.$DOMAIN" "http://$GUEST_IP/login")
echo "curl -H 'Host: durand.$DOMAIN' http://$GUEST_IP:80/login -> $code"
case "$code" in 200|30[1278]) ;; *) echo "FAIL: the first tenant does not answer on port 80"; exit 1 ;; esac
code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 --resolve "admin.$DOMAIN:443:$GUEST_IP" "https://admin.$DOMAIN/")
echo "curl -k https://admin.$DOMAIN/ (port 443, internal CA) -> $code"
case "$code" in 200|30[1278]) ;; *) echo "FAIL: the super-admin portal does not answer on 443"; exit 1 ;; esac

rc=0
set +e
curl -s -o /dev/null --connect-timeout 3 "http://$GUEST_IP:8090/"
rc=$?
set -e
[ $rc = 28 ] || { echo "FAIL: port 8090 not dropped by the firewall (curl exit $rc, want 28: timeout)"; exit 1; }
echo "port 8090: dropped (connect timeout), nftables: $(ip netns exec "$NS" nft list tables | tr '\n' ' ')"
# captured first: grep -q exits at its match and, under pipefail, nft's SIGPIPE would fail the check
chain=$(ip netns exec "$NS" nft list chain inet fieldops input)
grep -q 'policy drop' <<<"$chain" || { echo "FAIL: fieldops table not loaded"; echo "$chain"; exit 1; }

keys=$(ssh-keyscan -T 5 -t ed25519 "$GUEST_IP" 2>/dev/null | awk '{print $3}')
if [ -z "$keys" ] || [ "$keys" != "$(awk '{print $2}' "$R/etc/ssh/ssh_host_ed25519_key.pub")" ]; then
  echo "FAIL: SSH does not answer with the host key generated at this boot"; exit 1
fi
echo "ssh: answers with the ed25519 key generated at first boot ($(ssh-keygen -lf "$R/etc/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}'))"

uid=$(awk -F: '$1 == "fieldops" {print $3}' "$R/etc/passwd")
serve=""
for p in $(ip netns pids "$NS"); do
  [ "$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" = "/usr/local/bin/fieldops serve " ] && serve=$p
done
[ -n "$serve" ] || { echo "FAIL: no fieldops serve process"; exit 1; }
puid=$(awk '/^Uid:/ {print $2}' "/proc/$serve/status")
capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$serve/status")
capamb=$(awk '/^CapAmb:/ {print $2}' "/proc/$serve/status")
echo "fieldops serve: uid $puid (fieldops = $uid), CapEff $capeff, CapAmb $capamb (0x400 = CAP_NET_BIND_SERVICE)"
if [ "$puid" != "$uid" ] || [ "$capeff" != 0000000000000400 ] || [ "$capamb" != 0000000000000400 ]; then
  echo "FAIL: serve must run as fieldops with CAP_NET_BIND_SERVICE only"; exit 1
fi

creds="$R/etc/fieldops/first-admin.json"
[ "$(stat -c '%a %U' "$creds")" = "600 root" ] || { echo "FAIL: $creds is $(stat -c '%a %U' "$creds")"; exit 1; }
pw=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' "$creds")
grep -qF "$pw" "$RUN/console.log" || { echo "FAIL: the super-admin password is not on the console"; exit 1; }
echo "super-admin it@$DOMAIN: one-time password on the console and in /etc/fieldops/first-admin.json (0600 root)"

step "shutting down"
kill -TERM "$nspawn_pid"
for _ in $(seq 1 60); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.5; done
nspawn_pid=""
journal=$(journalctl -D "$R/var/log/journal" --no-pager -o cat 2>/dev/null || true)
if grep -qF "$pw" <<<"$journal"; then
  echo "FAIL: the super-admin password is in the journal"; exit 1
fi
n=$(journalctl -D "$R/var/log/journal" --no-pager -o cat 2>/dev/null | wc -l)
[ "$n" -gt 50 ] || { echo "FAIL: the journal of the boot has only $n lines"; exit 1; }
echo "journal of the boot ($n lines): no password"
step "appliance first boot: PASS"
