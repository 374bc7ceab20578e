using System;
using System.Globalization;

namespace BatchLr.TorchSharp;

/// <summary>A PCI address, <c>domain:bus:device.function</c>, in any of the spellings NVML, CUDA and <c>lspci</c> use.</summary>
/// <remarks>
/// NVML writes <c>00000000:3B:00.0</c>, CUDA (<c>cuDeviceGetPCIBusId</c>) and PyTorch <c>0000:3b:00.0</c>, <c>lspci</c>
/// <c>3b:00.0</c> (domain 0); all parse to the same value, and the order is CUDA's <c>PCI_BUS_ID</c> order.
/// </remarks>
internal readonly record struct PciBusId(uint Domain, uint Bus, uint Device, uint Function) : IComparable<PciBusId>
{
    /// <summary>Parses <c>[domain:]bus:device.function</c>, every part in hexadecimal.</summary>
    public static bool TryParse(string? text, out PciBusId id)
    {
        id = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string[] parts = text.Trim().Split(':');
        if (parts.Length is < 2 or > 3)
        {
            return false;
        }

        string domainText = parts.Length == 3 ? parts[0] : "0";
        string busText = parts[^2];
        string[] deviceFunction = parts[^1].Split('.');
        if (deviceFunction.Length != 2
            || !TryHex(domainText, 8, uint.MaxValue, out uint domain)
            || !TryHex(busText, 2, 0xFF, out uint bus)
            || !TryHex(deviceFunction[0], 2, 0x1F, out uint device)
            || !TryHex(deviceFunction[1], 1, 0x7, out uint function))
        {
            return false;
        }

        id = new PciBusId(domain, bus, device, function);
        return true;
    }

    /// <inheritdoc/>
    public int CompareTo(PciBusId other)
    {
        int c = Domain.CompareTo(other.Domain);
        c = c != 0 ? c : Bus.CompareTo(other.Bus);
        c = c != 0 ? c : Device.CompareTo(other.Device);
        return c != 0 ? c : Function.CompareTo(other.Function);
    }

    /// <summary>Writes the id as NVML does: <c>00000000:3B:00.0</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Domain:X8}:{Bus:X2}:{Device:X2}.{Function:X}");

    private static bool TryHex(string text, int maxDigits, uint max, out uint value)
    {
        value = 0;
        return text.Length is > 0 && text.Length <= maxDigits
            && uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            && value <= max;
    }
}
