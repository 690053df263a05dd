#!/usr/bin/env bash
# Real Docker test hosts on one machine (DESIGN.md §11): N dockerd daemons, each acting as a separate host with
# its own socket, data root, exec root, pid file and bridge. Idempotent and fast when already up (tests call it
# on every run); concurrent callers are serialized by a lock.
#
#   scripts/testHosts/up.sh [N]        # N defaults to $GRAPHIUM_TEST_HOSTS, else 3
#
# Addressing: host N is reached at 172.31.N.1, the address of its own bridge gbrN. Each daemon publishes ports
# on that address by default (--ip), so two hosts can publish the same port, as real hosts can, and a container
# on one host reaches another host's published port at hostAddress:hostPort (cross-host wiring, DESIGN.md §7).
# Nothing listens on the machine's external interface.
#
# Firewall: only host 1 manages iptables. Every dockerd with iptables enabled flushes the shared DOCKER chains
# when it starts, wiping the port rules of the daemons already running; with one manager that cannot happen.
# The other daemons' published ports are served by docker-proxy. A chain of our own (GRAPHIUM-TEST, jumped to
# from DOCKER-USER) lets the test networks (172.30.0.0/15) reach each other across bridges, which Docker's
# isolation rules would drop, and keeps their containers from sending anything anywhere else.
#
# Prints a JSON summary on stdout (also written to $RUN_DIR/hosts.json and hosts.env); progress goes to stderr.
set -euo pipefail

COUNT="${1:-${GRAPHIUM_TEST_HOSTS:-3}}"
RUN_DIR=/run/graphium-test
STATE_DIR=/var/lib/graphium-test
# Bump when the image contents change, so daemons that are already up re-import.
IMAGE_REV=3
TEST_NETS=172.30.0.0/15

log() { echo "testHosts: $*" >&2; }
die() {
  echo "testHosts: $*" >&2
  exit 1
}

[[ "$COUNT" =~ ^[0-9]+$ ]] && ((COUNT >= 1 && COUNT <= 15)) || die "host count must be 1..15, got '$COUNT'"

if [[ $(id -u) -ne 0 ]]; then
  die "must run as root (it starts dockerd daemons and creates bridges). Run: sudo $0 $COUNT
  — or install Docker yourself and point the tests at it."
fi

mkdir -p "$RUN_DIR" "$STATE_DIR"
exec 9>"$RUN_DIR/.lock"
flock 9

# ---------------------------------------------------------------------------------------------------------
# Packages: dockerd from Debian's docker.io, a static busybox to build images from (no registry reachable),
# and what other test tiers need from Debian (chromium, docker-compose).

