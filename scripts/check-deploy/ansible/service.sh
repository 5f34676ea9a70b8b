#!/usr/bin/env bash
# Stand-in for `systemctl restart fieldops` where systemd is not PID 1 (containers, CI): starts the
# command line of the unit the role wrote (ExecStart, EnvironmentFile, User) in the background.
#   service.sh restart|stop UNIT_FILE
set -euo pipefail
action=$1 unit=$2
root=$(dirname "$(dirname "$(dirname "$(dirname "$unit")")")")   # <root>/etc/systemd/system/x.service
pidfile="$root/run/fieldops.pid"
mkdir -p "$root/run"
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$pidfile"
fi
[ "$action" = stop ] && exit 0
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
group=$(sed -n 's/^Group=//p' "$unit")
workdir=$(sed -n 's/^WorkingDirectory=//p' "$unit")
set -a
while read -r f; do
  case "$f" in -*) f=${f#-}; [ -r "$f" ] || continue ;; esac
  # shellcheck disable=SC1090
  . "$f"
done < <(sed -n 's/^EnvironmentFile=//p' "$unit")
set +a
cd "$workdir"
# shellcheck disable=SC2086 # ExecStart is a command line
setsid setpriv --reuid="$user" --regid="$group" --init-groups -- $exec_start >> "$root/var/log/fieldops/serve.log" 2>&1 < /dev/null &
echo $! > "$pidfile"
