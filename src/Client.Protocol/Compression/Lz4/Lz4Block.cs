using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression;

/// <summary>
/// The LZ4 block format: sequences of [token][literal length bytes][literals][2-byte offset][match length bytes].
/// The compressor is a single-probe hash-table matcher in the manner of LZ4's fast mode; the decompressor checks
/// every length and offset against both buffers.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Lz4Block
{
    private const int MinMatch = 4;
    private const int LastLiterals = 5;
    private const int MatchFindLimit = 12;
    private const int MaxDistance = 65535;
    private const int HashBits = 13;
    private const int SkipTrigger = 6;
    private const int SmallInputLimit = 64 * 1024;

    /// <summary>Worst-case compressed size of <paramref name="length"/> input bytes.</summary>
    public static int MaxCompressedLength(int length) => length + (length / 255) + 16;

    /// <summary>
    /// Compresses <paramref name="source"/> into <paramref name="destination"/>, which must hold at least
    /// <see cref="MaxCompressedLength"/> bytes. Returns the number of bytes written.
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < MaxCompressedLength(source.Length))
        {
            throw new ArgumentException("Destination is smaller than the worst-case compressed size.", nameof(destination));
        }

        // Inputs up to 64 KiB (every frame block) index a 16 KiB table of 16-bit positions that can never be too
        // far back; larger inputs use 32-bit positions and a distance check.
        bool small = source.Length <= SmallInputLimit;
        int tableBytes = (small ? sizeof(ushort) : sizeof(int)) << HashBits;
        byte* table = stackalloc byte[sizeof(int) << HashBits];
        new Span<byte>(table, tableBytes).Clear();
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            byte* end = small
                ? CompressCore<ushort>(src, source.Length, dst, table)
                : CompressCore<int>(src, source.Length, dst, table);
            return (int)(end - dst);
        }
    }

    /// <summary>
    /// Decompresses one block into <paramref name="destination"/>. Returns the number of bytes produced, or -1 when
    /// the block is corrupt or would not fit.
    /// </summary>
    public static int Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            return DecompressCore(src, source.Length, dst, dst, dst + destination.Length);
        }
    }

    /// <summary>
    /// Decompresses one block into <paramref name="buffer"/> after its first <paramref name="prefixLength"/> bytes,
    /// which matches may refer back into (dependent blocks). Returns the bytes produced, or -1 when corrupt.
    /// </summary>
    public static int DecompressWithPrefix(ReadOnlySpan<byte> source, Span<byte> buffer, int prefixLength)
    {
        fixed (byte* src = source)
        fixed (byte* dst = buffer)
        {
            return DecompressCore(src, source.Length, dst, dst + prefixLength, dst + buffer.Length);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(byte* p) => (Unsafe.ReadUnaligned<uint>(p) * 2654435761u) >> (32 - HashBits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Load<TEntry>(byte* table, uint hash)
        where TEntry : unmanaged =>
        typeof(TEntry) == typeof(ushort) ? ((ushort*)table)[hash] : ((int*)table)[hash];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TEntry>(byte* table, uint hash, long position)
        where TEntry : unmanaged
    {
        if (typeof(TEntry) == typeof(ushort))
        {
            ((ushort*)table)[hash] = (ushort)position;
        }
        else
        {
            ((int*)table)[hash] = (int)position;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TooFar<TEntry>(byte* ip, byte* match)
        where TEntry : unmanaged =>
        typeof(TEntry) != typeof(ushort) && ip - match > MaxDistance;

    private static byte* CompressCore<TEntry>(byte* src, int length, byte* op, byte* table)
        where TEntry : unmanaged
    {
        byte* ip = src;
        byte* anchor = src;
        byte* iend = src + length;
        byte* mflimitPlusOne = iend - MatchFindLimit + 1;
        byte* matchLimit = iend - LastLiterals;

        if (length < MatchFindLimit + 1)
        {
            goto LastLiteralsLabel;
        }

        Store<TEntry>(table, Hash(ip), 0);
        ip++;
        uint forwardHash = Hash(ip);

        while (true)
        {
            // Find a match, stepping faster through data that does not compress.
            byte* match;
            byte* forwardIp = ip;
            int step = 1;
            int searchCount = 1 << SkipTrigger;
            do
            {
                uint h = forwardHash;
                ip = forwardIp;
                forwardIp += step;
                step = searchCount++ >> SkipTrigger;
                if (forwardIp > mflimitPlusOne)
                {
                    goto LastLiteralsLabel;
                }

                match = src + Load<TEntry>(table, h);
                forwardHash = Hash(forwardIp);
                Store<TEntry>(table, h, ip - src);
            }
            while (TooFar<TEntry>(ip, match) || Unsafe.ReadUnaligned<uint>(match) != Unsafe.ReadUnaligned<uint>(ip));

            // Extend backwards over equal bytes.
            while (ip > anchor && match > src && ip[-1] == match[-1])
            {
                ip--;
                match--;
            }

            // Literals.
            int literalLength = (int)(ip - anchor);
            byte* token = op++;
            op = WriteLiteralLength(op, token, literalLength);
            Buffer.MemoryCopy(anchor, op, literalLength, literalLength);
            op += literalLength;

        NextMatch:
            Unsafe.WriteUnaligned(op, (ushort)(ip - match));
            op += 2;

            int matchLength = CommonPrefix.Length(ip + MinMatch, match + MinMatch, matchLimit);
            ip += MinMatch + matchLength;
            if (matchLength >= 15)
            {
                *token += 15;
                matchLength -= 15;
                while (matchLength >= 255)
                {
                    *op++ = 255;
                    matchLength -= 255;
                }

                *op++ = (byte)matchLength;
            }
            else
            {
                *token += (byte)matchLength;
            }

            anchor = ip;
            if (ip >= mflimitPlusOne)
            {
                break;
            }

            Store<TEntry>(table, Hash(ip - 2), ip - 2 - src);

            // Try an immediate second match at the current position.
            uint hash = Hash(ip);
            match = src + Load<TEntry>(table, hash);
            Store<TEntry>(table, hash, ip - src);
            if (!TooFar<TEntry>(ip, match) && Unsafe.ReadUnaligned<uint>(match) == Unsafe.ReadUnaligned<uint>(ip))
            {
                token = op++;
                *token = 0;
                goto NextMatch;
            }

            forwardHash = Hash(++ip);
        }

    LastLiteralsLabel:
        int lastLength = (int)(iend - anchor);
        byte* lastToken = op++;
        op = WriteLiteralLength(op, lastToken, lastLength);
        Buffer.MemoryCopy(anchor, op, lastLength, lastLength);
        return op + lastLength;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* WriteLiteralLength(byte* op, byte* token, int literalLength)
    {
        if (literalLength >= 15)
        {
            *token = 15 << 4;
            int rest = literalLength - 15;
            while (rest >= 255)
            {
                *op++ = 255;
                rest -= 255;
            }

            *op++ = (byte)rest;
        }
        else
        {
            *token = (byte)(literalLength << 4);
        }

        return op;
    }

    /// <summary>
    /// Decodes from <paramref name="ip"/> into <paramref name="opStart"/>..<paramref name="opEnd"/>; matches may
    /// reach back to <paramref name="lowest"/>. Returns bytes produced from <paramref name="opStart"/>, or -1.
    /// </summary>
    private static int DecompressCore(byte* ip, int sourceLength, byte* lowest, byte* opStart, byte* opEnd)
    {
        byte* iend = ip + sourceLength;
        byte* op = opStart;
        if (sourceLength == 0)
        {
            return -1;
        }

        while (true)
        {
            uint token = *ip++;

            // Literals.
            nint length = (nint)(token >> 4);
            if (length == 15)
            {
                uint b;
                do
                {
                    if (ip >= iend)
                    {
                        return -1;
                    }

                    b = *ip++;
                    length += (nint)b;
                }
                while (b == 255 && length < int.MaxValue);
            }

            if (length > iend - ip || length > opEnd - op)
            {
                return -1;
            }

            if (length <= 16 && iend - ip >= 16 && opEnd - op >= 16)
            {
                Unsafe.CopyBlockUnaligned(op, ip, 16);
            }
            else
            {
                Buffer.MemoryCopy(ip, op, opEnd - op, length);
            }

            ip += length;
            op += length;
            if (ip == iend)
            {
                // The last sequence is literals only.
                return (int)(op - opStart);
            }

            // Match.
            if (iend - ip < 2)
            {
                return -1;
            }

            nint offset = Unsafe.ReadUnaligned<ushort>(ip);
            ip += 2;
            if (offset == 0 || offset > op - lowest)
            {
                return -1;
            }

            length = (nint)(token & 15);
            if (length == 15)
            {
                uint b;
                do
                {
                    if (ip >= iend)
                    {
                        return -1;
                    }

                    b = *ip++;
                    length += (nint)b;
                }
                while (b == 255 && length < int.MaxValue);
            }

            length += MinMatch;
            if (length > opEnd - op)
            {
                return -1;
            }

            op = MatchCopy.Copy(op, offset, length, opEnd);
            if (ip >= iend)
            {
                // A block must end with literals.
                return -1;
            }
        }
    }
}
