#!/usr/bin/env bash
# Private OpenSSH sshd on 127.0.0.1 (root + an unprivileged user), client config with host aliases
# and ControlMaster. Writes $QWEX_E2E_STATE/sshd/env. Idempotent. See reference/backends.md §1.
BACKEND=sshd
source "$(dirname "$0")/lib.sh"
need_pkgs /usr/sbin/sshd:openssh-server ssh:openssh-client ssh-keygen:openssh-client
S=$QWEX_E2E_STATE/sshd
mkdir -p "$S"; chmod 755 "$S"
USER2=${QWEX_SSH_USER2:-qwextest}

if [ -f "$S/sshd.pid" ] && kill -0 "$(cat "$S/sshd.pid")" 2>/dev/null; then log "already running"; exit 0; fi

# The second, unprivileged user. useradd -p '*' (a locked '!' account is refused with UsePAM no).
if ! id "$USER2" >/dev/null 2>&1; then
  mkdir -p "$QWEX_E2E_STATE/home"; chmod 755 "$QWEX_E2E_STATE/home"
  useradd -m -d "$QWEX_E2E_STATE/home/$USER2" -s /bin/bash -p '*' "$USER2" || die "useradd $USER2 failed"
  echo "$USER2" >"$S/created_user"
fi
[ -f "$S/host_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$S/host_key"
[ -f "$S/user_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$S/user_key"
chmod 644 "$S/user_key.pub"; cp "$S/user_key.pub" "$S/authorized_keys"; chmod 644 "$S/authorized_keys"

PORT=$(pick_port QWEX_SSH_PORT 2222)
# Remote sessions get PATH (shims first) and SLURM_CONF through SetEnv, without touching /etc.
RPATH=$QWEX_E2E_STATE/bin:$QWEX_E2E_STATE/podman/bin:$QWEX_E2E_STATE/standins/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cat >"$S/sshd_config" <<CONF
Port $PORT
ListenAddress 127.0.0.1
HostKey $S/host_key
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys .ssh/authorized_keys
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
MaxStartups 100:30:200
MaxSessions 100
SetEnv SLURM_CONF=$QWEX_E2E_STATE/slurm/slurm.conf PATH=$RPATH QWEX_E2E_STATE=$QWEX_E2E_STATE
CONF
mkdir -p /run/sshd # privilege-separation dir, shared: never removed
/usr/sbin/sshd -t -f "$S/sshd_config" 2>"$S/sshd.log" || die "sshd config rejected: $(cat "$S/sshd.log")"
/usr/sbin/sshd -f "$S/sshd_config" -E "$S/sshd.log" || die "sshd failed to start: $(tail "$S/sshd.log")"
wait_port "$PORT" 5 "$S/sshd.log"

# Client config: aliases for root and the second user, both sharing a ControlMaster under $S.
common="  HostName 127.0.0.1
  Port $PORT
  IdentityFile $S/user_key
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
  ControlMaster auto
  ControlPath $S/cm-%C
  ControlPersist 60"
printf 'Host qwex-root\n  User root\n%s\n\nHost qwex-user\n  User %s\n%s\n' "$common" "$USER2" "$common" >"$S/ssh_config"

cat >"$S/env" <<ENV
export QWEX_SSH_PORT=$PORT
export QWEX_SSH_USER2=$USER2
export QWEX_SSH_CONFIG=$S/ssh_config
export QWEX_SSH_KEY=$S/user_key
export QWEX_SSH_CONTROL_DIR=$S
ENV
ssh -F "$S/ssh_config" qwex-root true || die "ssh to root@127.0.0.1:$PORT failed; sshd log: $(tail "$S/sshd.log")"
[ "$(ssh -F "$S/ssh_config" qwex-user whoami)" = "$USER2" ] || die "ssh as $USER2 failed; sshd log: $(tail "$S/sshd.log")"
log "sshd on 127.0.0.1:$PORT (root, $USER2)"
