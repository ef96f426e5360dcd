# Sourced: how to run the CLI from this checkout, shared by the launcher, the class data archive and
# the benchmarks. Sets JAVA, CLI_CLASSPATH and CLI_JAVA_OPTS (MIRRORSEED_JAVA_OPTS replaces the latter),
# and CLI_COMMAND, the three as one command line.
ROOT=${ROOT:-"$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"}
JAVA="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  JAVA="$JAVA_HOME/bin/java"
fi
# Jars only: a class data archive cannot cover classes loaded from a directory.
CLI_CLASSPATH="$ROOT/cli/target/mirrorseed-cli.jar:$ROOT/cli/target/lib/*"
# The serial GC: the CLI is one process with a few busy threads. Not C1 for everything
# (TieredStopAtLevel=1): it starts the embedded broker ~1 s sooner but hashes blobs 5x slower (10.5 s
# vs 2.2 s to stage bench/staging.sh's 1 GB tar with push --dry-run); hence the directives below. The
# class data archive, when there is one, is only a faster start: a stale one is ignored without a word
# (-Xshare:auto, its logging off).
# A 64 MiB initial heap: the serial collector sizes its young generation from the initial heap (1/64 of
# RAM: 384 MiB on a 24 GiB machine), and a push touches all of it. Pushing a 2 GiB one-layer image
# peaked at 329-354 MiB RSS with the default (4 runs, 23.5-24.3 s) and at 249-255 MiB with this (5 runs,
# 23.4-26.7 s; 23.4 and 24.5 s in the two run alternately with the default's); the heap still grows
# when a run needs more.
CLI_JAVA_OPTS=(-XX:+UseSerialGC -Xms64m)
# C2, the optimising JIT compiler, only where a push spends its CPU per byte: hashing and TLS
# (sun.security, com.sun.crypto, javax.crypto) and xz decoding (scripts/jit-directives.json, first
# match wins); C1 compiles the rest. C2 compiling the broker, the clients and the rest took about half
# of a push's CPU on this 2-core machine, which the registry needs too. Measured against C2 for all,
# alternately: 20 images of 1 GB cold 6.2-6.6 s against 7.0-7.8 s (3 each) and all present 3.0-3.2 s
# against 3.6-3.8 s; 200 small images 9.7-10.1 s against 11.0 s; the same 1 GB over TLS 7.8-8.1 s
# against 8.9-9.2 s, but 26.7 s with crypto left to C1. -DisplayVMOutput drops the line the JVM prints
# on stdout for the directives; JVM warnings still reach stderr. A JVM refuses to start on a file it
# cannot read, so the flags go only with the file.
if [[ -f "$ROOT/scripts/jit-directives.json" ]]; then
  CLI_JAVA_OPTS+=(-XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile="$ROOT/scripts/jit-directives.json"
    -XX:-DisplayVMOutput)
