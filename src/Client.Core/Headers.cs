using System.Collections;
using System.Text;

namespace Samsa;

/// <summary>One record header: a string key and a byte value that may be null.</summary>
/// <param name="Key">The header key.</param>
/// <param name="Value">The header value, or null.</param>
public readonly record struct Header(string Key, byte[]? Value)
{
    /// <summary>The value decoded as UTF-8, or null.</summary>
    public string? GetValueAsString() => Value is null ? null : Encoding.UTF8.GetString(Value);
}

/// <summary>The ordered headers of a record. Keys may repeat, as in Kafka.</summary>
public sealed class Headers : IReadOnlyList<Header>
{
    private readonly List<Header> _items;

    /// <summary>Creates an empty header list.</summary>
    public Headers() => _items = [];

    /// <summary>Creates a header list with room for <paramref name="capacity"/> headers.</summary>
    public Headers(int capacity) => _items = new List<Header>(capacity);

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public Header this[int index] => _items[index];

    /// <summary>Appends a header.</summary>
    public Headers Add(string key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _items.Add(new Header(key, value));
        return this;
    }

    /// <summary>Appends a header with a UTF-8 string value.</summary>
    public Headers Add(string key, string? value) => Add(key, value is null ? null : Encoding.UTF8.GetBytes(value));

    /// <summary>Removes every header with <paramref name="key"/>.</summary>
    public void Remove(string key) => _items.RemoveAll(h => h.Key == key);

    /// <summary>Returns the last header with <paramref name="key"/>, as Java's <c>lastHeader</c> does.</summary>
    public bool TryGetLast(string key, out Header header)
    {
        for (int i = _items.Count - 1; i >= 0; i--)
        {
            if (_items[i].Key == key)
            {
                header = _items[i];
                return true;
            }
        }
        header = default;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<Header> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
