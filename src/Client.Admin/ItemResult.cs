using System.Collections;
using Samsa.Client;
using Samsa.Protocol;

namespace Samsa.Admin;

/// <summary>An error a broker (or the client) reported for one item of an admin operation.</summary>
/// <param name="Code">The Kafka error code.</param>
/// <param name="Message">The broker's message, or Kafka's description of <paramref name="Code"/>.</param>
public sealed record AdminError(ErrorCode Code, string Message)
{
    /// <summary>Creates an error with Kafka's description when the broker sent no message.</summary>
    public static AdminError Of(ErrorCode code, string? message = null)
    {
        if (string.IsNullOrEmpty(message)) return new(code, code.Describe());
        string prefix = code.KafkaName() + ": ";
        return new(code, message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message);
    }

    /// <summary>The matching <see cref="KafkaException"/>.</summary>
    public KafkaException ToException() => KafkaException.FromErrorCode(Code, Message);

    /// <inheritdoc />
    public override string ToString() => $"{Code.KafkaName()}: {Message}";
}

/// <summary>Marks success for operations whose items carry no value (delete topics, alter configs…).</summary>
public readonly record struct Done;

/// <summary>
/// The outcome for one item (topic, partition, group, resource…) of an admin operation: either a value or an
/// <see cref="AdminError"/>. One failed item never fails the others.
/// </summary>
/// <typeparam name="TKey">What the item is.</typeparam>
/// <typeparam name="TValue">What a successful item yields.</typeparam>
public sealed class ItemResult<TKey, TValue>
{
    private readonly TValue? _value;

    /// <summary>A successful item.</summary>
    public ItemResult(TKey key, TValue value)
    {
        Key = key;
        _value = value;
    }

    /// <summary>A failed item.</summary>
    public ItemResult(TKey key, AdminError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Key = key;
        Error = error;
    }

    /// <summary>The item.</summary>
    public TKey Key { get; }

    /// <summary>The error, or null on success.</summary>
    public AdminError? Error { get; }

    /// <summary>True when the item succeeded.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>The value; throws the item's <see cref="KafkaException"/> when it failed.</summary>
    public TValue Value => Error is null ? _value! : throw Error.ToException();

    /// <inheritdoc />
    public override string ToString() => Error is null ? $"{Key}: {_value}" : $"{Key}: {Error}";
}

/// <summary>The per-item results of one admin operation, in request order, also addressable by key.</summary>
public sealed class AdminResults<TKey, TValue> : IReadOnlyList<ItemResult<TKey, TValue>>
    where TKey : notnull
{
    private readonly List<ItemResult<TKey, TValue>> _items;
    private readonly Dictionary<TKey, ItemResult<TKey, TValue>> _byKey;

    internal AdminResults(List<ItemResult<TKey, TValue>> items)
    {
        _items = items;
        _byKey = new Dictionary<TKey, ItemResult<TKey, TValue>>(items.Count);
        foreach (var item in items) _byKey[item.Key] = item;
    }

    /// <summary>The result for <paramref name="key"/>.</summary>
    public ItemResult<TKey, TValue> this[TKey key] => _byKey[key];

    ItemResult<TKey, TValue> IReadOnlyList<ItemResult<TKey, TValue>>.this[int index] => _items[index];

    /// <summary>The result at <paramref name="index"/> in request order (keys are not positions, even when they are integers).</summary>
    public ItemResult<TKey, TValue> At(int index) => _items[index];

    /// <summary>The result for <paramref name="key"/>, if the operation included it.</summary>
    public bool TryGet(TKey key, out ItemResult<TKey, TValue>? result) => _byKey.TryGetValue(key, out result);

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <summary>True when every item succeeded.</summary>
    public bool AllSucceeded => _items.TrueForAll(i => i.IsSuccess);

    /// <summary>The failed items.</summary>
    public IEnumerable<ItemResult<TKey, TValue>> Failures => _items.Where(i => !i.IsSuccess);

    /// <summary>Successful values by key; throws the first item's error if any failed.</summary>
    public IReadOnlyDictionary<TKey, TValue> Values()
    {
        var map = new Dictionary<TKey, TValue>(_items.Count);
        foreach (var item in _items) map[item.Key] = item.Value;
        return map;
    }

    /// <summary>Throws the first failed item's <see cref="KafkaException"/>, if any (for operations that return one merged value).</summary>
    internal void ThrowFirstError()
    {
        if (Failures.FirstOrDefault() is { } failure) throw failure.Error!.ToException();
    }

    /// <summary>Throws an <see cref="AggregateException"/> of every failed item's <see cref="KafkaException"/>, if any.</summary>
    public AdminResults<TKey, TValue> ThrowOnError()
    {
        var errors = Failures.Select(f => (Exception)f.Error!.ToException()).ToList();
        if (errors.Count > 0) throw new AggregateException($"{errors.Count} of {_items.Count} item(s) failed.", errors);
        return this;
    }

    /// <inheritdoc />
    public IEnumerator<ItemResult<TKey, TValue>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
