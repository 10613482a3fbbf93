using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression;

/// <summary>
/// xxHash32, the checksum of the LZ4 frame format, one-shot (<see cref="Hash"/>) or incremental
/// (<see cref="Append"/> then <see cref="Digest"/>).
/// </summary>
internal struct XxHash32
{
    private const uint Prime1 = 2654435761u;
    private const uint Prime2 = 2246822519u;
    private const uint Prime3 = 3266489917u;
    private const uint Prime4 = 668265263u;
    private const uint Prime5 = 374761393u;
    private const int StripeSize = 16;

    private readonly uint _seed;
    private uint _v1;
    private uint _v2;
    private uint _v3;
    private uint _v4;
    private long _totalLength;
    private int _pendingLength;
    private Stripe _pending;

    /// <summary>Starts an incremental hash with <paramref name="seed"/>.</summary>
    public XxHash32(uint seed)
    {
        _seed = seed;
        _v1 = seed + Prime1 + Prime2;
        _v2 = seed + Prime2;
        _v3 = seed;
        _v4 = seed - Prime1;
    }

    /// <summary>The hash of <paramref name="data"/>.</summary>
    public static uint Hash(ReadOnlySpan<byte> data, uint seed = 0)
    {
        uint acc;
        int length = data.Length;
        if (length >= StripeSize)
        {
            uint v1 = seed + Prime1 + Prime2;
            uint v2 = seed + Prime2;
            uint v3 = seed;
            uint v4 = seed - Prime1;
            int stripes = length / StripeSize;
            ref byte start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(data);
            for (int i = 0; i < stripes; i++)
            {
                ref byte p = ref Unsafe.Add(ref start, i * StripeSize);
                v1 = Round(v1, Unsafe.ReadUnaligned<uint>(ref p));
                v2 = Round(v2, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, 4)));
                v3 = Round(v3, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, 8)));
                v4 = Round(v4, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, 12)));
            }

            acc = Converge(v1, v2, v3, v4);
            data = data[(stripes * StripeSize)..];
        }
        else
        {
            acc = seed + Prime5;
        }

        return Finish(acc + (uint)length, data);
    }

    /// <summary>Adds <paramref name="data"/> to the running hash.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _totalLength += data.Length;
        Span<byte> pending = _pending;
        if (_pendingLength > 0)
        {
            int take = Math.Min(StripeSize - _pendingLength, data.Length);
            data[..take].CopyTo(pending[_pendingLength..]);
            _pendingLength += take;
            data = data[take..];
            if (_pendingLength < StripeSize)
            {
                return;
            }

            Consume(pending);
            _pendingLength = 0;
        }

        while (data.Length >= StripeSize)
        {
            Consume(data);
            data = data[StripeSize..];
        }

        data.CopyTo(pending);
        _pendingLength = data.Length;
    }

    /// <summary>The hash of everything appended so far.</summary>
    public readonly uint Digest()
    {
        uint acc = _totalLength >= StripeSize ? Converge(_v1, _v2, _v3, _v4) : _seed + Prime5;
        ReadOnlySpan<byte> pending = _pending;
        return Finish(acc + (uint)_totalLength, pending[.._pendingLength]);
    }

    private void Consume(ReadOnlySpan<byte> stripe)
    {
        _v1 = Round(_v1, BinaryPrimitives.ReadUInt32LittleEndian(stripe));
        _v2 = Round(_v2, BinaryPrimitives.ReadUInt32LittleEndian(stripe[4..]));
        _v3 = Round(_v3, BinaryPrimitives.ReadUInt32LittleEndian(stripe[8..]));
        _v4 = Round(_v4, BinaryPrimitives.ReadUInt32LittleEndian(stripe[12..]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Round(uint acc, uint lane) => BitOperations.RotateLeft(acc + (lane * Prime2), 13) * Prime1;

    private static uint Converge(uint v1, uint v2, uint v3, uint v4) =>
        BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);

    private static uint Finish(uint acc, ReadOnlySpan<byte> tail)
    {
        while (tail.Length >= 4)
        {
            acc = BitOperations.RotateLeft(acc + (BinaryPrimitives.ReadUInt32LittleEndian(tail) * Prime3), 17) * Prime4;
            tail = tail[4..];
        }

        foreach (byte b in tail)
        {
            acc = BitOperations.RotateLeft(acc + (b * Prime5), 11) * Prime1;
        }

        acc ^= acc >> 15;
        acc *= Prime2;
        acc ^= acc >> 13;
        acc *= Prime3;
        acc ^= acc >> 16;
        return acc;
    }

    [InlineArray(StripeSize)]
    private struct Stripe
    {
        private byte _element;
    }
}
