using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression;

/// <summary>
/// The raw Snappy format: a varint uncompressed length followed by literal and copy elements. The compressor
/// works on 64 KiB fragments with a hash table of recent positions, as the reference implementation does.
/// </summary>
[SkipLocalsInit]
internal static unsafe class SnappyBlock
{
    /// <summary>Fragment size: copies never reach further back than this when compressing.</summary>
    public const int FragmentSize = 64 * 1024;

    private const int MaxHashTableBits = 14;
    private const int InputMarginBytes = 15;

    /// <summary>
    /// Each element of compressed input produces at most 64 bytes per 2 bytes of tag and offset (a 3-byte copy of
    /// 64), so any stream claiming more than this ratio is corrupt. Checked before output is reserved.
    /// </summary>
    private const int MaxExpansion = 22;

    /// <summary>Worst-case compressed size of <paramref name="length"/> input bytes.</summary>
    public static int MaxCompressedLength(int length) => 32 + length + (length / 6);

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

        ushort* table = stackalloc ushort[1 << MaxHashTableBits];
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            byte* op = WriteVarint(dst, (uint)source.Length);
            int position = 0;
            while (position < source.Length)
            {
                int fragment = Math.Min(FragmentSize, source.Length - position);
                int tableBits = TableBits(fragment);
                new Span<byte>(table, sizeof(ushort) << tableBits).Clear();
                op = CompressFragment(src + position, fragment, op, table, tableBits);
                position += fragment;
            }

