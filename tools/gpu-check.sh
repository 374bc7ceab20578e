#!/usr/bin/env bash
# BatchLr GPU check: BatchLr's NVML memory probe against a real NVIDIA GPU, in one readable report.
#
#   tools/gpu-check.sh --build             on a dev machine with the .NET SDK: publish the check, self-contained for
#                                          linux-x64, into artifacts/gpu-check/ (a single file, no .NET needed to run it)
#   tools/gpu-check.sh [options]           on the GPU machine (Linux, NVIDIA driver, Python with PyTorch; no .NET, no
#                                          network): run every check on cuda:0 and print the report
#
# Carry the repository's tools/ folder and artifacts/gpu-check/ to the GPU machine (or the whole working tree with
# artifacts/gpu-check in it) and run tools/gpu-check.sh there. Options for a run:
#   --device N            the CUDA device index to check, as in cuda:N (default 0)
#   --bundle DIR          where the published check is (default: artifacts/gpu-check next to tools/)
#   --python PATH         the Python with PyTorch (default: python3)
#   anything after --     passed to the allocation check (--fixed-mib, --per-sample-mib, --trials, --tolerance-percent)
#
# Exit status: 0 every check passed (the PyTorch comparison may be skipped where PyTorch or CUDA in it is missing),
# 1 a check failed, 2 the checks could not run (no bundle, NVML unavailable), 64 bad arguments.
# The whole run takes well under ten minutes: each step has its own time limit (devices 60 s, PyTorch 150 s, allocation 240 s; 8 minutes at worst).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
bundle="$repo/artifacts/gpu-check"
device=0
python=python3
extra=()
build=false

while (($#)); do
  case "$1" in
    --build) build=true; shift ;;
    --device) device=${2:?--device needs a value}; shift 2 ;;
    --bundle) bundle=${2:?--bundle needs a value}; shift 2 ;;
    --python) python=${2:?--python needs a value}; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 64 ;;
  esac
done

if [[ ! "$device" =~ ^[0-9]+$ ]]; then
  echo "gpu-check: --device must be a CUDA device index, not '$device'" >&2
  exit 64
fi

if $build; then
  command -v dotnet >/dev/null || { echo "gpu-check --build needs the .NET SDK (dotnet on PATH)." >&2; exit 2; }
  rm -rf "$bundle"
  dotnet publish "$here/BatchLr.GpuCheck/BatchLr.GpuCheck.csproj" -c Release -r linux-x64 --self-contained \
    -o "$bundle" -nologo -v quiet || exit 1
  limit=$((64 * 1024 * 1024))
  size=$(du -sb "$bundle" | cut -f1)
  echo "gpu-check: published $bundle ($(ls "$bundle" | paste -sd' ')): $size bytes ($((size / 1024 / 1024)) MiB; the limit is 64 MiB)"
  ((size <= limit)) || { echo "gpu-check: the bundle is over 64 MiB" >&2; exit 1; }
  exit 0
fi

tool="$bundle/BatchLr.GpuCheck"
declare -a results=()
record() { results+=("$1"); }

# The tool's closing line is "RESULT <check>: PASS|FAIL|UNAVAILABLE (...)"; a step killed by its time limit has none.
run_step() {
  local name=$1 limit=$2; shift 2
  local out status
  out=$(timeout --kill-after=10 "$limit" "$@" 2>&1); status=$?
  printf '%s\n' "$out"
  if ((status == 124 || status == 137)); then
    echo "RESULT $name: FAIL (no result within ${limit} s)"
    record "$name: FAIL (timed out)"
  elif line=$(printf '%s\n' "$out" | grep -m1 "^RESULT $name: "); then
    record "${line#RESULT }"
  else
    record "$name: FAIL (exit status $status, no result line)"
  fi
  return "$status"
}

summary() {
  echo
  echo "== Summary"
  local r
  for r in "${results[@]}"; do echo "  $r"; done
}

echo "BatchLr GPU check, $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(uname -n) ($(uname -sr))"
echo
echo "== Environment"
echo "  CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-(not set)}  CUDA_DEVICE_ORDER=${CUDA_DEVICE_ORDER-(not set)}"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=index,name,pci.bus_id,driver_version,memory.total,memory.free,memory.used --format=csv 2>&1 | sed 's/^/  nvidia-smi: /'
else
  echo "  nvidia-smi: not found"
fi

if [[ ! -x "$tool" ]]; then
  echo "  the check is not built: no $tool"
  echo "  build it on a machine with the .NET SDK with 'tools/gpu-check.sh --build' and carry artifacts/gpu-check/ here"
  record "bundle: UNAVAILABLE (not built)"
  summary
  exit 2
fi
echo "  check: $tool ($(du -b "$tool" | cut -f1) bytes)"
echo

run_step nvml 60 "$tool" devices --device "$device"
status=$?
if ((status == 2)); then
  echo
  echo "NVML unavailable: nothing more can be checked on this machine."
  summary
  exit 2
fi
echo

# PyTorch's view, read while its context is alive; the check reads NVML at that moment, from inside the same run.
echo "== PyTorch"
echo "  \$ $python -c 'import torch; print(torch.cuda.mem_get_info())'"
read -r -d '' compare_py <<'PY'
import subprocess, sys
device, tool = int(sys.argv[1]), sys.argv[2]
try:
    import torch
except Exception as e:
    print(f"  PyTorch cannot be imported: {e}")
    print("RESULT compare: UNAVAILABLE (no PyTorch)")
    sys.exit(2)
if not torch.cuda.is_available():
    print(f"  torch {torch.__version__}: torch.cuda.is_available() is False")
    print("RESULT compare: UNAVAILABLE (PyTorch has no CUDA)")
    sys.exit(2)
print(f"  {torch.cuda.mem_get_info()}")
free, total = torch.cuda.mem_get_info(device)
props = torch.cuda.get_device_properties(device)
bus = None
if all(hasattr(props, a) for a in ("pci_domain_id", "pci_bus_id", "pci_device_id")):
    bus = "%04x:%02x:%02x.0" % (props.pci_domain_id, props.pci_bus_id, props.pci_device_id)
print(f"  torch {torch.__version__} (CUDA {torch.version.cuda}): cuda:{device} is {props.name}, PCI bus id {bus or 'not reported'}")
print(f"  torch.cuda.mem_get_info({device}) = (free {free}, total {total})")
sys.stdout.flush()
args = [tool, "compare", "--device", str(device), "--torch-free", str(free), "--torch-total", str(total)]
if bus:
    args += ["--torch-bus-id", bus]
sys.exit(subprocess.call(args))
PY
if command -v "$python" >/dev/null; then
  run_step compare 150 "$python" -c "$compare_py" "$device" "$tool"
else
  echo "  $python: not found"
  echo "RESULT compare: UNAVAILABLE (no Python)"
  record "compare: UNAVAILABLE (no Python)"
fi
echo

run_step alloc 240 "$tool" alloc --device "$device" "${extra[@]}"

summary
if printf '%s\n' "${results[@]}" | grep -q ": FAIL"; then
  exit 1
fi
if printf '%s\n' "${results[@]}" | grep -q "^alloc: UNAVAILABLE"; then
  exit 2
fi
exit 0
