// A fake NVIDIA driver for tools/gpu-check-selftest.sh: NVML and the CUDA driver API over one memory pool, two H100s
// whose NVML order (5C, 1A) is not their PCI bus order, and a CUDA driver that ignores CUDA_VISIBLE_DEVICES (so a
// mapping that follows it is caught as different). Built as one library, loaded as both libnvidia-ml.so.1 and libcuda.so.1.
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
static const unsigned long long GiB = 1ull << 30, MiB = 1ull << 20;
static unsigned long long total = 80ull << 30, used = 1ull << 30;
static const char* names[2] = {"NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3"};
static const char* buses[2] = {"00000000:5C:00.0", "00000000:1A:00.0"};
static const char* uuids[2] = {"GPU-5c5c5c5c-1111-2222-3333-444444444444", "GPU-1a1a1a1a-1111-2222-3333-444444444444"};
int nvmlInit_v2(void) { return getenv("FAKE_NVML_INIT") ? atoi(getenv("FAKE_NVML_INIT")) : 0; }
int nvmlShutdown(void) { return 0; }
int nvmlDeviceGetCount_v2(unsigned* c) { *c = 2; return 0; }
int nvmlDeviceGetHandleByIndex_v2(unsigned i, void** d) { if (i > 1) return 2; *d = (void*)(uintptr_t)(i + 1); return 0; }
int nvmlDeviceGetName(void* d, char* n, unsigned len) { snprintf(n, len, "%s", names[(uintptr_t)d - 1]); return 0; }
int nvmlDeviceGetUUID(void* d, char* n, unsigned len) { snprintf(n, len, "%s", uuids[(uintptr_t)d - 1]); return 0; }
int nvmlDeviceGetPciInfo_v3(void* d, char* pci) { memset(pci, 0, 68); snprintf(pci, 16, "%.12s", buses[(uintptr_t)d - 1] + 4); snprintf(pci + 36, 32, "%s", buses[(uintptr_t)d - 1]); return 0; }
// Only the device with the lower bus id (NVML 1, CUDA 0) has the pool; the other reports itself empty.
int nvmlDeviceGetMemoryInfo(void* d, nvmlMemory_t* m) {
  if ((uintptr_t)d == 2) { m->total = total; m->free = total - used - 300 * MiB; m->used = used; }
  else { m->total = total; m->free = total - GiB; m->used = GiB; }
  return 0;
}
const char* nvmlErrorString(int r) { return r == 9 ? "Driver Not Loaded" : "Unknown Error"; }
// CUDA: device ordinal 0 is the bus-1A device.
int cuInit(unsigned f) { return 0; }
int cuDriverGetVersion(int* v) { *v = 12080; return 0; }
int cuDeviceGetCount(int* c) { *c = 2; return 0; }
int cuDeviceGet(int* d, int o) { if (o > 1) return 101; *d = o; return 0; }
int cuDeviceGetName(char* n, int len, int d) { snprintf(n, len, "%s", names[d]); return 0; }
int cuDeviceGetPCIBusId(char* b, int len, int d) { snprintf(b, len, "%s", d == 0 ? "0000:1A:00.0" : "0000:5C:00.0"); return 0; }
static int ctx;
int cuCtxCreate_v2(void** c, unsigned f, int d) { used += 512 * MiB; *c = &ctx; return 0; }
int cuCtxDestroy_v2(void* c) { used -= 512 * MiB; return 0; }
int cuDevicePrimaryCtxRetain(void** c, int d) { return cuCtxCreate_v2(c, 0, d); }
int cuDevicePrimaryCtxRelease_v2(int d) { return cuCtxDestroy_v2(0); }
int cuCtxSetCurrent(void* c) { return 0; }
int cuMemGetInfo_v2(size_t* f, size_t* t) { *t = total - 400 * MiB; *f = total - used - 300 * MiB; return 0; }
// Each allocation rounds up to 2 MiB; the driver keeps 64 MiB back, so the real limit sits a little under NVML's free figure.
#define MAXA 100000
static unsigned long long sizes[MAXA]; static int n;
int cuMemAlloc_v2(unsigned long long* p, size_t s) {
  unsigned long long r = (s + 2 * MiB - 1) / (2 * MiB) * (2 * MiB);
  if (used + 300 * MiB + 64 * MiB + r > total || n >= MAXA) return 2;
  used += r; sizes[n] = r; *p = (unsigned long long)(n + 1); n++; return 0;
}
int cuMemFree_v2(unsigned long long p) { used -= sizes[p - 1]; sizes[p - 1] = 0; return 0; }
int cuGetErrorName(int e, const char** s) { *s = e == 2 ? "CUDA_ERROR_OUT_OF_MEMORY" : "CUDA_ERROR_UNKNOWN"; return 0; }
