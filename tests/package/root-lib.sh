# shellcheck shell=bash
# Throw-away Debian roots for the package tests: debootstrap once into a tarball in a
# cache (one a week per suite, so security updates come in), then a fresh copy of it
# for every run, entered in a mount namespace of its own (its /proc and /dev vanish
# with the last process in it: nothing to unmount, nothing left behind).
#
# Cache: ${BEDROOMD_ROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bedroomd-package-root}
# Mirror: ${BEDROOMD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# Several runs may share the cache at once (flock on $cache/lock).

root_cache=${BEDROOMD_ROOT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/var/tmp/bedroomd-$EUID}/.cache}/bedroomd-package-root}
root_mirror=${BEDROOMD_DEBIAN_MIRROR:-http://deb.debian.org/debian}

root_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
root_die() {
	root_log "$*"
	exit 1
}

# The suite's apt sources: with bookworm-backports on bookworm, for libgpiod 2.
root_sources() {
	local suite=$1
	echo "deb $root_mirror $suite main"
	echo "deb $root_mirror $suite-updates main"
	echo "deb http://deb.debian.org/debian-security $suite-security main"
	[[ "$suite" == bookworm ]] && echo "deb $root_mirror bookworm-backports main"
	return 0
}

# root_key SUITE: the cache key, new each ISO week and when this recipe changes.
root_key() {
	local recipe
	recipe=$(sha1sum "${BASH_SOURCE[0]}" | cut -c1-8)
	echo "$1-$(date -u +%G-w%V)-$recipe"
}

# root_tarball SUITE: prints the cached tarball of a minimal SUITE root, making it
# (debootstrap --variant=minbase, apt lists updated) when the cache has none.
root_tarball() {
	local suite=$1 key dir tmp
	key=$(root_key "$suite")
	dir=$root_cache/$key
	mkdir -p "$root_cache"
	(
		flock 9
		if [[ ! -f "$dir/root.tar.zst" ]]; then
			root_log "debootstrap $suite into the cache (once a week)"
			tmp=$(mktemp -d "$root_cache/.new-XXXXXX")
			trap 'rm -rf "$tmp"' EXIT
			debootstrap --variant=minbase "$suite" "$tmp/root" "$root_mirror" \
				>"$tmp/debootstrap.log" 2>&1 ||
				{ tail -30 "$tmp/debootstrap.log" >&2; root_die "debootstrap $suite failed"; }
			root_sources "$suite" >"$tmp/root/etc/apt/sources.list"
			# No service starts inside the root, whatever a maintainer script asks.
			printf '#!/bin/sh\nexit 101\n' >"$tmp/root/usr/sbin/policy-rc.d"
			chmod 755 "$tmp/root/usr/sbin/policy-rc.d"
			root_run "$tmp/root" apt-get update -qq ||
				root_die "apt-get update in the $suite root failed"
			root_run "$tmp/root" apt-get clean
			tar --zstd -C "$tmp/root" -cf "$tmp/root.tar.zst" .
			mkdir -p "$dir/archives"
			mv "$tmp/root.tar.zst" "$dir/root.tar.zst"
			# Older weeks of this suite go.
			find "$root_cache" -mindepth 1 -maxdepth 1 -name "$suite-*" ! -name "$key" \
				-exec rm -rf {} +
		fi
	) 9>"$root_cache/lock"
	echo "$dir/root.tar.zst"
}

# root_make SUITE ROOT: a fresh root at ROOT (an empty or absent directory), with the
# .debs that earlier runs downloaded already in its apt cache.
root_make() {
	local suite=$1 root=$2 tarball archives
	tarball=$(root_tarball "$suite")
	archives=$(dirname "$tarball")/archives
	mkdir -p "$root"
	tar --zstd -C "$root" -xf "$tarball"
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	(
		flock -s 9
		[[ -d "$archives" ]] || exit 0
		find "$archives" -maxdepth 1 -name '*.deb' -exec cp -t "$root/var/cache/apt/archives" {} +
	) 9>"$root_cache/lock"
}

# root_keep_downloads SUITE ROOT: puts what apt downloaded in ROOT into the cache.
root_keep_downloads() {
	local suite=$1 root=$2 archives
	archives=$root_cache/$(root_key "$suite")/archives
	(
		flock 9
		[[ -d "$archives" ]] || exit 0
		find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' \
			-exec cp -n -t "$archives" {} +
	) 9>"$root_cache/lock"
}

# root_run ROOT COMMAND...: runs COMMAND in ROOT, in a mount namespace of its own with
# /proc and /dev; the mounts end with it.
root_run() {
	local root=$1
	shift
	unshare --mount --propagation private --fork -- /bin/sh -ec '
		root=$1
		shift
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive HOME=/root "$@"
	' root-run "$root" "$@"
}
