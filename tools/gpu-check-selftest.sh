#!/usr/bin/env bash
# Runs tools/gpu-check.sh on a machine without a GPU: once as it is (NVML must be reported unavailable, cleanly), then
# against a fake NVIDIA driver (tools/gpu-check-fake/fake_driver.c, built here with cc) and a fake PyTorch, to exercise
# every path of the report. It checks the script and the tool's logic, not NVML's or CUDA's real behaviour: that is what
# tools/gpu-check.sh on a GPU machine is for.
#
#   tools/gpu-check-selftest.sh          needs cc, python3, and the bundle (tools/gpu-check.sh --build)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
check="$here/gpu-check.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

cc -shared -fPIC -O1 -o "$work/libfake.so" "$here/gpu-check-fake/fake_driver.c" || exit 2
ln -s libfake.so "$work/libnvidia-ml.so.1"
ln -s libfake.so "$work/libcuda.so.1"

# expect <name> <exit status> <text the report must contain>... -- <command>
expect() {
  local name=$1 want=$2; shift 2
  local -a needles=()
  while [[ $1 != -- ]]; do needles+=("$1"); shift; done
  shift
  local out status missing=()
  out=$("$@" 2>&1); status=$?
  local needle
  for needle in "${needles[@]}"; do
    grep -qF -- "$needle" <<<"$out" || missing+=("$needle")
  done
  if ((status == want)) && ((${#missing[@]} == 0)); then
    echo "PASS $name"
  else
    echo "FAIL $name: exit status $status (expected $want); missing: ${missing[*]:-nothing}"
    sed 's/^/    | /' <<<"$out"
    failures=$((failures + 1))
  fi
}

if ldconfig -p 2>/dev/null | grep -q libnvidia-ml.so.1; then
  echo "SKIP no-driver: this machine has NVML"
else
  expect no-driver 2 "NVML unavailable: the library libnvidia-ml.so.1 could not be loaded" "nvml: UNAVAILABLE" -- "$check"
fi

export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the fake PyTorch's folder
fake=(env LD_LIBRARY_PATH="$work" PYTHONPATH="$here/gpu-check-fake")
expect all-pass 0 "cuda:0 -> NVML device 1" "nvml: PASS" "compare: PASS" "alloc: PASS" "predicted − real: +1 samples" -- \
  "${fake[@]}" "$check"
expect visible-devices-mapping 1 "NVML's choice at 00000000:5C:00.0: DIFFERENT" "compare: FAIL" "alloc: FAIL" -- \
  "${fake[@]}" CUDA_VISIBLE_DEVICES=1 "$check"
expect nvml-init-fails 2 "nvmlInit_v2 failed: Driver Not Loaded (NVML return code 9)" "nvml: UNAVAILABLE" -- \
  "${fake[@]}" FAKE_NVML_INIT=9 "$check"
expect no-pytorch 0 "PyTorch cannot be imported" "compare: UNAVAILABLE (no PyTorch)" "alloc: PASS" -- \
  env LD_LIBRARY_PATH="$work" PYTHONPATH="$work" "$check"
expect tolerance-too-tight 1 "tolerance 0 %: OUTSIDE" "alloc: FAIL" -- \
  "${fake[@]}" "$check" -- --tolerance-percent 0
expect missing-device 2 "CUDA device 5 does not exist" "nvml: UNAVAILABLE (device not found)" -- \
  "${fake[@]}" "$check" --device 5

((failures == 0)) && echo "gpu-check self-test: all passed" || echo "gpu-check self-test: $failures failed"
((failures == 0))
