#!/usr/bin/env bash
# The checks that need a GPU, in one run (bench/RESULTS.md records their output):
#   1. bench/gpu.py: 784-512-512-10 at batch 1024 on the GPU against the CPU of the same machine,
#      and bench/gpu_calls.py: the host's cost of each kind of CuPy call in its training step;
#   2. tests/test_device.py, whose GPU tests skip elsewhere;
#   3. the engine, optimizer and fit test modules (tests/gpu_suites.txt) with every model on the
#      GPU (NUMNET_DEVICE=gpu).
# usage: bash bench/gpu_check.sh [OUTDIR]   (needs CuPy, pytest, pytest-xdist and pytest-timeout)
set -u
out=${1:-gpu-check}
mkdir -p "$out"
py=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  $py -c "import sys, numpy, cupy; print('python', sys.version.split()[0], 'numpy', numpy.__version__, 'cupy', cupy.__version__)"
  nproc; } 2>&1 | tee "$out/machine.txt"
timeout "${BENCH_S:-150}" $py bench/gpu.py --torch --json "$out/gpu_bench.json" \
  --profile "$out/gpu_profile.txt" 2>&1 | tee "$out/gpu_bench.log"
timeout 60 $py bench/gpu_calls.py 2>&1 | tee "$out/gpu_calls.log"
timeout "${DEVICE_TESTS_S:-120}" $py -m pytest -q -p no:cacheprovider -rfE tests/test_device.py \
  2>&1 | tee "$out/device_tests.log" | tail -25
NUMNET_DEVICE=gpu timeout "${SUITES_S:-240}" $py -m pytest -q -p no:cacheprovider -rfE \
  -n "${WORKERS:-8}" --timeout 120 --junitxml="$out/gpu_suites.xml" \
  $(grep -v '^#' tests/gpu_suites.txt) 2>&1 | tee "$out/gpu_suites.log" | tail -80
