using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Text.Json;
using BatchLr.Internal;

namespace BatchLr.Memory;

/// <summary>Remembers selected micro-batches by a caller-given key, so a second run on the same model and device runs no trial.</summary>
/// <remarks>
/// <para>
/// The key is the caller's: it should name everything the answer depends on (model, input shape, precision, device, library
/// versions), since the cache cannot tell when any of them changed. A cached answer is used only while the selection's
/// options still allow it (inside the bounds, a multiple of the multiple); otherwise the selection runs and replaces it.
/// </para>
/// <para>
/// A cache lives in memory, or in a file: built with a path, it reads the file if there is one and writes it back after
/// every change (to a temporary file first, then moved over the old one, so a crash leaves the old or the new cache, never
/// half of one). <see cref="ToJson"/> and <see cref="FromJson(string)"/> give the same JSON for a cache kept elsewhere.
/// All members are thread-safe.
/// </para>
/// </remarks>
public sealed class MicroBatchCache
{
    /// <summary>The format version this version of BatchLr writes and reads.</summary>
    public const int CurrentVersion = 1;

    private readonly object _gate = new();
    private readonly Dictionary<string, MicroBatchCacheEntry> _entries = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="MicroBatchCache"/> class, empty and in memory.</summary>
    public MicroBatchCache()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MicroBatchCache"/> class kept in a file.</summary>
    /// <param name="path">The file; read now if it exists, written after every change (its folder is created then if needed).</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or the file holds something other than a cache this version reads.</exception>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file exists but may not be read.</exception>
    public MicroBatchCache(string path)
    {
        // Stryker disable once Statement : Path.GetFullPath makes the same check, ArgumentException.ThrowIfNullOrEmpty on its parameter 'path', so the same exception, name and message come without it
        ArgumentException.ThrowIfNullOrEmpty(path);
        FilePath = Path.GetFullPath(path);
        if (File.Exists(FilePath))
        {
            try
            {
                Load(File.ReadAllText(FilePath), _entries);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException("The file '" + FilePath + "' is not a micro-batch cache this version of BatchLr reads. " + e.Message, nameof(path), e);
            }
        }
    }

    /// <summary>Gets the full path of the file the cache is kept in, or <see langword="null"/> for a cache in memory.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the number of entries.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Reads a cache written by <see cref="ToJson"/>, into memory.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The cache, in memory.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The text is not a cache, its <c>Version</c> is not <see cref="CurrentVersion"/>, or an entry breaks a rule of <see cref="Set"/>.</exception>
    public static MicroBatchCache FromJson(string json)
    {
        // Stryker disable once Statement : JsonSerializer.Deserialize throws the same ArgumentNullException for its parameter, also named 'json', before anything else
        ArgumentNullException.ThrowIfNull(json);
        var cache = new MicroBatchCache();
        Load(json, cache._entries);
        return cache;
    }

