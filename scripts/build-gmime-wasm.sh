#!/usr/bin/env bash
# Cached, reproducible build of GMime 3.2 and its dependencies for Emscripten (wasm32), as
# static libraries, plus GMime's own test programs built for WASM. Sources: Debian bookworm's
# source packages, i.e. each upstream .orig tarball with Debian's own patches applied (the
# same sources as the native libraries the WASM build is compared with).
#
# Usage:
#   prefix="$(scripts/build-gmime-wasm.sh)"
#   PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig" pkg-config --cflags --libs gmime-3.0
#   scripts/run-gmime-wasm-tests.sh "$prefix"
#
# Prints only the install prefix on stdout (last line); progress goes to stderr, the full
# output of every configure/make/ninja step to a log file whose path is printed on failure.
#
# Environment:
#   POP3_WASM_CACHE   cache root (default ~/.cache/pop3-wasm); the prefix is
#                     $POP3_WASM_CACHE/gmime-wasm-<key>
#   ZLIB_SRC PCRE2_SRC GLIB_SRC GMIME_SRC
#                     use these tarballs instead of fetching Debian's; each must still match
#                     its pinned SHA-256 below
#   ZLIB_DEBIAN_SRC PCRE2_DEBIAN_SRC GLIB_DEBIAN_SRC GMIME_DEBIAN_SRC
#                     the same for Debian's .debian.tar.xz / .diff.gz (default: next to the
#                     tarball, else in the cache's sources/<package>/, else fetched with apt)
#   GMIME_WASM_JOBS   parallel jobs (default: number of CPUs)
#   GMIME_WASM_KEEP_BUILD=1  keep the build tree of a failed build (for debugging)
#
# Prefix layout:
#   include/{gmime-3.0,glib-2.0,ffi.h,pcre2.h,zlib.h,...}   lib/glib-2.0/include/glibconfig.h
#   lib/*.a   lib/pkgconfig/*.pc (relocatable: prefix=${pcfiledir}/../..); also
#             lib/libglib-wasm-nofs.a, in no .pc file: add it to -sFILESYSTEM=0 links
#   tests/    GMime's test programs as test-*.js + .wasm (node, -sNODERAWFS=1), their data
#             in tests/data, charset-check.js, ffi-tripwire.js, debian-patch-check.js, and
#             size-probe.mjs + .wasm
#             (GMime linked like the MIME module); see run-gmime-wasm-tests.sh
#   share/licenses/<package>/   upstream license texts
#   BUILD-INFO  versions, checksums, Debian patches applied and skipped, flags, durations
#
# key = short hash of (tarball and Debian archive SHA-256s, Debian versions and skip lists,
# all flags below, Emscripten/clang versions, this script, everything under
# scripts/gmime-wasm/ but its README.md). A build runs in a temporary directory in
# the cache and is renamed into place only when complete; a lock serialises builds of a key.
#
# Every workaround for Emscripten lives in exactly one place, with why and how verified:
# the list is scripts/gmime-wasm/README.md.
set -euo pipefail

# stdout is for the prefix only; everything else (including helpers' output) goes to stderr.
exec 3>&1 1>&2

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
files="$here/gmime-wasm"
# shellcheck source=lib/debian-source.sh
source "$here/lib/debian-source.sh"

# --- Pinned sources (Debian bookworm source packages: .orig tarball + Debian's patches) ----
# Per package: the upstream version and the SHA-256 of its .orig tarball; the Debian version
# (with epoch, as apt spells it) and the SHA-256 of its .debian.tar.xz (source format 3.0,
# patches in debian/patches/series) or .diff.gz (format 1.0: one diff, of which the part
# outside debian/ is the patch). Debian's patches are applied in series order with
# `patch -p1 --fuzz=0` (apply_debian_patches); the checksums are those of the signed .dsc.
# To move a version, update all four values of the package (and re-check its skip list).
SUITE="bookworm"
ZLIB_VERSION="1.2.13";    ZLIB_SHA256="71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1"
ZLIB_DEBIAN="1:1.2.13.dfsg-1"
ZLIB_DEBIAN_SHA256="f66cf3d4f2d7defcd4d1fd1fb0a11ee39f1e01b42ec7d059c9dc5c1695133c44"   # .debian.tar.xz
PCRE2_VERSION="10.42";    PCRE2_SHA256="c33b418e3b936ee3153de2c61cc638e7e4fe3156022a5c77d0711bcbb9d64f1f"
# Not 10.42-1+deb12u2 (bookworm-security, what the native libpcre2-8-0 is): its .dsc and
# .diff.gz are listed in the security Sources index but the archive answers 404 for both
# (README.md, "Debian patches").
PCRE2_DEBIAN="10.42-1"
PCRE2_DEBIAN_SHA256="8267c3acacb04e8a077235f676187393e295443fc16ff46ddbe5f6476879c8cb"  # .diff.gz
GLIB_VERSION="2.74.6";    GLIB_SHA256="069cf7e51cd261eb163aaf06c8d1754c6835f31252180aff5814e5afc7757fbc"
GLIB_DEBIAN="2.74.6-2+deb12u9"
GLIB_DEBIAN_SHA256="ccfe76a05463099331f31fc2fde1677ce3c5e0d054112890541b511c0b3321ff"   # .debian.tar.xz
GMIME_VERSION="3.2.13";   GMIME_SHA256="4b868eb152b83ccbc593340560c1fd1cc497e43e14104c85869de6f2101675e0"
GMIME_DEBIAN="3.2.13+dfsg-2"
GMIME_DEBIAN_SHA256="1c4d66082f3a7efb6f90dd66571514964bd97e55b7106e3ee4eb15d75fb57f07"  # .debian.tar.xz
# Debian patches NOT applied, by their name in debian/patches/series (for a .diff.gz: the
# file name of the .diff.gz). Each one is listed with its reason in gmime-wasm/README.md
# ("Debian patches"); the build fails if an entry is not in the series. Today none: every
# patch applies at --fuzz=0 and builds; the Debian-only ones touch only files this build
# does not compile or install (README.md lists which).
ZLIB_DEBIAN_SKIP=()
PCRE2_DEBIAN_SKIP=()
GLIB_DEBIAN_SKIP=()
GMIME_DEBIAN_SKIP=()

