using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace BatchLr.TorchSharp;

/// <summary>Reads micro-batches from tensors in memory with one <c>index_select</c> per tensor: no work per sample, so nothing to prefetch.</summary>
internal sealed class TensorSource : MicroBatchSource<IList<Tensor>>
{
    private readonly Tensor[] _tensors;
    private readonly Device? _target;
    private readonly bool[] _onCpu;
    private readonly bool[] _move;

    public TensorSource(Tensor[] tensors, Device? target)
    {
        _tensors = tensors;
        _target = target;

        // Devices are read once here, not per batch: each read is a native call.
        _onCpu = Array.ConvertAll(tensors, t => t.device_type == DeviceType.CPU);
        _move = Array.ConvertAll(tensors, t => target is not null && (t.device_type != target.type || t.device_index != target.index));
    }

    public override IList<Tensor> Read(Tensor indices)
    {
        var batch = new Tensor[_tensors.Length];
        for (int i = 0; i < _tensors.Length; i++)
        {
            Tensor source = _tensors[i];
            Tensor rows;
            if (_onCpu[i])
            {
                rows = source.index_select(0, indices);
            }
            else
            {
                using Tensor where = indices.to(source.device);
                rows = source.index_select(0, where);
            }

            batch[i] = _move[i] ? rows.to(_target!, disposeAfter: true) : rows;
        }

        return batch;
    }
}
