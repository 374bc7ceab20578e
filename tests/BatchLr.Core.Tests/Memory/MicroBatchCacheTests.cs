using System;
using System.IO;
using BatchLr.Memory;

namespace BatchLr.Core.Tests.Memory;

public sealed class MicroBatchCacheTests : IDisposable
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "batchlr-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static SimulatedDevice Device() => new(16 * GiB, 2 * GiB, 1 * GiB, 12 * MiB, noiseBytes: 4 * MiB, seed: 3);

    private static MicroBatchSelectionOptions Options(SimulatedDevice device, MicroBatchCache cache, int max = 4096) => new()
    {
        MaxMicroBatchSize = max,
        Multiple = 8,
        Memory = device,
        Cache = cache,
        CacheKey = "resnet18/224px/fp32/sim-16GiB",
    };

    [Fact]
    public void Select_SecondRunSameKey_AnswersFromTheCacheWithoutATrial()
    {
        var cache = new MicroBatchCache();
        SimulatedDevice device = Device();
        MicroBatchSelection first = MicroBatchSelector.Select(device.Trial, Options(device, cache));

        MicroBatchSelection second = MicroBatchSelector.Select(_ => throw new InvalidOperationException("no trial may run"), Options(device, cache));

        first.Trials.Should().NotBeEmpty();
        second.Method.Should().Be(MicroBatchSelectionMethod.Cache);
        second.Trials.Should().BeEmpty();
        second.MicroBatchSize.Should().Be(first.MicroBatchSize);
        second.LargestMicroBatchSize.Should().Be(first.LargestMicroBatchSize);
        second.Fit.Should().Be(first.Fit);
        cache.Count.Should().Be(1);
    }

    [Fact]
    public void Select_OtherKey_RunsTrials()
    {
        var cache = new MicroBatchCache();
        SimulatedDevice device = Device();
        MicroBatchSelector.Select(device.Trial, Options(device, cache));
        MicroBatchSelectionOptions other = Options(device, cache);
        other.CacheKey = "resnet50/224px/fp32/sim-16GiB";
        int before = device.TrialCount;

        MicroBatchSelection selection = MicroBatchSelector.Select(device.Trial, other);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Model);
        device.TrialCount.Should().BeGreaterThan(before);
        cache.Count.Should().Be(2);
    }

    [Fact]
    public void Select_CachedSizeNoLongerAllowed_SelectsAgainAndReplacesIt()
    {
        var cache = new MicroBatchCache();
        SimulatedDevice device = Device();
        MicroBatchSelection first = MicroBatchSelector.Select(device.Trial, Options(device, cache));

        MicroBatchSelection second = MicroBatchSelector.Select(device.Trial, Options(device, cache, max: first.LargestMicroBatchSize - 8));

        second.Method.Should().NotBe(MicroBatchSelectionMethod.Cache);
        second.MicroBatchSize.Should().Be(first.LargestMicroBatchSize - 8, "the new maximum is below the old answer and fits");
        cache.TryGet("resnet18/224px/fp32/sim-16GiB", out MicroBatchCacheEntry? entry).Should().BeTrue();
        entry!.MicroBatchSize.Should().Be(second.MicroBatchSize);
    }

    [Fact]
    public void ToJson_FromJson_RoundTripsEveryEntry()
    {
        var cache = new MicroBatchCache();
        SimulatedDevice device = Device();
        MicroBatchSelector.Select(device.Trial, Options(device, cache));
        cache.Set("b-fastest", new MicroBatchCacheEntry(64, 256, MicroBatchSelectionMethod.Fastest, null));
        cache.Set("a-search", new MicroBatchCacheEntry(24, 24, MicroBatchSelectionMethod.Search, new MemoryFit(1.5e9, 1.25e7, 0.003, 0.004, 9)));

        string json = cache.ToJson();
        MicroBatchCache read = MicroBatchCache.FromJson(json);

        read.Count.Should().Be(3);
        foreach (string key in new[] { "resnet18/224px/fp32/sim-16GiB", "b-fastest", "a-search" })
        {
            cache.TryGet(key, out MicroBatchCacheEntry? written).Should().BeTrue();
            read.TryGet(key, out MicroBatchCacheEntry? back).Should().BeTrue();
            back.Should().Be(written);
        }

        read.ToJson().Should().Be(json);
        json.Should().Contain("\"Version\": 1").And.Contain("\"Method\": \"Fastest\"");
        json.IndexOf("a-search", StringComparison.Ordinal).Should().BeLessThan(json.IndexOf("b-fastest", StringComparison.Ordinal), "keys are written in ordinal order");
    }

    [Fact]
    public void Constructor_Path_SecondProcessAnswersFromTheFile()
    {
        string path = Path.Combine(_folder, "nested", "micro-batches.json");
        SimulatedDevice device = Device();
        MicroBatchSelection first = MicroBatchSelector.Select(device.Trial, Options(device, new MicroBatchCache(path)));

        var reopened = new MicroBatchCache(path);
        MicroBatchSelection second = MicroBatchSelector.Select(_ => throw new InvalidOperationException("no trial may run"), Options(device, reopened));

        File.Exists(path).Should().BeTrue();
        File.Exists(path + ".tmp").Should().BeFalse();
        reopened.FilePath.Should().Be(Path.GetFullPath(path));
        second.Method.Should().Be(MicroBatchSelectionMethod.Cache);
        second.MicroBatchSize.Should().Be(first.MicroBatchSize);
    }

    [Fact]
    public void Remove_FileBacked_WritesTheFile()
    {
        string path = Path.Combine(_folder, "cache.json");
        var cache = new MicroBatchCache(path);
        cache.Set("k", new MicroBatchCacheEntry(8, 8, MicroBatchSelectionMethod.Search, null));

        cache.Remove("k").Should().BeTrue();
        cache.Remove("k").Should().BeFalse();

        new MicroBatchCache(path).Count.Should().Be(0);
    }

    [Theory]
    [InlineData("{\"Version\": 2, \"Entries\": {}}", "*'Version' is 2*reads version 1*")]
    [InlineData("{\"Entries\": {}}", "*'Version' is 0*")]
    [InlineData("[1, 2]", "*not valid JSON of a cache*")]
    [InlineData("{\"Version\": 1, \"Entries\": {\"k\": {\"MicroBatchSize\": 0, \"LargestMicroBatchSize\": 8, \"Method\": \"Search\"}}}", "*'Entries[\"k\"].MicroBatchSize' is 0; it must be greater than zero*")]
    [InlineData("{\"Version\": 1, \"Entries\": {\"k\": {\"MicroBatchSize\": 16, \"LargestMicroBatchSize\": 8, \"Method\": \"Search\"}}}", "*'Entries[\"k\"].LargestMicroBatchSize' is 8; it must be no less than MicroBatchSize, 16*")]
    [InlineData("{\"Version\": 1, \"Entries\": {\"k\": {\"MicroBatchSize\": 8, \"LargestMicroBatchSize\": 8, \"Method\": \"Cache\"}}}", "*'Entries[\"k\"].Method' is Cache; it must be Model, Search or Fastest, how the selection chose.*")]
    [InlineData("null", "The micro-batch cache's 'Version' is missing; this version of BatchLr reads version 1.*")]
    [InlineData("{\"Version\": 1, \"Entries\": {\"k\": null}}", "'Entries[\"k\"]' is null; it must be an entry.*")]
    [InlineData("{\"Version\": 1, \"Entries\": {\"k\": {\"MicroBatchSize\": 8, \"LargestMicroBatchSize\": 8, \"Method\": \"Model\", \"Fit\": {\"FixedBytes\": 1, \"BytesPerSample\": 1, \"Residual\": 0, \"Points\": 1}}}}", "*'Entries[\"k\"].Fit.Points' is 1; it must be 2 or more, the trials a line is fitted to.*")]
    public void FromJson_BadCache_ThrowsNamingTheRule(string json, string message)
    {
        var act = () => MicroBatchCache.FromJson(json);

        act.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Constructor_PathWithBadFile_ThrowsNamingTheFile()
    {
        Directory.CreateDirectory(_folder);
        string path = Path.Combine(_folder, "bad.json");
        File.WriteAllText(path, "{\"Version\": 7}");

        var act = () => new MicroBatchCache(path);

        act.Should().Throw<ArgumentException>().WithParameterName("path").WithMessage("The file '*bad.json' is not a micro-batch cache*'Version' is 7*");
    }

    [Fact]
    public void Set_BadEntry_ThrowsAndStoresNothing()
    {
        var cache = new MicroBatchCache();

        var act = () => cache.Set("k", new MicroBatchCacheEntry(8, 8, MicroBatchSelectionMethod.Model, new MemoryFit(double.NaN, 1, 0, null, 2)));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("entry.Fit.FixedBytes");
        cache.Count.Should().Be(0);
        ((Action)(() => cache.Set("", new MicroBatchCacheEntry(8, 8, MicroBatchSelectionMethod.Model, null)))).Should().Throw<ArgumentException>().WithParameterName("key");
    }

    [Fact]
    public void FromJson_NoEntries_IsEmpty()
    {
        MicroBatchCache.FromJson("{\"Version\": 1}").Count.Should().Be(0);
    }

    public static TheoryData<MemoryFit, string, string> BadFits => new()
    {
        { new MemoryFit(1, double.NaN, 0, null, 2), "entry.Fit.BytesPerSample", "'entry.Fit.BytesPerSample' is NaN; it must be a finite number.*" },
        { new MemoryFit(1, 1, -1, null, 2), "entry.Fit.Residual", "'entry.Fit.Residual' is -1; it must be a finite number zero or more.*" },
        { new MemoryFit(1, 1, 0, -0.5, 2), "entry.Fit.PredictionError", "'entry.Fit.PredictionError' is -0.5; it must be a finite number zero or more.*" },
        { new MemoryFit(1, 1, 0, null, 1), "entry.Fit.Points", "'entry.Fit.Points' is 1; it must be 2 or more, the trials a line is fitted to.*" },
    };

    [Theory]
    [MemberData(nameof(BadFits))]
    public void Set_BadFit_ThrowsNamingTheField(MemoryFit fit, string parameter, string message)
    {
        var cache = new MicroBatchCache();

        var act = () => cache.Set("k", new MicroBatchCacheEntry(8, 8, MicroBatchSelectionMethod.Model, fit));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter).WithMessage(message);
        cache.Count.Should().Be(0);
    }

    [Fact]
    public void Set_FitOfTwoPointsWithAPredictionErrorOfZero_IsStored()
    {
        var cache = new MicroBatchCache();
        var entry = new MicroBatchCacheEntry(8, 16, MicroBatchSelectionMethod.Model, new MemoryFit(-1, 0, 0, 0, 2));

        cache.Set("k", entry);

        cache.TryGet("k", out MicroBatchCacheEntry? stored).Should().BeTrue();
        stored.Should().Be(entry);
    }

    [Fact]
    public void NullArguments_ThrowNamingThem()
    {
        var cache = new MicroBatchCache();
        var entry = new MicroBatchCacheEntry(8, 8, MicroBatchSelectionMethod.Search, null);

        ((Func<MicroBatchCache>)(() => new MicroBatchCache(null!))).Should().Throw<ArgumentNullException>().WithParameterName("path");
        ((Func<MicroBatchCache>)(() => new MicroBatchCache(""))).Should().Throw<ArgumentException>().WithParameterName("path");
        ((Action)(() => MicroBatchCache.FromJson(null!))).Should().Throw<ArgumentNullException>().WithParameterName("json");
        ((Action)(() => cache.TryGet(null!, out _))).Should().Throw<ArgumentNullException>().WithParameterName("key");
        ((Action)(() => cache.Remove(null!))).Should().Throw<ArgumentNullException>().WithParameterName("key");
        ((Action)(() => cache.Set(null!, entry))).Should().Throw<ArgumentNullException>().WithParameterName("key");
        ((Action)(() => cache.Set("k", null!))).Should().Throw<ArgumentNullException>().WithParameterName("entry");
    }

    [Fact]
    public void Set_TemporaryFileCannotBeWritten_KeepsTheOldFileAndTheEntryInMemory()
    {
        // The cache writes path.tmp and moves it over path: with a folder in the way of path.tmp the write fails (the system
        // will not open a folder as a file) before the file is touched, so the file still holds the cache as it was.
        string path = Path.Combine(_folder, "cache.json");
        var cache = new MicroBatchCache(path);
        var first = new MicroBatchCacheEntry(8, 8, MicroBatchSelectionMethod.Search, null);
        cache.Set("a", first);
        Directory.CreateDirectory(path + ".tmp");

        var act = () => cache.Set("b", new MicroBatchCacheEntry(16, 16, MicroBatchSelectionMethod.Search, null));

        act.Should().Throw<UnauthorizedAccessException>();
        cache.Count.Should().Be(2);
        MicroBatchCache reread = new(path);
        reread.Count.Should().Be(1);
        reread.TryGet("a", out MicroBatchCacheEntry? kept).Should().BeTrue();
        kept.Should().Be(first);
    }

    [Fact]
    public void Select_CachedSizesAtTheBounds_AnswersFromTheCache()
    {
        // The entry's micro-batch is the new minimum and its largest the new maximum: both still allowed.
        var cache = new MicroBatchCache();
        cache.Set("k", new MicroBatchCacheEntry(8, 16, MicroBatchSelectionMethod.Search, null));
        var options = new MicroBatchSelectionOptions { MinMicroBatchSize = 8, MaxMicroBatchSize = 16, Multiple = 8, Cache = cache, CacheKey = "k" };

        MicroBatchSelection selection = MicroBatchSelector.Select(_ => throw new InvalidOperationException("no trial may run"), options);

        selection.Method.Should().Be(MicroBatchSelectionMethod.Cache);
        (selection.MicroBatchSize, selection.LargestMicroBatchSize).Should().Be((8, 16));
        selection.IsTrialLimitReached.Should().BeFalse();
        selection.FallbackReason.Should().BeNull();
        selection.Memory.Should().BeNull();
        selection.MemoryLimitBytes.Should().BeNull();
        selection.ToString().Should().Be("micro-batch 8 by Cache (largest that fits 16, 0 trials)");
    }
}