# --- Flags (all part of the cache key) ---------------------------------------------------
# Libraries at -Oz (size matters for the MIME module); programs link at -O2 (facts file:
# -Oz links cost 2-4x speed for little size).
LIB_CFLAGS="-Oz"
TEST_LDFLAGS=(
  -O2
  # GObject calls class_init/instance_init/... functions through pointers with more
  # arguments than they declare (e.g. `void foo_class_init (FooClass *)` called as
  # GClassInitFunc(g_class, class_data)). Native ABIs tolerate that; WASM's call_indirect
  # checks the exact signature and traps ("function signature mismatch"). Also recorded
  # in gobject-2.0.pc (Libs) so every consumer gets it. Verified by: build-time probe
  # below links a GObject program without it and expects the trap.
  -sEMULATE_FUNCTION_POINTER_CASTS=1
  -sALLOW_MEMORY_GROWTH=1
  # GMime's tests read data/... relative to the working directory and write temp files:
  # give them the real file system (Node only). Test programs only; the MIME module is
  # built without a file system.
  -sNODERAWFS=1
  -sEXIT_RUNTIME=1
  # Node 20 has fetch(); 3.1.6's glue then tries to fetch() the .wasm by file path and
  # fails ("Invalid URL"). Compile synchronously from the file instead (facts file).
  -sWASM_ASYNC_COMPILATION=0
  # Keep Emscripten's node handlers from rethrowing/dumping on every JS error (facts file).
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0
)
# The MIME module's shape, for tests/size-probe.mjs. -sFILESYSTEM=0 needs
# lib/libglib-wasm-nofs.a (see gmime-wasm/wasm-nofs-stubs.c).
# shellcheck disable=SC2054  # the commas belong to EXPORTED_FUNCTIONS
SIZE_PROBE_LDFLAGS=(
  -O2 -sENVIRONMENT=web -sMODULARIZE=1 -sEXPORT_ES6=1 -sFILESYSTEM=0 -sALLOW_MEMORY_GROWTH=1
  -sEXPORTED_FUNCTIONS=_mime_parse,_malloc,_free
)
ZLIB_CONFIGURE=(--static)
PCRE2_CONFIGURE=(
  --disable-shared --enable-static --disable-jit
  --enable-pcre2-8 --disable-pcre2-16 --disable-pcre2-32
  --disable-pcre2grep-libz --disable-pcre2grep-libbz2 --disable-pcre2test-libreadline
)
GLIB_MESON=(
  --buildtype=plain -Db_staticpic=false
  # Sources are all local: never let meson try to download a subproject.
  --wrap-mode=nodownload
  -Ddefault_library=static -Dtests=false -Dinstalled_tests=false -Dnls=disabled
  -Dgtk_doc=false -Dman=false -Ddtrace=false -Dsystemtap=false
  # Linux-only features with no meaning in WASM, and none of their libraries exist here.
  -Dlibmount=disabled -Dselinux=disabled -Dxattr=false -Dsysprof=disabled -Dlibelf=disabled
)
GMIME_CONFIGURE=(
  --disable-shared --enable-static
  # No GPGME/crypto (no gpg in WASM), no GObject introspection / Vala bindings (host tools).
  --disable-crypto --disable-introspection --disable-vala --without-libidn
)

# Tools from Debian packages needed on the build machine.
REQUIRED_TOOLS="emcc:emscripten node:nodejs meson:meson ninja:ninja-build pkg-config:pkg-config
autoreconf:autoconf automake:automake libtoolize:libtool gtkdocize:gtk-doc-tools make:make
llvm-nm-14:llvm-14 flock:util-linux patch:patch bzip2:bzip2 xz:xz-utils gzip:gzip"

JOBS="${GMIME_WASM_JOBS:-$(nproc)}"

log() { echo "gmime-wasm: $*" >&2; }
die() { log "error: $*"; exit 1; }

