# A fake PyTorch for tools/gpu-check-selftest.sh: cuda:0 is the fake driver's bus-1A device.
__version__ = "0.0-fake"
class version: cuda = "12.8"
class _Props:
    name = "NVIDIA H100 80GB HBM3"; pci_domain_id = 0; pci_bus_id = 0x1A; pci_device_id = 0
class cuda:
    @staticmethod
    def is_available(): return True
    @staticmethod
    def mem_get_info(device=0): return ((80 << 30) - (1 << 30) - (300 << 20) - (500 << 20), (80 << 30) - (400 << 20))
    @staticmethod
    def get_device_properties(device): return _Props()