    /// <summary>Gets the entry stored under a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry when found; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the key has an entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public bool TryGet(string key, [NotNullWhen(true)] out MicroBatchCacheEntry? entry)
    {
        // Stryker disable once Statement : Dictionary.TryGetValue throws the same ArgumentNullException for a null key, its parameter also named 'key'
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _entries.TryGetValue(key, out entry);
        }
    }

    /// <summary>Stores an entry under a key, replacing any, and writes the file of a cache kept in one.</summary>
    /// <param name="key">The key; not empty.</param>
    /// <param name="entry">The entry: a micro-batch of 1 or more, a largest size no less than it, a method other than <see cref="MicroBatchSelectionMethod.Cache"/>, and a fit, if any, of finite numbers (errors zero or more) over two or more points.</param>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="entry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty, or a field of <paramref name="entry"/> breaks its rule.</exception>
    /// <exception cref="IOException">The file of a cache kept in one cannot be written; the entry is stored in memory all the same.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its folder may not be written; the entry is stored in memory all the same.</exception>
    public void Set(string key, MicroBatchCacheEntry entry)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(entry);
        Validate(entry, nameof(entry));
        lock (_gate)
        {
            _entries[key] = entry;
            SaveLocked();
        }
    }

    /// <summary>Removes the entry stored under a key, and writes the file of a cache kept in one.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when there was an entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="IOException">The file of a cache kept in one cannot be written; the entry is removed from memory all the same.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its folder may not be written; the entry is removed from memory all the same.</exception>
    public bool Remove(string key)
    {
        // Stryker disable once Statement : Dictionary.Remove throws the same ArgumentNullException for a null key, its parameter also named 'key'
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_entries.Remove(key))
            {
                return false;
            }

            SaveLocked();
            return true;
        }
    }

    /// <summary>Writes the cache as JSON: its <c>Version</c> and its entries in ordinal key order, enums by name.</summary>
    /// <returns>Indented JSON that <see cref="FromJson(string)"/> reads back to equal entries.</returns>
    public string ToJson()
    {
        lock (_gate)
        {
            return ToJsonLocked();
        }
    }

    private static void Load(string json, Dictionary<string, MicroBatchCacheEntry> into)
    {
        MicroBatchCacheDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, MicroBatchCacheJsonContext.Default.MicroBatchCacheDocument);
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The micro-batch cache is not valid JSON of a cache: " + e.Message, nameof(json), e);
        }

        if (document is null || document.Version != CurrentVersion)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The micro-batch cache's 'Version' is {document?.Version.ToString(CultureInfo.InvariantCulture) ?? "missing"}; this version of BatchLr reads version {CurrentVersion}."),
                nameof(json));
        }

        foreach ((string key, MicroBatchCacheEntry? entry) in document.Entries ?? [])
        {
            string name = "Entries[\"" + key + "\"]";
            if (entry is null)
            {
                throw new ArgumentException("'" + name + "' is null; it must be an entry.", nameof(json));
            }

            Validate(entry, name);
            into[key] = entry;
        }
    }

    private static void Validate(MicroBatchCacheEntry entry, string name)
    {
        Guard.Positive(entry.MicroBatchSize, name + ".MicroBatchSize");
        if (entry.LargestMicroBatchSize < entry.MicroBatchSize)
        {
            throw Guard.OutOfRange(name + ".LargestMicroBatchSize", entry.LargestMicroBatchSize, "no less than MicroBatchSize, " + entry.MicroBatchSize.ToString(CultureInfo.InvariantCulture));
        }

        if (!Enum.IsDefined(entry.Method) || entry.Method == MicroBatchSelectionMethod.Cache)
        {
            throw Guard.OutOfRange(name + ".Method", entry.Method, "Model, Search or Fastest, how the selection chose");
        }

        if (entry.Fit is { } fit)
        {
            Guard.Finite(fit.FixedBytes, name + ".Fit.FixedBytes");
            Guard.Finite(fit.BytesPerSample, name + ".Fit.BytesPerSample");
            Guard.FiniteNotNegative(fit.Residual, name + ".Fit.Residual");
            if (fit.PredictionError is { } error)
            {
                Guard.FiniteNotNegative(error, name + ".Fit.PredictionError");
            }

            if (fit.Points < 2)
            {
                throw Guard.OutOfRange(name + ".Fit.Points", fit.Points, "2 or more, the trials a line is fitted to");
            }
        }
    }

    private string ToJsonLocked()
    {
        var entries = new Dictionary<string, MicroBatchCacheEntry>(_entries.Count, StringComparer.Ordinal);
        var keys = new List<string>(_entries.Keys);
        keys.Sort(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            entries.Add(key, _entries[key]);
        }

        return JsonSerializer.Serialize(new MicroBatchCacheDocument { Version = CurrentVersion, Entries = entries }, MicroBatchCacheJsonContext.Default.MicroBatchCacheDocument);
    }

    private void SaveLocked()
    {
        if (FilePath is null)
        {
            return;
        }

        string? folder = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        string temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, ToJsonLocked());
        File.Move(temporary, FilePath, overwrite: true);
    }
}
