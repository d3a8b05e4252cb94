#!/usr/bin/env bash
# A real, shaped network on this machine for an MPI job (docs/emulated-cluster.md):
# one network namespace per device, each joined to a bridge by a veth pair
# whose two directions are shaped with tc tbf (this kernel has no netem, so no
# added delay: a message's latency is the TCP stack's own), and a head
# namespace (unshaped) where mpirun runs. mpirun starts its daemons through
# netns_rsh.sh, MPI talks TCP on the bridge subnet only, and everything is torn
# down on exit, failure or interrupt.
#
#   namespace  <P>-sw:   br0 ── p0 ── p1 ── ... ── pN-1 ── ph        (downlinks: tbf on pK)
#                              │      │               │      │
#   <P>-d0 .. <P>-dN-1:  eth0 10.250.0.(K+1)/24   (uplinks: tbf on eth0)
#   <P>-head:            eth0 10.250.0.254/24, runs mpirun
#
# Usage:
#   shaped_mpirun.sh [--rate RATE[,RATE...]] [--np N] [--burst BYTES] [--limit BYTES]
#                    [--mca-extra "ARGS"] -- PROGRAM [ARGS...]
#       RATE as tc writes it (100mbit, 10mbit, 1gbit): one for every device, or
#       one per device (then N is their count; default N = 4, RATE = 100mbit).
#       Rank K runs in <P>-dK. Prints the namespaces' set-up on stderr; the exit
#       status is mpirun's (1 for bad usage, no root or a failed set-up).
#   shaped_mpirun.sh --cleanup
#       removes namespaces a killed run left behind (edgeflow-net-PID-* whose
#       PID is gone).
# Needs root, ip and tc (iproute2); ethtool, when present, turns off the veth
# offloads so that tbf sees wire-sized packets.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix_base=edgeflow-net
subnet=10.250.0
die() { echo "shaped_mpirun.sh: error: $*" >&2; exit 1; }
log() { echo "[netns] $*" >&2; }

cleanup_stale() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
    [[ "$ns" == "$prefix_base"-* ]] || continue
    pid=${ns#"$prefix_base"-}
    pid=${pid%%-*}
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then continue; fi
    log "removing stale namespace $ns"
    remove_namespace "$ns"
  done
}

# Ends the processes inside a namespace we made (by their ids), then removes it.
remove_namespace() {
  local ns=$1 pids p
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  if [[ -n "$pids" ]]; then
    for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
    sleep 0.5
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
  fi
  ip netns del "$ns" 2>/dev/null || true
}

rates_arg=100mbit
np=""
burst=""
limit=$((16 * 1024 * 1024))
mca_extra=""
cleanup_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rate) rates_arg=${2:?--rate needs a value}; shift 2 ;;
    --np) np=${2:?--np needs a value}; shift 2 ;;
    --burst) burst=${2:?--burst needs a value}; shift 2 ;;
    --limit) limit=${2:?--limit needs a value}; shift 2 ;;
    --mca-extra) mca_extra=${2?--mca-extra needs a value}; shift 2 ;;
    --cleanup) cleanup_only=1; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

