using System.Buffers.Binary;

namespace Samsa.Streams.State.Internals;

/// <summary>
/// Kafka's binary store keys. Window stores: <c>[key][window start i64 BE][sequence number i32 BE]</c> (the sequence
/// number is 0 unless duplicates are retained), the layout of their changelog keys too. Session stores:
/// <c>[key][session end i64 BE][session start i64 BE]</c>.
/// </summary>
internal static class WindowKeys
{
    /// <summary>Bytes after the key in a window store key.</summary>
    public const int WindowSuffix = 12;

    /// <summary>Bytes after the key in a session store key.</summary>
    public const int SessionSuffix = 16;

    public static byte[] ToWindowKey(ReadOnlySpan<byte> key, long windowStart, int sequence)
    {
        var result = new byte[key.Length + WindowSuffix];
        key.CopyTo(result);
        BinaryPrimitives.WriteInt64BigEndian(result.AsSpan(key.Length), windowStart);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(key.Length + 8), sequence);
        return result;
    }

    public static long WindowStart(ReadOnlySpan<byte> storeKey) => storeKey.Length >= WindowSuffix
        ? BinaryPrimitives.ReadInt64BigEndian(storeKey[^WindowSuffix..])
        : throw new InvalidDataException($"A window store key needs at least {WindowSuffix} bytes; got {storeKey.Length}.");

    public static byte[] WindowRawKey(byte[] storeKey) => storeKey.AsSpan(0, storeKey.Length - WindowSuffix).ToArray();

    /// <summary>True when <paramref name="storeKey"/> belongs to exactly <paramref name="key"/> (not a longer key sharing its prefix).</summary>
    public static bool HasKey(ReadOnlySpan<byte> storeKey, ReadOnlySpan<byte> key, int suffix) =>
        storeKey.Length == key.Length + suffix && storeKey[..key.Length].SequenceEqual(key);

    public static byte[] ToSessionKey(ReadOnlySpan<byte> key, long start, long end)
    {
        var result = new byte[key.Length + SessionSuffix];
        key.CopyTo(result);
        BinaryPrimitives.WriteInt64BigEndian(result.AsSpan(key.Length), end);
        BinaryPrimitives.WriteInt64BigEndian(result.AsSpan(key.Length + 8), start);
        return result;
    }

    public static long SessionEnd(ReadOnlySpan<byte> storeKey) => storeKey.Length >= SessionSuffix
        ? BinaryPrimitives.ReadInt64BigEndian(storeKey[^SessionSuffix..])
        : throw new InvalidDataException($"A session store key needs at least {SessionSuffix} bytes; got {storeKey.Length}.");

    public static long SessionStart(ReadOnlySpan<byte> storeKey) => BinaryPrimitives.ReadInt64BigEndian(storeKey[^8..]);

    public static byte[] SessionRawKey(byte[] storeKey) => storeKey.AsSpan(0, storeKey.Length - SessionSuffix).ToArray();
}