# --- Cache key (fast path: no emcc start, no hashing of tarballs) ------------------------
# The toolchain identity: Debian's package versions of Emscripten and its LLVM/binaryen,
# and the version of the emcc actually on PATH (read from its tree, not by running it).
emcc_path="$(command -v emcc || true)"
[ -n "$emcc_path" ] || die "emcc not found (apt-get install emscripten)"
emcc_root="$(dirname "$(readlink -f "$emcc_path")")"
toolchain_id="$(cat "$emcc_root/emscripten-version.txt" 2>/dev/null || echo unknown)
$emcc_path -> $emcc_root
$(dpkg-query -W -f '${Package} ${Version}\n' emscripten clang-14 llvm-14 lld-14 binaryen 2>/dev/null || true)"
key_input="$(
  printf '%s\n' "zlib=$ZLIB_SHA256" "pcre2=$PCRE2_SHA256" "glib=$GLIB_SHA256" "gmime=$GMIME_SHA256"
  printf '%s\n' "zlib_debian=$ZLIB_DEBIAN $ZLIB_DEBIAN_SHA256 skip:${ZLIB_DEBIAN_SKIP[*]}" \
    "pcre2_debian=$PCRE2_DEBIAN $PCRE2_DEBIAN_SHA256 skip:${PCRE2_DEBIAN_SKIP[*]}" \
    "glib_debian=$GLIB_DEBIAN $GLIB_DEBIAN_SHA256 skip:${GLIB_DEBIAN_SKIP[*]}" \
    "gmime_debian=$GMIME_DEBIAN $GMIME_DEBIAN_SHA256 skip:${GMIME_DEBIAN_SKIP[*]}"
  printf '%s\n' "lib_cflags=$LIB_CFLAGS" "test_ldflags=${TEST_LDFLAGS[*]}" \
    "probe_ldflags=${SIZE_PROBE_LDFLAGS[*]}" \
    "zlib_cfg=${ZLIB_CONFIGURE[*]}" "pcre2_cfg=${PCRE2_CONFIGURE[*]}" \
    "glib_meson=${GLIB_MESON[*]}" "gmime_cfg=${GMIME_CONFIGURE[*]}" "toolchain=$toolchain_id"
  # The content of this script and of every file under scripts/gmime-wasm/ (names too), but
  # the README: documentation only, nothing in the build reads it.
  (cd "$here" && find "build-gmime-wasm.sh" "gmime-wasm" -type f ! -path gmime-wasm/README.md \
     -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
)"
key="$(printf '%s' "$key_input" | sha256sum | cut -c1-12)"
name="gmime-wasm-$key"
prefix="$POP3_WASM_CACHE/$name"

is_complete() {
  [ -f "$1/BUILD-INFO" ] && [ -f "$1/lib/libgmime-3.0.a" ] && [ -f "$1/lib/pkgconfig/gmime-3.0.pc" ] &&
    [ -f "$1/tests/test-mime.js" ] && [ -f "$1/tests/debian-patch-check.js" ]
}

if is_complete "$prefix"; then
  echo "$prefix" >&3
  exit 0
fi

# --- Build (serialised per key) ----------------------------------------------------------
missing=""
for t in $REQUIRED_TOOLS; do
  command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
[ -z "$missing" ] || die "missing tools; apt-get install$missing"

# shellcheck source=lib/emscripten-env.sh
source "$here/lib/emscripten-env.sh"

mkdir -p "$POP3_WASM_CACHE/locks" "$POP3_WASM_CACHE/logs" "$POP3_WASM_CACHE/tmp"
exec 9>"$POP3_WASM_CACHE/locks/$name.lock"
if ! flock -n 9; then
  log "another build of $name is running; waiting for it"
  flock 9
fi
if is_complete "$prefix"; then
  echo "$prefix" >&3
  exit 0
fi
if [ -e "$prefix" ]; then   # renames are atomic, so this is not ours: a foreign leftover
  log "removing incomplete $prefix"
  rm -rf "$prefix"
fi
for d in "$POP3_WASM_CACHE/tmp/$name".*; do   # builds that were killed outright
  [ -d "$d" ] || continue
  pid="${d#"$POP3_WASM_CACHE/tmp/$name."}"; pid="${pid%%.*}"
  kill -0 "$pid" 2>/dev/null || rm -rf "$d"
done

work="$(mktemp -d "$POP3_WASM_CACHE/tmp/$name.$$.XXXXXX")"
# Everything is configured for a fixed, fake prefix (/usr/local) and installed with
# DESTDIR=$root: paths that libraries compile in (GLib's LIBDIR, charset.alias dir...) are
# then the same in every build, never the temporary directory. $stage is renamed to
# $prefix at the end; the .pc files are relocatable (fix_pc_files).
root="$work/root"
stage="$root/usr/local"
logfile="$POP3_WASM_CACHE/logs/$name.log"
: > "$logfile"
on_exit() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$logfile" >&2 || true
    log "build FAILED (exit $rc); full log: $logfile"
    if [ "${GMIME_WASM_KEEP_BUILD:-0}" = 1 ]; then
      log "build tree kept: $work"
      return
    fi
  fi
  rm -rf "$work"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Variables that configure/make/meson would otherwise pick up from the caller.
unset CPPFLAGS CFLAGS CXXFLAGS LDFLAGS LIBS CC CXX CPP AR RANLIB LD NM MAKEFLAGS MFLAGS \
      MAKELEVEL PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR EMCC_CFLAGS
export PKG_CONFIG_LIBDIR="$stage/lib/pkgconfig"
# For the autotools packages (not emconfigure: it replaces PKG_CONFIG_LIBDIR with
# Emscripten's sysroot).
ac_env=(CC=emcc AR=emar RANLIB=emranlib NM=llvm-nm-14 PKG_CONFIG=pkg-config)
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1700000000}"
mkdir -p "$stage/include" "$stage/lib/pkgconfig" "$stage/tests" "$stage/share/licenses"

build_start=$SECONDS
durations=""
step_start=0
step() { step_start=$SECONDS; log "$*"; echo "=== $* ===" >> "$logfile"; }
step_done() { durations="$durations$1=$((SECONDS - step_start))s "; }
run() { "$@" >> "$logfile" 2>&1; }

