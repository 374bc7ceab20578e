#!/usr/bin/env bash
# The consumer test: uses the three packages the way a user does, from a package feed, in a fresh project.
#
#  1. packs BatchLr, BatchLr.TorchSharp and BatchLr.Cli under a version no cache can hold yet
#     (0.0.0-consumer.<time>.<pid>) into a temporary feed;
#  2. creates a console project in a temporary folder whose nuget.config adds that feed to the
#     default sources, adds BatchLr, BatchLr.TorchSharp and TorchSharp-cpu by name, builds it and
#     trains a few planned steps from tests/consumer/spec.json (tests/consumer/Program.cs);
#  3. installs the batchlr tool from the feed into a temporary tool path, and checks that
#     `batchlr schedule` prints the same plan the program trained, and that `batchlr --help` works.
#
# Packages restore into a temporary packages folder that falls back, read-only, on the NuGet global
# packages folder (where TorchSharp-cpu and LibTorch already are after the tests ran), so nothing is
# added to the user's cache. The last line is "consumer test: PASS (N s)" or "consumer test: FAIL: why";
# the exit code is 0 or 1. Everything temporary is removed at the end (kept, and named, with
# BATCHLR_CONSUMER_KEEP=1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
start=$SECONDS

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

global_packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
work="$(mktemp -d "${TMPDIR:-/tmp}/batchlr-consumer.XXXXXX")"
if [ "${BATCHLR_CONSUMER_KEEP:-}" = 1 ]; then
  trap 'echo "consumer test: kept $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
feed="$work/feed"
app="$work/app"
log="$work/log"
mkdir -p "$feed" "$app"

fail() {
  echo "consumer test: FAIL: $1"
  exit 1
}

# Runs a step quietly; on failure shows the end of its output and fails the test.
step() {
  local what="$1"
  shift
  echo "consumer test: $what"
  if ! "$@" >"$log" 2>&1; then
    tail -n 40 "$log"
    fail "$what"
  fi
}

version="0.0.0-consumer.$(date -u +%s).$$"
torchsharp_cpu="$(sed -n 's/.*Include="TorchSharp-cpu" Version="\([^"]*\)".*/\1/p' "$root/Directory.Packages.props")"
[ -n "$torchsharp_cpu" ] || fail "no TorchSharp-cpu version in Directory.Packages.props"

# 1. Pack, building into the temporary folder so the repository's own outputs stay as they are.
step "pack $version" dotnet pack "$root/BatchLr.sln" -c Release -o "$feed" \
  --artifacts-path "$work/build" -p:MinVerVersionOverride="$version"
for id in BatchLr BatchLr.TorchSharp BatchLr.Cli; do
  [ -f "$feed/$id.$version.nupkg" ] || fail "pack made no $id.$version.nupkg"
  [ -f "$feed/$id.$version.snupkg" ] || fail "pack made no $id.$version.snupkg"
done

# 2. A fresh console project that finds BatchLr only in the feed and everything else in the default sources,
#    restoring into a folder of its own (the pack above restored the repository as usual).
export NUGET_PACKAGES="$work/packages"
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo '  <packageSources>'
  echo "    <add key=\"batchlr-consumer-feed\" value=\"$feed\" />"
  echo '  </packageSources>'
  if [ -d "$global_packages" ]; then
    echo '  <fallbackPackageFolders>'
    echo "    <add key=\"global-packages\" value=\"$global_packages\" />"
    echo '  </fallbackPackageFolders>'
  fi
  echo '</configuration>'
} >"$app/nuget.config"
step "new console project" dotnet new console -n Consumer -o "$app" --framework net10.0 --no-restore
cp "$here/Program.cs" "$here/spec.json" "$app/"
step "add package BatchLr" dotnet add "$app/Consumer.csproj" package BatchLr --version "$version" --no-restore
step "add package BatchLr.TorchSharp" dotnet add "$app/Consumer.csproj" package BatchLr.TorchSharp --version "$version" --no-restore
step "add package TorchSharp-cpu" dotnet add "$app/Consumer.csproj" package TorchSharp-cpu --version "$torchsharp_cpu" --no-restore
step "build" dotnet build "$app/Consumer.csproj" -c Release -warnaserror
for id in batchlr batchlr.torchsharp; do
  grep -q "\"source\": \"$feed" "$NUGET_PACKAGES/$id/$version/.nupkg.metadata" 2>/dev/null \
    || fail "$id $version was not restored from the temporary feed"
done
step "run the training program" dotnet "$app/bin/Release/net10.0/Consumer.dll" "$app/spec.json"
cp "$log" "$work/program.out"
grep -q "^batchlr-version $version" "$work/program.out" || fail "the program did not run BatchLr $version: $(head -n 1 "$work/program.out")"
grep -qx "trained" "$work/program.out" || fail "the loss did not halve: $(grep '^loss' "$work/program.out")"
grep -E '^(step,|[0-9])' "$work/program.out" >"$work/trained.csv"
[ "$(grep -c '^[0-9]' "$work/trained.csv")" -eq 8 ] || fail "the program did not train the 8 planned steps"

# 3. The tool, installed from the feed.
step "install the batchlr tool" dotnet tool install BatchLr.Cli --version "$version" \
  --tool-path "$work/tools" --configfile "$app/nuget.config"
step "batchlr --help" "$work/tools/batchlr" --help
grep -q "schedule" "$log" || fail "batchlr --help does not mention the schedule command"
step "batchlr schedule" "$work/tools/batchlr" schedule --spec "$app/spec.json" --steps 8
if ! diff "$work/trained.csv" "$log" >"$work/diff"; then
  cat "$work/diff"
  fail "batchlr schedule printed another plan than the program trained"
fi

echo "consumer test: $(grep '^loss' "$work/program.out"); batchlr schedule printed the plan the program trained"
echo "consumer test: PASS ($((SECONDS - start)) s)"