busybox_is_static() {
  [[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1
}

ensure_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  busybox_is_static || missing+=(busybox-static)
  command -v iptables >/dev/null || missing+=(iptables)
  # Not for the daemons: the browser tests drive Debian's chromium, and the top-level docker-compose.yml
  # is validated with docker-compose.
  command -v chromium >/dev/null || missing+=(chromium)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null ||
    die "missing ${missing[*]} and no apt-get here: install Docker (dockerd) and a static busybox, then rerun."
  log "installing ${missing[*]} with apt-get"
  apt-get update -qq >&2 || die "apt-get update failed: cannot install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 ||
    die "apt-get install ${missing[*]} failed"
  busybox_is_static || die "/bin/busybox is not the static one (package busybox-static)"
}

DOCKER_CLI=
pick_docker_cli() {
  # Debian's client matches its daemon; any other docker client on PATH negotiates the API version.
  if [[ -x /usr/bin/docker ]]; then DOCKER_CLI=/usr/bin/docker; else DOCKER_CLI=$(command -v docker) || die "no docker client"; fi
}

dk() {
  local n=$1
  shift
  "$DOCKER_CLI" -H "unix://$RUN_DIR/d$n.sock" "$@"
}

answers() { timeout 5 "$DOCKER_CLI" -H "unix://$RUN_DIR/d$1.sock" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# ---------------------------------------------------------------------------------------------------------
# Hosts

ensure_bridge() {
  local n=$1 br="gbr$1" addr="172.31.$1.1/24"
  ip link show "$br" >/dev/null 2>&1 || ip link add name "$br" type bridge
  ip -4 addr show dev "$br" | grep -q "inet $addr" || ip addr add "$addr" dev "$br"
  ip link set "$br" up
}

start_daemon() {
  local n=$1 pidfile="$RUN_DIR/d$1.pid"
  if [[ -s $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    return 0 # running, maybe still starting: wait_daemon decides
  fi
  rm -f "$pidfile" "$RUN_DIR/d$n.sock"
  mkdir -p "$STATE_DIR/d$n"
  local iptables=false
  ((n == 1)) && iptables=true
  log "starting dockerd d$n (bridge gbr$n, address 172.31.$n.1)"
  # setsid + redirections: the daemon outlives this script and holds neither the caller's pipes nor our lock.
  setsid dockerd \
    --host "unix://$RUN_DIR/d$n.sock" \
    --data-root "$STATE_DIR/d$n/data" \
    --exec-root "$RUN_DIR/d$n" \
    --pidfile "$pidfile" \
    --bridge "gbr$n" \
    --ip "172.31.$n.1" \
    --iptables="$iptables" \
    --ip-masq="$iptables" \
    --default-address-pool "base=172.30.$((n * 16)).0/20,size=24" \
    --containerd-namespace "graphium-d$n" \
    --containerd-plugins-namespace "graphium-d$n-plugins" \
    --log-level warn \
    >"$STATE_DIR/d$n.log" 2>&1 </dev/null 9>&- &
}

wait_daemon() {
  local n=$1
  for _ in $(seq 1 120); do
    answers "$n" && return 0
    sleep 0.5
  done
  tail -n 30 "$STATE_DIR/d$n.log" >&2 || true
  die "dockerd d$n did not answer on $RUN_DIR/d$n.sock within 60 s (log: $STATE_DIR/d$n.log)"
}

ensure_firewall() {
  # DOCKER-USER exists once host 1 (the iptables manager) has started.
  iptables -n -L GRAPHIUM-TEST >/dev/null 2>&1 || iptables -N GRAPHIUM-TEST
  iptables -C GRAPHIUM-TEST -s "$TEST_NETS" -d "$TEST_NETS" -j ACCEPT 2>/dev/null ||
    iptables -A GRAPHIUM-TEST -s "$TEST_NETS" -d "$TEST_NETS" -j ACCEPT
  iptables -C GRAPHIUM-TEST -s "$TEST_NETS" -j DROP 2>/dev/null || iptables -A GRAPHIUM-TEST -s "$TEST_NETS" -j DROP
  iptables -C DOCKER-USER -j GRAPHIUM-TEST 2>/dev/null || iptables -I DOCKER-USER 1 -j GRAPHIUM-TEST
}

# ---------------------------------------------------------------------------------------------------------
# Images: `docker import` of a folder holding the static busybox with every applet linked.

ROOTFS=
image_version() {
  echo "$IMAGE_REV-$(sha256sum /bin/busybox | cut -c1-16)"
}

build_rootfs() {
  local version=$1
  ROOTFS="$STATE_DIR/rootfs-$version"
  [[ -f $ROOTFS/.complete ]] && return 0
  rm -rf "$ROOTFS"
  mkdir -p "$ROOTFS"/{bin,etc,www,tmp,root,var/www}
  chmod 1777 "$ROOTFS/tmp"
  cp /bin/busybox "$ROOTFS/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$ROOTFS/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$ROOTFS/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOTFS/etc/group"
  echo '<!doctype html><title>graphium test</title><h1>graphium test nginx</h1>' >"$ROOTFS/www/index.html"
  touch "$ROOTFS/.complete"
}

image_label() { dk "$1" image inspect -f '{{index .Config.Labels "graphium.test-image"}}' "$2" 2>/dev/null || true; }

ensure_images() {
  local n=$1 version=$2
  if [[ $(image_label "$n" busybox:latest) != "$version" ]]; then
    tar -C "$ROOTFS" --exclude ./.complete -c . |
      dk "$n" import --change 'ENV PATH=/bin' --change 'CMD ["sh"]' \
        --change "LABEL graphium.test-image=$version" - busybox:latest >/dev/null
  fi
  if [[ $(image_label "$n" nginx:alpine) != "$version" ]]; then
    # Not nginx: busybox httpd serving /www on port 80, which is all the stacks need from nginx:alpine. As PID 1
    # it ignores SIGTERM, so `docker stop` waits its full timeout (`docker import` cannot set STOPSIGNAL).
    tar -C "$ROOTFS" --exclude ./.complete -c . |
      dk "$n" import --change 'ENV PATH=/bin' --change 'EXPOSE 80' --change 'WORKDIR /www' \
        --change 'CMD ["httpd","-f","-p","80","-h","/www"]' \
        --change "LABEL graphium.test-image=$version" - nginx:alpine >/dev/null
  fi
}

# ---------------------------------------------------------------------------------------------------------
# Summary

write_summary() {
  local n json="" env="GRAPHIUM_TEST_HOST_COUNT=$COUNT"$'\n'
  for n in $(seq 1 "$COUNT"); do
    [[ -n $json ]] && json+=","
    json+="{\"name\":\"d$n\",\"dockerHost\":\"unix://$RUN_DIR/d$n.sock\",\"socketPath\":\"$RUN_DIR/d$n.sock\","
    json+="\"address\":\"172.31.$n.1\",\"bridge\":\"gbr$n\",\"dataRoot\":\"$STATE_DIR/d$n/data\","
    json+="\"pid\":$(cat "$RUN_DIR/d$n.pid")}"
    env+="GRAPHIUM_TEST_HOST_${n}_DOCKER_HOST=unix://$RUN_DIR/d$n.sock"$'\n'
    env+="GRAPHIUM_TEST_HOST_${n}_ADDRESS=172.31.$n.1"$'\n'
  done
  local summary="{\"hosts\":[$json],\"images\":[\"busybox:latest\",\"nginx:alpine\"],\"imageVersion\":\"$(image_version)\"}"
  printf '%s\n' "$summary" >"$RUN_DIR/hosts.json.tmp" && mv "$RUN_DIR/hosts.json.tmp" "$RUN_DIR/hosts.json"
  printf '%s' "$env" >"$RUN_DIR/hosts.env"
  printf '%s\n' "$summary"
}

# ---------------------------------------------------------------------------------------------------------

ensure_packages
pick_docker_cli
version=$(image_version)
build_rootfs "$version"

# Host 1 first: it owns the iptables chains the others' traffic passes through.
for n in $(seq 1 "$COUNT"); do ensure_bridge "$n"; done
start_daemon 1
wait_daemon 1
ensure_firewall
for n in $(seq 2 "$COUNT"); do start_daemon "$n"; done
for n in $(seq 2 "$COUNT"); do wait_daemon "$n"; done
imports=()
for n in $(seq 1 "$COUNT"); do
  ensure_images "$n" "$version" &
  imports+=($!)
done
# Only the imports: a bare `wait` would also wait for the daemons started above.
for pid in "${imports[@]}"; do wait "$pid" || true; done
for n in $(seq 1 "$COUNT"); do
  [[ $(image_label "$n" nginx:alpine) == "$version" && $(image_label "$n" busybox:latest) == "$version" ]] ||
    die "images missing on d$n after import"
done
write_summary
