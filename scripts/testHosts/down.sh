#!/usr/bin/env bash
# Stops the test hosts started by up.sh and removes their bridges, firewall rules and state. Touches only what
# up.sh made: daemons with pid files under /run/graphium-test, bridges gbrN, the GRAPHIUM-TEST chain and rules
# naming the test networks (172.30.0.0/15); a system Docker daemon next to them is left alone.
set -uo pipefail

RUN_DIR=/run/graphium-test
STATE_DIR=/var/lib/graphium-test

log() { echo "testHosts: $*" >&2; }

[[ $(id -u) -eq 0 ]] || {
  echo "testHosts: must run as root" >&2
  exit 1
}

mkdir -p "$RUN_DIR"
exec 9>"$RUN_DIR/.lock"
flock 9

DOCKER_CLI=/usr/bin/docker
[[ -x $DOCKER_CLI ]] || DOCKER_CLI=$(command -v docker || echo docker)

for pidfile in "$RUN_DIR"/d*.pid; do
  [[ -e $pidfile ]] || continue
  name=$(basename "$pidfile" .pid)
  pid=$(cat "$pidfile" 2>/dev/null || true)
  sock="unix://$RUN_DIR/$name.sock"
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    # Let Docker undo its own work (container port rules, network bridges) before the daemon goes.
    ids=$(timeout 10 "$DOCKER_CLI" -H "$sock" ps -aq 2>/dev/null || true)
    [[ -n $ids ]] && timeout 60 "$DOCKER_CLI" -H "$sock" rm -f $ids >/dev/null 2>&1
    timeout 20 "$DOCKER_CLI" -H "$sock" network prune -f >/dev/null 2>&1
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
done

# Bridges: ours (gbrN) and any network bridge a test daemon left behind on the test networks.
for br in $(ip -o link show type bridge | awk -F': ' '{print $2}' | cut -d@ -f1); do
  if [[ $br =~ ^gbr[0-9]+$ ]] || ip -4 -o addr show dev "$br" | grep -q ' inet 172\.3[01]\.'; then
    ip link delete "$br" 2>/dev/null && log "removed bridge $br"
  fi
done

# Firewall: our chain, then any rule left naming our bridges or networks.
iptables -D DOCKER-USER -j GRAPHIUM-TEST 2>/dev/null
iptables -F GRAPHIUM-TEST 2>/dev/null && iptables -X GRAPHIUM-TEST 2>/dev/null
for table in filter nat; do
  iptables -t "$table" -S 2>/dev/null | grep -E -- '-A .*(gbr[0-9]+|172\.3[01]\.)' | while read -r rule; do
    # shellcheck disable=SC2086 # the rule is a list of words as iptables printed it
    iptables -t "$table" ${rule/-A/-D} 2>/dev/null
  done
done

# State: unmount anything a killed daemon left mounted, then remove it.
grep -E " ($STATE_DIR|$RUN_DIR)/" /proc/mounts | awk '{print $2}' | sort -r | while read -r mount; do
  umount -l "$mount" 2>/dev/null
done
rm -rf "$STATE_DIR" "$RUN_DIR"
log "down"