            return (int)(op - dst);
        }
    }

    /// <summary>
    /// Reads the uncompressed length from the varint at the start of <paramref name="source"/>. Returns false when
    /// the varint is malformed or the length is impossible for the compressed size.
    /// </summary>
    public static bool TryGetUncompressedLength(ReadOnlySpan<byte> source, out int length, out int headerLength)
    {
        length = 0;
        headerLength = 0;
        uint value = 0;
        for (int i = 0; i < 5; i++)
        {
            if (i >= source.Length)
            {
                return false;
            }

            uint b = source[i];
            if (i == 4 && b > 0x0F)
            {
                return false;
            }

            value |= (b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                headerLength = i + 1;
                long body = source.Length - headerLength;
                if (value > int.MaxValue || value > (body * MaxExpansion))
                {
                    return false;
                }

                length = (int)value;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Decodes one raw Snappy stream (with its varint length header) into <paramref name="destination"/>, whose
    /// length must be exactly the stream's uncompressed length. Returns false when the input is corrupt.
    /// </summary>
    public static bool TryDecompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (!TryGetUncompressedLength(source, out int length, out int header) || length != destination.Length)
        {
            return false;
        }

        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            return DecodeBody(src + header, src + source.Length, dst, dst + length);
        }
    }

    private static int TableBits(int fragment)
    {
        int bits = 8;
        while (bits < MaxHashTableBits && (1 << bits) < fragment)
        {
            bits++;
        }

        return bits;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(byte* p, int shift) => (Unsafe.ReadUnaligned<uint>(p) * 0x1E35A7BDu) >> shift;

    private static byte* CompressFragment(byte* input, int length, byte* op, ushort* table, int tableBits)
    {
        byte* ip = input;
        byte* ipEnd = input + length;
        byte* nextEmit = input;
        int shift = 32 - tableBits;

        if (length >= InputMarginBytes)
        {
            byte* ipLimit = ipEnd - InputMarginBytes;
            uint nextHash = Hash(++ip, shift);
            while (true)
            {
                // Look for a 4-byte match, skipping faster the longer nothing matches (incompressible input).
                uint skip = 32;
                byte* nextIp = ip;
                byte* candidate;
                do
                {
                    ip = nextIp;
                    uint hash = nextHash;
                    nextIp = ip + (skip++ >> 5);
                    if (nextIp > ipLimit)
                    {
                        goto EmitRemainder;
                    }

                    nextHash = Hash(nextIp, shift);
                    candidate = input + table[hash];
                    table[hash] = (ushort)(ip - input);
                }
                while (Unsafe.ReadUnaligned<uint>(ip) != Unsafe.ReadUnaligned<uint>(candidate));

                op = EmitLiteral(op, nextEmit, (int)(ip - nextEmit));

                // Emit copies while the position right after each copy matches again.
                do
                {
                    byte* matchStart = ip;
                    int matched = 4 + CommonPrefix.Length(ip + 4, candidate + 4, ipEnd);
                    ip += matched;
                    op = EmitCopy(op, (int)(matchStart - candidate), matched);
                    nextEmit = ip;
                    if (ip >= ipLimit)
                    {
                        goto EmitRemainder;
                    }

                    table[Hash(ip - 1, shift)] = (ushort)(ip - 1 - input);
                    uint current = Hash(ip, shift);
                    candidate = input + table[current];
                    table[current] = (ushort)(ip - input);
                }
                while (Unsafe.ReadUnaligned<uint>(ip) == Unsafe.ReadUnaligned<uint>(candidate));

                nextHash = Hash(++ip, shift);
            }
        }

    EmitRemainder:
        if (nextEmit < ipEnd)
        {
            op = EmitLiteral(op, nextEmit, (int)(ipEnd - nextEmit));
        }

        return op;
    }

    private static byte* EmitLiteral(byte* op, byte* literal, int length)
    {
        int n = length - 1;
        if (n < 60)
        {
            *op++ = (byte)(n << 2);
        }
        else
        {
            int count = n < (1 << 8) ? 1 : n < (1 << 16) ? 2 : n < (1 << 24) ? 3 : 4;
            *op++ = (byte)((59 + count) << 2);
            for (int i = 0; i < count; i++)
            {
                *op++ = (byte)(n >> (8 * i));
            }
        }

        Buffer.MemoryCopy(literal, op, length, length);
        return op + length;
    }

    private static byte* EmitCopy(byte* op, int offset, int length)
    {
        while (length >= 68)
        {
            op = EmitCopyAtMost64(op, offset, 64);
            length -= 64;
        }

        if (length > 64)
        {
            op = EmitCopyAtMost64(op, offset, 60);
            length -= 60;
        }

        return EmitCopyAtMost64(op, offset, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* EmitCopyAtMost64(byte* op, int offset, int length)
    {
        if (length < 12 && offset < 2048)
        {
            op[0] = (byte)(1 | ((length - 4) << 2) | ((offset >> 8) << 5));
            op[1] = (byte)offset;
            return op + 2;
        }

        op[0] = (byte)(2 | ((length - 1) << 2));
        Unsafe.WriteUnaligned(op + 1, (ushort)offset);
        return op + 3;
    }

    private static byte* WriteVarint(byte* op, uint value)
    {
        while (value >= 0x80)
        {
            *op++ = (byte)(value | 0x80);
            value >>= 7;
        }

        *op++ = (byte)value;
        return op;
    }

    private static bool DecodeBody(byte* ip, byte* ipEnd, byte* opStart, byte* opEnd)
    {
        byte* op = opStart;
        while (ip < ipEnd)
        {
            uint tag = *ip++;
            nint length;
            nint offset;
            switch (tag & 3)
            {
                case 0:
                    length = (nint)(tag >> 2);
                    if (length >= 60)
                    {
                        int extra = (int)length - 59;
                        if (ipEnd - ip < extra)
                        {
                            return false;
                        }

                        uint value = 0;
                        for (int i = 0; i < extra; i++)
                        {
                            value |= (uint)ip[i] << (8 * i);
                        }

                        ip += extra;
                        length = (nint)value;
                    }

                    length++;
                    if (length > ipEnd - ip || length > opEnd - op)
                    {
                        return false;
                    }

                    if (length <= 16 && ipEnd - ip >= 16 && opEnd - op >= 16)
                    {
                        Unsafe.CopyBlockUnaligned(op, ip, 16);
                    }
                    else
                    {
                        Buffer.MemoryCopy(ip, op, opEnd - op, length);
                    }

                    ip += length;
                    op += length;
                    continue;

                case 1:
                    if (ip >= ipEnd)
                    {
                        return false;
                    }

                    length = (nint)(((tag >> 2) & 7) + 4);
                    offset = (nint)(((tag >> 5) << 8) | *ip++);
                    break;

                case 2:
                    if (ipEnd - ip < 2)
                    {
                        return false;
                    }

                    length = (nint)((tag >> 2) + 1);
                    offset = Unsafe.ReadUnaligned<ushort>(ip);
                    ip += 2;
                    break;

                default:
                    if (ipEnd - ip < 4)
                    {
                        return false;
                    }

                    length = (nint)((tag >> 2) + 1);
                    offset = (nint)Unsafe.ReadUnaligned<uint>(ip);
                    ip += 4;
                    break;
            }

            if (offset == 0 || offset > op - opStart || length > opEnd - op)
            {
                return false;
            }

            op = MatchCopy.Copy(op, offset, length, opEnd);
        }

        return op == opEnd;
    }
}
