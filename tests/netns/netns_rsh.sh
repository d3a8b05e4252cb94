#!/bin/sh
# mpirun's remote shell for the namespaced cluster (see shaped_mpirun.sh):
#   netns_rsh.sh [OPTIONS] HOST COMMAND...
# runs COMMAND (joined into one shell command line, as ssh would) inside the
# network namespace that $EDGEFLOW_NETNS_MAP ("HOST NAMESPACE" per line)
# gives HOST. Leading options (ssh-style flags some launchers add) are ignored.
set -eu
while [ $# -gt 0 ]; do
  case "$1" in
    -*) shift ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { echo "netns_rsh.sh: usage: netns_rsh.sh HOST COMMAND..." >&2; exit 255; }
host=$1
shift
map=${EDGEFLOW_NETNS_MAP:?netns_rsh.sh: EDGEFLOW_NETNS_MAP is not set}
ns=$(awk -v h="$host" '$1 == h { print $2; exit }' "$map")
[ -n "$ns" ] || { echo "netns_rsh.sh: no namespace for host '$host' in $map" >&2; exit 255; }
exec ip netns exec "$ns" /bin/sh -c "$*"
