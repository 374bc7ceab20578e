// The samples seed TorchSharp's one default generator and time their runs: run the test classes one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
