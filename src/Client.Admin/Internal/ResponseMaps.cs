namespace Samsa.Admin.Internal;

/// <summary>Builds per-item outcome maps from responses that may repeat an item (first answer wins) instead of throwing.</summary>
internal static class ResponseMaps
{
    public static Dictionary<TKey, TValue> ToMap<TSource, TKey, TValue>(this IEnumerable<TSource> source, Func<TSource, TKey> key, Func<TSource, TValue> value)
        where TKey : notnull
    {
        var map = new Dictionary<TKey, TValue>();
        foreach (var item in source) map.TryAdd(key(item), value(item));
        return map;
    }
}
