using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;

namespace BatchLr.TorchSharp;

/// <summary>Finds the NVML device behind a CUDA device index, or behind an NVML index, PCI bus id or UUID given explicitly.</summary>
/// <remarks>The rules are those documented on <see cref="CudaMemory.ForDevice(int)"/>; everything here is a pure function of its arguments.</remarks>
internal static class NvmlDeviceResolver
{
    /// <summary>The value of <c>CUDA_DEVICE_ORDER</c> that makes CUDA enumerate devices in PCI bus order.</summary>
    public const string PciBusOrder = "PCI_BUS_ID";

    /// <summary>Finds the device that CUDA, and so TorchSharp's <c>cuda:<paramref name="cudaIndex"/></c>, uses.</summary>
    /// <param name="cudaIndex">The CUDA device index, from 0.</param>
    /// <param name="devices">Every device NVML enumerates.</param>
    /// <param name="visibleDevices">The value of <c>CUDA_VISIBLE_DEVICES</c>, or <see langword="null"/> when it is not set.</param>
    /// <param name="deviceOrder">The value of <c>CUDA_DEVICE_ORDER</c>, or <see langword="null"/> when it is not set.</param>
    /// <param name="device">The device found.</param>
    /// <param name="reason">Why none was found.</param>
    public static bool TryResolveCuda(
        int cudaIndex,
        IReadOnlyList<NvmlDevice> devices,
        string? visibleDevices,
        string? deviceOrder,
        [NotNullWhen(true)] out NvmlDevice? device,
        [NotNullWhen(false)] out string? reason)
    {
        // CUDA's order of every device: PCI bus order when asked for; otherwise fastest first, which is the PCI bus order
        // when every device is the same product, and unknowable from NVML when they differ.
        List<NvmlDevice> byBus = [.. devices.OrderBy(d => d.BusId)];
        bool pciOrder = string.Equals(deviceOrder, PciBusOrder, StringComparison.Ordinal);
        string[] products = [.. devices.Select(d => d.Name).Distinct(StringComparer.Ordinal)];
        List<NvmlDevice>? cudaOrder = pciOrder || products.Length <= 1 ? byBus : null;
        string OrderProblem(int ordinal) => string.Create(
            CultureInfo.InvariantCulture,
            $"CUDA orders devices fastest first (CUDA_DEVICE_ORDER is {(deviceOrder is null ? "not set" : $"'{deviceOrder}'")}) and they differ ({string.Join(", ", products)}), so which one is CUDA's device {ordinal} cannot be told from NVML: set CUDA_DEVICE_ORDER={PciBusOrder}, or name the device by its PCI bus id or UUID (CudaMemory.ForNvmlDevice).");

        var visible = new List<NvmlDevice>();
        if (visibleDevices is null)
        {
            if (cudaOrder is null)
            {
                return Fail(OrderProblem(cudaIndex), out device, out reason);
            }

            visible = cudaOrder;
        }
        else
        {
            // CUDA reads the list up to its first entry that names no device, and ignores the rest.
            foreach (string entry in visibleDevices.Split(','))
            {
                string token = entry.Trim();
                if (token.Length > 0 && token.All(char.IsAsciiDigit))
                {
                    if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int ordinal) || ordinal >= devices.Count)
                    {
                        break;
                    }

                    if (cudaOrder is null)
                    {
                        return Fail(OrderProblem(ordinal) + $" (CUDA_VISIBLE_DEVICES='{visibleDevices}')", out device, out reason);
                    }

                    visible.Add(cudaOrder[ordinal]);
                }
                else if (token.StartsWith("GPU-", StringComparison.OrdinalIgnoreCase) && TryFindUuid(devices, token, out NvmlDevice? byUuid))
                {
                    visible.Add(byUuid);
                }
                else if (token.StartsWith("MIG-", StringComparison.OrdinalIgnoreCase))
                {
                    return Fail($"CUDA_VISIBLE_DEVICES='{visibleDevices}' names a MIG instance ({token}); NVML's memory figures would be the whole GPU's, not the instance's, so MIG instances are not supported.", out device, out reason);
                }
                else
                {
                    break;
                }

                if (visible.Count > cudaIndex)
                {
                    break;
                }
            }
        }

        if (cudaIndex >= visible.Count)
        {
            string visibility = visibleDevices is null ? "NVML sees" : $"CUDA_VISIBLE_DEVICES='{visibleDevices}' makes";
            return Fail(string.Create(CultureInfo.InvariantCulture, $"CUDA device {cudaIndex} does not exist: {visibility} {visible.Count} device(s) visible."), out device, out reason);
        }

        device = visible[cudaIndex];
        reason = null;
        return true;
    }

    /// <summary>Returns whether <paramref name="spec"/> is spelled as an NVML index, a PCI bus id or a GPU UUID.</summary>
    public static bool IsExplicitSpec(string spec)
    {
        string token = spec.Trim();
        return (token.Length > 0 && token.All(char.IsAsciiDigit))
            || PciBusId.TryParse(token, out _)
            || (token.StartsWith("GPU-", StringComparison.OrdinalIgnoreCase) && token.Length > 4);
    }

    /// <summary>Finds the device named by an NVML index (<c>2</c>), a PCI bus id (<c>0000:3b:00.0</c>) or a UUID or its unique prefix (<c>GPU-8932f937</c>).</summary>
    public static bool TryResolveExplicit(
        string spec,
        IReadOnlyList<NvmlDevice> devices,
        [NotNullWhen(true)] out NvmlDevice? device,
        [NotNullWhen(false)] out string? reason)
    {
        string token = spec.Trim();
        if (token.Length > 0 && token.All(char.IsAsciiDigit))
        {
            device = int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? devices.FirstOrDefault(d => d.Index == index) : null;
            reason = device is null ? string.Create(CultureInfo.InvariantCulture, $"NVML device {token} does not exist: NVML sees {devices.Count} device(s).") : null;
            return device is not null;
        }

        if (PciBusId.TryParse(token, out PciBusId busId))
        {
            device = devices.FirstOrDefault(d => d.BusId == busId);
            reason = device is null ? $"No NVML device is at PCI bus id {busId}; NVML sees {Describe(devices)}." : null;
            return device is not null;
        }

        if (TryFindUuid(devices, token, out device))
        {
            reason = null;
            return true;
        }

        return Fail($"No single NVML device has a UUID starting with '{token}'; NVML sees {Describe(devices)}.", out device, out reason);
    }

    private static bool TryFindUuid(IReadOnlyList<NvmlDevice> devices, string prefix, [NotNullWhen(true)] out NvmlDevice? device)
    {
        NvmlDevice[] matches = [.. devices.Where(d => d.Uuid.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))];
        device = matches.Length == 1 ? matches[0] : null;
        return device is not null;
    }

    private static string Describe(IReadOnlyList<NvmlDevice> devices) =>
        devices.Count == 0 ? "no device" : string.Join("; ", devices);

    private static bool Fail(string message, out NvmlDevice? device, out string? reason)
    {
        device = null;
        reason = message;
        return false;
    }
}