fi
# The JDK's exact build, from its release file: an archive holds for the build that wrote it only,
# so each build gets its own (scripts/class-data-archive.sh writes CLI_ARCHIVE; running under another
# JAVA_HOME never hands a JVM an archive it cannot use).
# Every command this file runs is on the path of every CLI start: bash builtins where they do, and a
# program (readlink) only for a java reached through a symlink (/usr/bin/java).
JAVA_BUILD=""
java_home_in_use=$JAVA
[[ "$java_home_in_use" == */* ]] || java_home_in_use=$(command -v "$JAVA" 2>/dev/null || true)
if [[ -L "$java_home_in_use" ]]; then
  java_home_in_use=$(readlink -f "$java_home_in_use" 2>/dev/null || true)
fi
java_home_in_use=${java_home_in_use%/bin/java}
if [[ -n "$java_home_in_use" && -f "$java_home_in_use/release" ]]; then
  while IFS= read -r release_line; do
    if [[ "$release_line" =~ ^JAVA_RUNTIME_VERSION=\"(.*)\"$ ]]; then
      JAVA_BUILD=${BASH_REMATCH[1]}
    fi
  done < "$java_home_in_use/release"
fi
JAVA_FEATURE=${JAVA_BUILD%%[.+-]*}
[[ "$JAVA_FEATURE" =~ ^[0-9]+$ ]] || JAVA_FEATURE=0
# JDK 25 and later get an AOT cache (JEP 483, 514, 515): classes loaded and linked ahead of time, plus
# the training run's method profiles; earlier JDKs a class data archive. A warm push of the bench's 20
# images (1.1 GB, all present) through ./mirrorseed, alternating, 3 runs each: Temurin 25 with its cache
# 4.09-5.29 s (median 4.67), without it 5.73-6.45 s, JDK 17 with its archive 4.99-5.55 s (median 5.26);
# cold into a fresh registry 7.38-8.95 s on 25 against 8.14-9.68 s on 17.
CLI_ARCHIVE=""
if [[ -n "$JAVA_BUILD" ]]; then
  if ((JAVA_FEATURE >= 25)); then
    CLI_ARCHIVE="$ROOT/cli/target/archives/$JAVA_BUILD.aot"
  else
    CLI_ARCHIVE="$ROOT/cli/target/archives/$JAVA_BUILD.jsa"
  fi
fi
# An archive is mapped where it was dumped (ArchiveRelocationMode=0; JDK 17.0.15 here relocates it to
# a random address by default): relocating its 80 MB took ~185 ms of every start (-Xlog:cds), and
# `mirrorseed --version` took 588-616 ms against 666-721 ms (8 runs each, alternating). Where that
# address is taken, the JVM relocates it anyway.
if [[ -n "$CLI_ARCHIVE" && -f "$CLI_ARCHIVE" ]]; then
  if [[ "$CLI_ARCHIVE" == *.aot ]]; then
    CLI_JAVA_OPTS+=(-XX:AOTCache="$CLI_ARCHIVE" -Xlog:aot=off -Xlog:cds=off -Xlog:class+path=off)
  else
    CLI_JAVA_OPTS+=(-XX:SharedArchiveFile="$CLI_ARCHIVE" -Xshare:auto -Xlog:cds=off -Xlog:class+path=off)
  fi
  CLI_JAVA_OPTS+=(-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0)
fi
# Temurin 25.0.3 fails to match the call adapters an AOT cache stored (a "Saved blob's name ... is
# different" warning on stdout, three per start) and makes them anew: so none are stored or looked up.
if ((JAVA_FEATURE >= 25)); then
  CLI_JAVA_OPTS+=(-XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching)
fi
# The embedded broker unmaps its index files through sun.misc.Unsafe (Kafka's ByteBufferUnmapper), which
# JDK 24 and later warn about on stderr at first use (JEP 498); the option exists from JDK 23.
if ((JAVA_FEATURE >= 23)); then
  CLI_JAVA_OPTS+=(--sun-misc-unsafe-memory-access=allow)
fi
# zstd-jni loads its native library for .tar.zst bundles, which JDK 24 and later warn about on stderr
# unless native access is enabled (JEP 472).
if ((JAVA_FEATURE >= 24)); then
  CLI_JAVA_OPTS+=(--enable-native-access=ALL-UNNAMED)
fi
if [[ -n "${MIRRORSEED_JAVA_OPTS:-}" ]]; then
  read -ra CLI_JAVA_OPTS <<< "$MIRRORSEED_JAVA_OPTS"
fi
# The CLI's command line: the launcher runs it, the benches run it without the launcher's build check.
CLI_COMMAND=("$JAVA" "${CLI_JAVA_OPTS[@]}" -cp "$CLI_CLASSPATH" dev.mirrorseed.cli.Main)
# What the benchmarks print first, so their figures say which runtime made them.
archive_in_use="no class archive"
if [[ -n "$CLI_ARCHIVE" && -f "$CLI_ARCHIVE" ]]; then
  archive_in_use="class archive ${CLI_ARCHIVE##*/}"
fi
CLI_RUNTIME="Java ${JAVA_BUILD:-(unknown build)} ($JAVA), $archive_in_use"
if [[ -n "${MIRRORSEED_JAVA_OPTS:-}" ]]; then
  CLI_RUNTIME+=", MIRRORSEED_JAVA_OPTS"
fi
