# Shared by ops/demo, ops/test and ops/bench: installs what is missing, and runs a private
# redis-server on a free loopback port in a temporary directory, stopped on exit (Ctrl-C included).
# Never touches a Redis it did not start.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian packages the fleet needs: hiredis to build, redis-server to run against.
FLEET_APT_PACKAGES=(libhiredis-dev libturbojpeg0-dev libspng-dev redis-server redis-tools pkg-config python3)

ensure_packages() {
  local missing=()
  for pkg in "${FLEET_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_swift() {
  command -v swift >/dev/null 2>&1 || {
    [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
  }
  command -v swift >/dev/null 2>&1 || { echo "the Swift toolchain is not on PATH" >&2; exit 1; }
}

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# Starts redis-server; sets REDIS_DIR, REDIS_PORT, REDIS_PID and exports REDIS_URL.
start_redis() {
  REDIS_DIR="$(mktemp -d "${TMPDIR:-/tmp}/fleet-redis.XXXXXX")"
  REDIS_PORT="$(free_port)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save "" --appendonly no \
    --maxmemory 2gb --maxmemory-policy noeviction --daemonize no --logfile "$REDIS_DIR/redis.log" &
  REDIS_PID=$!
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  for _ in $(seq 1 100); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "redis-server did not start; its log:" >&2
  cat "$REDIS_DIR/redis.log" >&2
  exit 1
}

stop_redis() {
  if [ -n "${REDIS_PID:-}" ]; then
    kill "$REDIS_PID" 2>/dev/null
    wait "$REDIS_PID" 2>/dev/null
    REDIS_PID=""
  fi
  [ -n "${REDIS_DIR:-}" ] && rm -rf "$REDIS_DIR"
  REDIS_DIR=""
}