[[ "$(id -u)" -eq 0 ]] || die "needs root (it creates network namespaces, a bridge and tc qdiscs)"
for tool in ip tc awk; do command -v "$tool" >/dev/null || die "'$tool' not found (apt-get install iproute2)"; done
if ((cleanup_only)); then cleanup_stale; exit 0; fi
[[ $# -gt 0 ]] || die "no program given (usage: shaped_mpirun.sh [options] -- PROGRAM [ARGS...])"
command -v mpirun >/dev/null || die "mpirun not found (apt-get install openmpi-bin)"

IFS=, read -r -a rates <<< "$rates_arg"
if [[ -z "$np" ]]; then
  np=$(( ${#rates[@]} > 1 ? ${#rates[@]} : 4 ))
fi
[[ "$np" =~ ^[1-9][0-9]?$ ]] && ((np <= 200)) || die "--np: expected 1..200, got '$np'"
if ((${#rates[@]} == 1)); then
  for ((k = 1; k < np; ++k)); do rates+=("${rates[0]}"); done
fi
((${#rates[@]} == np)) || die "--rate: ${#rates[@]} rates for $np devices"
rate_bits() {   # tc rate text -> bit/s (integer), or nothing when malformed
  local r=${1,,} n unit
  [[ "$r" =~ ^([1-9][0-9]*)(bit|kbit|mbit|gbit)$ ]] || return 0
  n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]}
  case "$unit" in
    bit) echo "$n" ;; kbit) echo $((n * 1000)) ;; mbit) echo $((n * 1000000)) ;;
    gbit) echo $((n * 1000000000)) ;;
  esac
}
for r in "${rates[@]}"; do
  [[ -n "$(rate_bits "$r")" ]] || die "--rate: '$r' is not a rate like 100mbit, 10mbit or 1gbit"
done
[[ -z "$burst" || "$burst" =~ ^[0-9]+$ ]] || die "--burst: expected bytes, got '$burst'"
# tbf drops a packet larger than its bucket: below a full frame nothing gets through.
[[ -z "$burst" ]] || ((burst >= 1600)) || die "--burst: at least 1600 bytes (one full frame), got $burst"
[[ "$limit" =~ ^[0-9]+$ ]] || die "--limit: expected bytes, got '$limit'"

prefix="$prefix_base-$$"
namespaces=()
tmp=""
teardown() {
  local rc=$?
  trap - EXIT INT TERM
  local ns left
  for ((k = ${#namespaces[@]} - 1; k >= 0; --k)); do remove_namespace "${namespaces[k]}"; done
  [[ -n "$tmp" ]] && rm -rf "$tmp"
  left=$(ip netns list 2>/dev/null | awk -v p="$prefix-" 'index($1, p) == 1 {print $1}')
  if [[ -n "$left" ]]; then
    echo "shaped_mpirun.sh: warning: could not remove: $left" >&2
  else
    log "torn down (${#namespaces[@]} namespaces)"
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

add_ns() { ip netns add "$1"; namespaces+=("$1"); ip -n "$1" link set lo up; }
no_offloads() {   # ns dev
  command -v ethtool >/dev/null || return 0
  ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
}
shape() {   # ns dev rate
  # A test seam (selftest.sh): fail here, half-way through the set-up.
  [[ "${EDGEFLOW_NETNS_TEST_FAIL:-}" != shape ]] || { echo "injected failure" >&2; return 1; }
  local b=$burst
  if [[ -z "$b" ]]; then   # 100 us of tokens, at least one full-size packet
    b=$(( $(rate_bits "$3") / 8 / 10000 ))
    ((b >= 1600)) || b=1600
  fi
  tc -n "$1" qdisc add dev "$2" root tbf rate "$3" burst "$b" limit "$limit"
}

tmp=$(mktemp -d /tmp/edgeflow-netns.XXXXXX)
sw="$prefix-sw" head="$prefix-head"
add_ns "$sw"
ip -n "$sw" link add br0 type bridge
ip -n "$sw" link set br0 up
hosts="$tmp/hosts" map="$tmp/map"
: > "$hosts"
: > "$map"
for ((k = 0; k < np; ++k)); do
  ns="$prefix-d$k" addr="$subnet.$((k + 1))"
  add_ns "$ns"
  ip -n "$sw" link add "p$k" type veth peer name eth0 netns "$ns"
  ip -n "$sw" link set "p$k" master br0 up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  no_offloads "$ns" eth0
  no_offloads "$sw" "p$k"
  shape "$ns" eth0 "${rates[k]}"      # uplink: device -> switch
  shape "$sw" "p$k" "${rates[k]}"     # downlink: switch -> device
  echo "$addr slots=1" >> "$hosts"
  echo "$addr $ns" >> "$map"
  log "rank $k: $ns $addr, ${rates[k]} up and down"
done
add_ns "$head"
ip -n "$sw" link add ph type veth peer name eth0 netns "$head"
ip -n "$sw" link set ph master br0 up
ip -n "$head" addr add "$subnet.254/24" dev eth0
ip -n "$head" link set eth0 up
log "head: $head $subnet.254 (mpirun), bridge br0 in $sw"

mpi=(mpirun --hostfile "$hosts" -np "$np" --bind-to none
     --mca plm_rsh_agent "$here/netns_rsh.sh" --mca plm_rsh_no_tree_spawn 1
     --mca pml ob1 --mca btl self,tcp
     --mca btl_tcp_if_include "$subnet.0/24" --mca oob_tcp_if_include "$subnet.0/24"
     -x PMIX_MCA_gds -x OMP_WAIT_POLICY)
[[ -n "${OMP_NUM_THREADS:-}" ]] && mpi+=(-x OMP_NUM_THREADS)
# shellcheck disable=SC2206
[[ -n "$mca_extra" ]] && mpi+=($mca_extra)
export EDGEFLOW_NETNS_MAP="$map" PMIX_MCA_gds=hash OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# mpirun in the background so that a signal reaches our trap at once (bash
# runs traps only between foreground commands); the trap ends it by its id.
ip netns exec "$head" "${mpi[@]}" "$@" &
launcher=$!
trap 'kill -TERM "$launcher" 2>/dev/null || true; wait "$launcher" 2>/dev/null || true; exit 130' INT TERM
rc=0
wait "$launcher" || rc=$?
exit "$rc"
