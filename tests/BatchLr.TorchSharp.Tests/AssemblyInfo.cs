// TorchSharp's default random generator is one per process, and several tests seed it (manual_seed) and then draw from it
// (initial weights, dropout): run the test classes one after another, so no test draws from a generator another one seeded.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