# --- Sources -----------------------------------------------------------------------------
src_zlib="" src_pcre2="" src_glib="" src_gmime=""   # set by fetch()
# fetch PKG DEBIAN_NAME OVERRIDE_VAR SHA256 -> sets src_<PKG> to the verified tarball path
fetch() {
  local pkg="$1" deb="$2" override="$3" sha="$4" tarball
  if [ -n "${!override:-}" ]; then
    tarball="$(readlink -f "${!override}")"
  else
    # apt-get's progress goes to the log (shown by on_exit if this fails).
    tarball="$(fetch_debian_orig "$deb" "$SUITE" "$POP3_WASM_CACHE/sources/$deb" 2>> "$logfile")"
  fi
  verify_sha256 "$tarball" "$sha" || die "$pkg: $tarball is not the pinned tarball"
  printf -v "src_$pkg" '%s' "$tarball"
}
debian_zlib="" debian_pcre2="" debian_glib="" debian_gmime=""   # set by fetch_debian()
# fetch_debian PKG DEBIAN_NAME -> sets debian_<PKG> to the verified path of Debian's
# .debian.tar.xz or .diff.gz for <PKG>_DEBIAN (pinned by <PKG>_DEBIAN_SHA256). apt-get source
# downloads it next to the .orig tarball; if that download was of another Debian revision
# (the tarball is shared by all revisions), the pinned one is asked for by exact version.
fetch_debian() {
  local pkg="$1" deb="$2" up override version sha base dir ext archive=""
  up="$(printf '%s' "$pkg" | tr '[:lower:]' '[:upper:]')"
  override="${up}_DEBIAN_SRC"; version="${up}_DEBIAN"; sha="${up}_DEBIAN_SHA256"
  version="${!version}"; sha="${!sha}"
  base="${deb}_${version#*:}"   # file names carry no epoch
  if [ -n "${!override:-}" ]; then
    archive="$(readlink -f "${!override}")"
  else
    local src_var="src_$pkg"
    for dir in "$(dirname "${!src_var}")" "$POP3_WASM_CACHE/sources/$deb"; do
      for ext in debian.tar.xz diff.gz; do
        if [ -z "$archive" ] && [ -f "$dir/$base.$ext" ]; then archive="$dir/$base.$ext"; fi
      done
    done
    if [ -z "$archive" ]; then
      log "$pkg: fetching Debian's $deb $version (its patches)"
      mkdir -p "$POP3_WASM_CACHE/sources/$deb"
      (cd "$POP3_WASM_CACHE/sources/$deb" &&
         _apt_private source --download-only "$deb=$version") >> "$logfile" 2>&1 ||
        die "$pkg: cannot download $deb $version; Debian may have superseded it (have:" \
            "$(cd "$POP3_WASM_CACHE/sources/$deb" && printf '%s ' ./*.dsc)):" \
            "update ${up}_DEBIAN and ${up}_DEBIAN_SHA256"
      for ext in debian.tar.xz diff.gz; do
        if [ -z "$archive" ] && [ -f "$POP3_WASM_CACHE/sources/$deb/$base.$ext" ]; then
          archive="$POP3_WASM_CACHE/sources/$deb/$base.$ext"
        fi
      done
      [ -n "$archive" ] || die "$pkg: apt-get source $deb=$version gave no $base.debian.tar.xz or .diff.gz"
    fi
  fi
  verify_sha256 "$archive" "$sha" || die "$pkg: $archive is not the pinned Debian archive"
  printf -v "debian_$pkg" '%s' "$archive"
}
step "sources"
fetch zlib zlib ZLIB_SRC "$ZLIB_SHA256"
fetch pcre2 pcre2 PCRE2_SRC "$PCRE2_SHA256"
fetch glib glib2.0 GLIB_SRC "$GLIB_SHA256"
fetch gmime gmime GMIME_SRC "$GMIME_SHA256"
fetch_debian zlib zlib
fetch_debian pcre2 pcre2
fetch_debian glib glib2.0
fetch_debian gmime gmime
unpack() {   # unpack TARBALL NAME -> prints $work/src/NAME (fixed: __FILE__ paths)
  mkdir -p "$work/src/$2.tmp"
  tar -xf "$1" -C "$work/src/$2.tmp"
  mv "$work/src/$2.tmp/"* "$work/src/$2"
  rmdir "$work/src/$2.tmp"
  echo "$work/src/$2"
}

# --- Debian's patches ----------------------------------------------------------------------
# apply_debian_patches PKG SRC: applies Debian's patches for PKG (debian_<PKG>, fetched above)
# to the unpacked tree SRC, in series order, each with `patch -p1 --fuzz=0` (offsets are
# accepted, as dpkg-source does; fuzz is not), except those named in <PKG>_DEBIAN_SKIP.
# --forward: a patch that looks already applied fails instead of being reversed.
# Appends what it did to $debian_report (BUILD-INFO).
debian_report=""
apply_debian_patches() {
  local pkg="$1" src="$2" up archive_var archive skip_var dir line name opts file
  local -a names=() skip=() applied=() skipped=()
  up="$(printf '%s' "$pkg" | tr '[:lower:]' '[:upper:]')"
  archive_var="debian_$pkg"; archive="${!archive_var}"
  skip_var="${up}_DEBIAN_SKIP[@]"; skip=("${!skip_var}")
  dir="$work/debian/$pkg"
  mkdir -p "$dir/patches"
  echo "=== Debian patches for $pkg: $(basename "$archive") ===" >> "$logfile"
  case "$archive" in
    *.debian.tar.*)
      tar -xf "$archive" -C "$dir" debian
      if [ -f "$dir/debian/patches/series" ]; then
        while IFS= read -r line || [ -n "$line" ]; do
          line="${line%%#*}"   # quilt series: '#' starts a comment
          read -r name opts <<< "$line" || true
          [ -n "${name:-}" ] || continue
          # quilt allows per-patch options; only the default strip level is supported here.
          [ -z "${opts:-}" ] || [ "$opts" = "-p1" ] ||
            die "$pkg: unsupported options '$opts' for Debian patch $name"
          names+=("$name")
          cp "$dir/debian/patches/$name" "$dir/patches/$(printf '%03d' "${#names[@]}")"
        done < "$dir/debian/patches/series"
      fi
      ;;
    *.diff.gz)
      # Source format 1.0: one diff, debian/ included. Its part outside debian/ is the patch
      # (dpkg-source applies the whole diff with patch -p1). Split it at file headers,
      # counting hunk lines, so that a removed line starting with "-- " is never taken for
      # a header.
      zcat "$archive" | awk -v out="$dir/patches/001" -v list="$dir/files" '
        function header_path(line,   p) { p = line; sub(/^(---|\+\+\+) /, "", p); sub(/	.*$/, "", p); sub(/^[^\/]*\//, "", p); return p }
        in_hunk == 0 && /^--- / {
          minus = $0
          if ((getline plus) <= 0 || plus !~ /^\+\+\+ /) { print "malformed diff at: " minus > "/dev/stderr"; exit 2 }
          path = header_path(plus)
          keep = (path !~ /^debian\//)
          if (keep) { print minus > out; print plus > out; print path > list }
          next
        }
        in_hunk == 0 && /^@@ / {
          split($2, o, ","); split($3, n, ",")
          old = (2 in o) ? o[2] + 0 : 1; new = (2 in n) ? n[2] + 0 : 1
          in_hunk = (old > 0 || new > 0)
          if (keep) print > out
          next
        }
        in_hunk == 1 {
          c = substr($0, 1, 1)
          if (c == " ") { old--; new-- } else if (c == "-") old--; else if (c == "+") new--
          if (old <= 0 && new <= 0) in_hunk = 0
          if (keep) print > out
          next
        }
        { if (keep) print > out }
      ' || die "$pkg: cannot split $(basename "$archive")"
      if zcat "$archive" | grep -qE '^\+\+\+ [^/]*/debian/patches/'; then
        die "$pkg: $(basename "$archive") carries debian/patches/ (a patch system in debian/rules): not supported"
      fi
      if [ -s "$dir/patches/001" ]; then
        names=("$(basename "$archive")")
        echo "$pkg: upstream files changed by $(basename "$archive"): $(paste -sd' ' "$dir/files")" >> "$logfile"
      fi
      ;;
    *) die "$pkg: unknown Debian archive type: $archive" ;;
  esac
  local i=0 s found
  for name in "${names[@]}"; do
    i=$((i + 1)); file="$dir/patches/$(printf '%03d' "$i")"
    found=0
    for s in "${skip[@]}"; do [ "$s" = "$name" ] && found=1; done
    if [ "$found" = 1 ]; then
      skipped+=("$name")
      echo "--- $name: skipped (${up}_DEBIAN_SKIP)" >> "$logfile"
      continue
    fi
    echo "--- $name" >> "$logfile"
    run patch -p1 --fuzz=0 --forward --no-backup-if-mismatch -d "$src" -i "$file" ||
      die "$pkg: Debian patch $name does not apply with --fuzz=0"
    applied+=("$name")
  done
  for s in "${skip[@]}"; do
    found=0
    for name in "${names[@]}"; do [ "$s" = "$name" ] && found=1; done
    [ "$found" = 1 ] || die "$pkg: ${up}_DEBIAN_SKIP names '$s', which is not one of Debian's patches"
  done
  debian_report="$debian_report  $pkg $(basename "$archive"): ${#applied[@]} applied, ${#skipped[@]} skipped"
  if [ -f "$dir/files" ]; then debian_report="$debian_report (upstream files: $(paste -sd' ' "$dir/files"))"; fi
  debian_report="$debian_report"$'\n'
  for name in "${applied[@]}"; do debian_report="$debian_report    applied $name"$'\n'; done
  for name in "${skipped[@]}"; do debian_report="$debian_report    SKIPPED $name (README.md)"$'\n'; done
  log "$pkg: ${#applied[@]} Debian patches applied, ${#skipped[@]} skipped"
}
step_done sources

# --- Workaround: stubs for libc functions missing from single-threaded musl -------------
# See gmime-wasm/wasm-stubs.c. Verify first that libc really lacks them, so a newer
# Emscripten that adds them makes this build fail loudly instead of shadowing them.
step "stubs and libffi stand-in"
sysroot_lib="$EM_CACHE/sysroot/lib/wasm32-emscripten"
for sym in posix_spawnp pthread_attr_setinheritsched res_query; do
  for lib in libc.a libstubs.a; do
    if llvm-nm-14 --defined-only "$sysroot_lib/$lib" 2>/dev/null | grep -qE " [TW] $sym\$"; then
      die "$lib now defines $sym: drop its stub from gmime-wasm/wasm-stubs.c"
    fi
  done
done
run emcc $LIB_CFLAGS -Wall -Werror -c "$files/wasm-stubs.c" -o "$work/wasm-stubs.o"
run emar rcs "$stage/lib/libglib-wasm-stubs.a" "$work/wasm-stubs.o"
# And the -sFILESYSTEM=0 one (see gmime-wasm/wasm-nofs-stubs.c): not in any .pc file.
run emcc $LIB_CFLAGS -Wall -Werror -c "$files/wasm-nofs-stubs.c" -o "$work/wasm-nofs-stubs.o"
run emar rcs "$stage/lib/libglib-wasm-nofs.a" "$work/wasm-nofs-stubs.o"

# --- Workaround: libffi stand-in (bookworm's libffi 3.4.4 has no wasm32 port) ------------
# See gmime-wasm/libffi-standin/ffi.h; run-gmime-wasm-tests.sh proves ffi_call aborts and
# is never reached by GMime's tests.
run emcc $LIB_CFLAGS -Wall -Werror -c "$files/libffi-standin/ffi.c" -o "$work/ffi.o"
run emar rcs "$stage/lib/libffi.a" "$work/ffi.o"
cp "$files/libffi-standin/ffi.h" "$stage/include/ffi.h"
cp "$files/libffi-standin/libffi.pc.in" "$stage/lib/pkgconfig/libffi.pc"
step_done stubs

# --- Workaround: .pc files -------------------------------------------------------------
# meson writes the threads dependency as -pthread into glib-2.0.pc (Libs.private) and
# gthread-2.0.pc; a consumer linking with it would get Emscripten's threaded runtime. Drop
# it; add the stubs archive to glib-2.0.pc and EMULATE_FUNCTION_POINTER_CASTS to
# gobject-2.0.pc (see TEST_LDFLAGS); make every .pc relocatable (the prefix is renamed).
# Verified by: the grep checks after the rewrite, and by consumers built from
# `pkg-config --static --libs gmime-3.0` below (the test programs).
fix_pc_files() {
  local pc
  for pc in "$stage"/lib/pkgconfig/*.pc; do
    # Absolute paths of the staging directory come in through configure results (gmime's
    # Libs.private has zlib's -L): make them relative to the prefix too.
    # shellcheck disable=SC2016  # ${prefix} and ${pcfiledir} are pkg-config variables
    sed -i -E \
      -e "s|$stage/lib/pkgconfig/\.\./\.\.|\${prefix}|g" -e "s|$stage|\${prefix}|g" \
      -e 's/(^|[[:space:]])-pthread([[:space:]]|$)/\1\2/g' \
      -e 's/(^|[[:space:]])-sPTHREAD_POOL_SIZE=[0-9]+([[:space:]]|$)/\1\2/g' \
      -e 's|^prefix=/usr/local$|prefix=${pcfiledir}/../..|' \
      -e 's|/usr/local|${prefix}|g' "$pc"
  done
  if [ -f "$stage/lib/pkgconfig/glib-2.0.pc" ] && ! grep -q -- '-lglib-wasm-stubs' "$stage/lib/pkgconfig/glib-2.0.pc"; then
    sed -i -E 's/^(Libs:.*)$/\1 -lglib-wasm-stubs/' "$stage/lib/pkgconfig/glib-2.0.pc"
    sed -i -E 's/^(Libs:.*)$/\1 -sEMULATE_FUNCTION_POINTER_CASTS=1/' "$stage/lib/pkgconfig/gobject-2.0.pc"
  fi
  if grep -lE -- "-pthread|PTHREAD|/usr/local|$POP3_WASM_CACHE" "$stage"/lib/pkgconfig/*.pc; then
    die ".pc files still name -pthread or an absolute path"
  fi
}

# --- zlib (built here: Emscripten's zlib port would download from the internet) ----------
step "zlib $ZLIB_VERSION"
src="$(unpack "$src_zlib" zlib)"
apply_debian_patches zlib "$src"
(
  cd "$src"
  run env "${ac_env[@]}" CFLAGS="$LIB_CFLAGS" ./configure --prefix=/usr/local "${ZLIB_CONFIGURE[@]}"
  run make -j"$JOBS" libz.a
  run make install DESTDIR="$root"
)
fix_pc_files
mkdir -p "$stage/share/licenses/zlib"; cp "$src/README" "$stage/share/licenses/zlib/README"
step_done zlib

# --- pcre2 (8-bit only, no JIT: no wasm JIT backend) -------------------------------------
step "pcre2 $PCRE2_VERSION"
src="$(unpack "$src_pcre2" pcre2)"
apply_debian_patches pcre2 "$src"
(
  cd "$src"
  run ./configure --host=wasm32-unknown-emscripten --prefix=/usr/local \
    "${PCRE2_CONFIGURE[@]}" "${ac_env[@]}" CFLAGS="$LIB_CFLAGS"
  run make -j"$JOBS" libpcre2-8.la
  run make install-libLTLIBRARIES install-nodist_includeHEADERS install-pkgconfigDATA DESTDIR="$root"
)
fix_pc_files
mkdir -p "$stage/share/licenses/pcre2"; cp "$src/LICENCE" "$stage/share/licenses/pcre2/"
step_done pcre2

# --- glib 2.74 (glib, gobject, gmodule, gio: GMime's configure requires gio-2.0) ----------
step "glib $GLIB_VERSION"
src="$(unpack "$src_glib" glib)"
apply_debian_patches glib "$src"
# Constants for gmime-wasm/emscripten-cross.ini (absolute paths; the flags of the key).
# The wrapper is copied so that it is executable whatever the checkout did to file modes.
install -m 755 "$files/emcc-no-pthread.sh" "$work/emcc-no-pthread.sh"
cat > "$work/cross-constants.ini" <<EOF
[constants]
wrapper = '$work/emcc-no-pthread.sh'
opt_cflags = ['$LIB_CFLAGS']
stubs_lib = '$stage/lib/libglib-wasm-stubs.a'
pkgconf_dir = '$stage/lib/pkgconfig'
EOF
run meson setup "$work/glib-build" "$src" \
  --cross-file "$work/cross-constants.ini" --cross-file "$files/emscripten-cross.ini" \
  --prefix=/usr/local --libdir=lib "${GLIB_MESON[@]}"
run ninja -C "$work/glib-build" -j"$JOBS"
run meson install -C "$work/glib-build" --no-rebuild --destdir "$root"
fix_pc_files
mkdir -p "$stage/share/licenses/glib"; cp "$src/COPYING" "$stage/share/licenses/glib/"
step_done glib

# --- gmime 3.2 ---------------------------------------------------------------------------
step "gmime $GMIME_VERSION"
src="$(unpack "$src_gmime" gmime)"
gmime_src="$src"
apply_debian_patches gmime "$src"
(
  cd "$src"
  # Workaround: GMimeStreamGIO registration at init (see the patch). After Debian's patches.
  run patch -p1 < "$files/patches/gmime-skip-stream-gio-init.patch"
  # Debian's +dfsg tarball ships no configure script.
  run env NOCONFIGURE=1 ./autogen.sh
  # Workaround: iconv-detect must run on the target (it probes the target iconv's charset
  # names) and configure refuses to guess when cross compiling: build it with emcc, run it
  # under node with the real file system (it writes ./iconv-detect.h), and tell configure.
  run emcc -O2 -sNODERAWFS=1 -sEXIT_RUNTIME=1 -sWASM_ASYNC_COMPILATION=0 iconv-detect.c -o "$work/iconv-detect.js"
  run node "$work/iconv-detect.js"
  [ -s iconv-detect.h ] || die "iconv-detect produced no iconv-detect.h"
  cat iconv-detect.h >> "$logfile"
  run ./configure --host=wasm32-unknown-emscripten --prefix=/usr/local \
    "${GMIME_CONFIGURE[@]}" "${ac_env[@]}" ac_cv_have_iconv_detect_h=yes CFLAGS="$LIB_CFLAGS"
  run make -j"$JOBS" -C util
  run make -j"$JOBS" -C gmime
  run make -C gmime install DESTDIR="$root"
  run make install-pkgconfigDATA DESTDIR="$root"
)
mkdir -p "$stage/share/licenses/gmime"; cp "$src/COPYING" "$stage/share/licenses/gmime/"
fix_pc_files
step_done gmime

# --- Clean the prefix: only what consumers need -------------------------------------------
rm -rf "${stage:?}/bin" "$stage/libexec" "$stage/share/aclocal" "$stage/share/gdb" \
       "$stage/share/gettext" "$stage/share/glib-2.0" "$stage/share/man" "$stage/share/doc" \
       "$stage/share/gtk-doc" "$stage/share/bash-completion"
rm -f "$stage"/lib/*.la
rm -f "$stage/lib/libpcre2-posix.a" "$stage/lib/pkgconfig/libpcre2-posix.pc" "$stage/include/pcre2posix.h"

# --- Check: no threaded and no PIC objects (emcc-no-pthread.sh) ---------------------------
# -pthread compiles to objects whose wasm target_features section has "+atomics"
# (0x2b, length 7, "atomics"); -fPIC to objects importing from "GOT.mem" / "GOT.func".
for a in "$stage"/lib/*.a; do
  if LC_ALL=C grep -qaF $'+\aatomics' "$a"; then
    die "$a contains objects built with atomics (-pthread leaked through)"
  fi
  if LC_ALL=C grep -qaE 'GOT\.(mem|func)' "$a"; then
    die "$a contains position-independent objects (-fPIC leaked through)"
  fi
done
if grep -q -- '-pthread' "$work/glib-build/build.ninja" && grep -q -- '-fPIC' "$work/glib-build/build.ninja"; then
  echo "glib: build.ninja passes -pthread and -fPIC (dropped by emcc-no-pthread.sh)" >> "$logfile"
fi

# --- GMime's test programs, built for node ------------------------------------------------
step "test programs"
pc_cflags="$(pkg-config --cflags gmime-3.0)"
pc_libs="$(pkg-config --static --libs gmime-3.0)"
gobject_cflags="$(pkg-config --cflags gobject-2.0)"
gobject_libs="$(pkg-config --static --libs gobject-2.0)"
tests="iconv streams cat encodings filters headers mime-part partial mbox autocrypt mime"
# Programs are compiled and linked in one emcc call with -O2 only (in TEST_LDFLAGS): with
# Emscripten 3.1.6, `-Oz ... -O2` in one command still runs wasm-opt at -Oz (-O2 does not
# reset the shrink level that -Oz set).
(
  cd "$gmime_src/tests"
  for t in $tests; do
    # shellcheck disable=SC2086
    run emcc -I.. -I../util -DG_LOG_DOMAIN='"gmime-tests"' $pc_cflags \
      "test-$t.c" testsuite.c "${TEST_LDFLAGS[@]}" $pc_libs -o "$stage/tests/test-$t.js"
  done
  cp -r data "$stage/tests/data"
)
# Our probes (see their sources): decode checks for the charsets whose encoders musl lacks,
# the libffi tripwire (a signal emission through the generic marshaller, which must die
# with the stand-in's message), and the Debian patch check.
# shellcheck disable=SC2086
run emcc -Wall -Wextra -Werror $pc_cflags "$files/charset-check.c" \
  "${TEST_LDFLAGS[@]}" $pc_libs -o "$stage/tests/charset-check.js"
# shellcheck disable=SC2086
run emcc -Wall -Wextra -Werror $gobject_cflags "$files/ffi-tripwire.c" \
  "${TEST_LDFLAGS[@]}" $gobject_libs -o "$stage/tests/ffi-tripwire.js"
# Behaviour that Debian's gmime patches change (the runner fails if it is upstream's).
# shellcheck disable=SC2086
run emcc -Wall -Wextra -Werror $pc_cflags "$files/debian-patch-check.c" \
  "${TEST_LDFLAGS[@]}" $pc_libs -o "$stage/tests/debian-patch-check.js"
# Size probe: GMime linked the way the MIME module will be (web, ES module, no file system),
# parsing a message from memory. Its size is recorded in BUILD-INFO; the runner loads it in
# node with wasmBinary.
# shellcheck disable=SC2086
run emcc -Wall -Wextra -Werror $pc_cflags "$files/size-probe.c" "${SIZE_PROBE_LDFLAGS[@]}" \
  $pc_libs -lglib-wasm-nofs -o "$stage/tests/size-probe.mjs"
size_raw="$(stat -c %s "$stage/tests/size-probe.wasm")"
size_gz="$(gzip -9 -n -c "$stage/tests/size-probe.wasm" | wc -c)"
step_done tests

# --- Check: EMULATE_FUNCTION_POINTER_CASTS is still needed (else drop it from the .pc) ----
# The tripwire's type registration calls class_init through a 2-argument pointer; without
# the flag the very first g_object_new traps.
# shellcheck disable=SC2086
run emcc -O2 $gobject_cflags -DPROBE_ONLY_TYPES "$files/ffi-tripwire.c" \
  ${gobject_libs//-sEMULATE_FUNCTION_POINTER_CASTS=1/} \
  -sWASM_ASYNC_COMPILATION=0 -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 -o "$work/fpcast-probe.js"
if node "$work/fpcast-probe.js" > "$work/fpcast-probe.out" 2>&1; then
  die "a GObject program ran without -sEMULATE_FUNCTION_POINTER_CASTS=1: re-check that workaround"
fi
grep -E 'Error|mismatch' "$work/fpcast-probe.out" | cut -c1-200 >> "$logfile" || true
grep -q "function signature mismatch" "$work/fpcast-probe.out" ||
  die "the probe without EMULATE_FUNCTION_POINTER_CASTS failed, but not with a signature mismatch"

# --- BUILD-INFO and publish --------------------------------------------------------------
{
  echo "gmime-wasm build $name"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $JOBS jobs"
  echo "sources (Debian $SUITE source packages: .orig tarball + Debian's patches):"
  echo "  zlib  $ZLIB_VERSION  sha256 $ZLIB_SHA256  $(basename "$src_zlib")"
  echo "        Debian $ZLIB_DEBIAN  sha256 $ZLIB_DEBIAN_SHA256  $(basename "$debian_zlib")"
  echo "  pcre2 $PCRE2_VERSION  sha256 $PCRE2_SHA256  $(basename "$src_pcre2")"
  echo "        Debian $PCRE2_DEBIAN  sha256 $PCRE2_DEBIAN_SHA256  $(basename "$debian_pcre2")"
  echo "  glib  $GLIB_VERSION  sha256 $GLIB_SHA256  $(basename "$src_glib")"
  echo "        Debian $GLIB_DEBIAN  sha256 $GLIB_DEBIAN_SHA256  $(basename "$debian_glib")"
  echo "  gmime $GMIME_VERSION  sha256 $GMIME_SHA256  $(basename "$src_gmime")"
  echo "        Debian $GMIME_DEBIAN  sha256 $GMIME_DEBIAN_SHA256  $(basename "$debian_gmime")"
  echo "Debian patches (series order, patch -p1 --fuzz=0; skipped ones: README.md, \"Debian patches\"):"
  printf '%s' "$debian_report"
  echo "  libffi: stand-in from scripts/gmime-wasm/libffi-standin (ffi_call aborts)"
  echo "toolchain:"
  printf '%s\n' "$toolchain_id" | sed 's/^/  /'
  echo "flags:"
  echo "  libraries: $LIB_CFLAGS"
  echo "  zlib configure: ${ZLIB_CONFIGURE[*]}"
  echo "  pcre2 configure: ${PCRE2_CONFIGURE[*]}"
  echo "  glib meson: ${GLIB_MESON[*]} (+ scripts/gmime-wasm/emscripten-cross.ini)"
  echo "  gmime configure: ${GMIME_CONFIGURE[*]}"
  echo "  test programs link: ${TEST_LDFLAGS[*]}"
  echo "  size probe link: ${SIZE_PROBE_LDFLAGS[*]}"
  echo "size probe (tests/size-probe.wasm): $size_raw bytes raw, $size_gz bytes gzip -9"
  echo "iconv-detect.h (musl iconv, detected under node):"
  sed 's/^/  /' "$gmime_src/iconv-detect.h"
  echo "durations: ${durations}total=$((SECONDS - build_start))s"
  echo "libraries:"
  for f in "$stage"/lib/*.a; do printf '  %-28s %9d bytes\n' "${f##*/}" "$(stat -c %s "$f")"; done
} > "$stage/BUILD-INFO"

mv -T "$stage" "$prefix"
log "done in $((SECONDS - build_start))s: $prefix"
echo "$prefix" >&3
