using System.Numerics;
using System.Runtime.InteropServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>One state of an FSE decoding table, with the symbol already resolved to its base value and extra-bit count.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FseEntry
{
    /// <summary>Base value of the symbol (literal or match length base, offset code, or the raw symbol).</summary>
    public uint BaseValue;

    /// <summary>Added to the bits read to form the next state.</summary>
    public ushort NewState;

    /// <summary>Bits to read for the next state.</summary>
    public byte NbBits;

    /// <summary>Extra bits added to <see cref="BaseValue"/> (sequence tables); the symbol itself otherwise.</summary>
    public byte NbAddBits;
}

/// <summary>Reads FSE table descriptions (normalized counts) and builds decoding tables (RFC 8878 section 4.1).</summary>
internal static class FseDecoding
{
    /// <summary>
    /// Reads a normalized distribution from <paramref name="src"/>. Returns the bytes consumed.
    /// <paramref name="norm"/> must hold at least <paramref name="maxSymbol"/>+1 entries.
    /// </summary>
    public static int ReadNCount(ReadOnlySpan<byte> src, Span<short> norm, int maxSymbol, int maxLog, out int tableLog, out int symbolCount)
    {
        if (src.Length < 1)
        {
            ZstdThrow.Corrupt("missing FSE table description");
        }

        int bitPos = 0;
        int log = (int)ReadForward(src, ref bitPos, 4) + 5;
        if (log > maxLog)
        {
            ZstdThrow.Corrupt("FSE accuracy log too large");
        }

        tableLog = log;
        int remaining = (1 << log) + 1;
        int threshold = 1 << log;
        int nbBits = log + 1;
        int symbol = 0;
        bool previousZero = false;
        norm.Slice(0, maxSymbol + 1).Clear();
        while (remaining > 1)
        {
            if (previousZero)
            {
                while (true)
                {
                    int repeat = (int)ReadForward(src, ref bitPos, 2);
                    symbol += repeat;
                    if (symbol > maxSymbol + 1)
                    {
                        ZstdThrow.Corrupt("FSE zero run past the last symbol");
                    }

                    if (repeat != 3)
                    {
                        break;
                    }
                }
            }

            if (symbol > maxSymbol)
            {
                ZstdThrow.Corrupt("FSE symbol out of range");
            }

            int max = (2 * threshold - 1) - remaining;
            int value = (int)PeekForward(src, bitPos, nbBits);
            int low = value & (threshold - 1);
            if (low < max)
            {
                value = low;
                bitPos += nbBits - 1;
            }
            else
            {
                value &= 2 * threshold - 1;
                if (value >= threshold)
                {
                    value -= max;
                }

                bitPos += nbBits;
            }

            int count = value - 1;
            remaining -= count < 0 ? -count : count;
            norm[symbol++] = (short)count;
            previousZero = count == 0;
            if (remaining < 1)
            {
                ZstdThrow.Corrupt("FSE probabilities exceed the table size");
            }

            while (remaining < threshold)
            {
                nbBits--;
                threshold >>= 1;
            }

            if (bitPos > src.Length * 8)
            {
                ZstdThrow.Corrupt("FSE table description truncated");
            }
        }

        if (remaining != 1)
        {
            ZstdThrow.Corrupt("FSE probabilities do not sum to the table size");
        }

        symbolCount = symbol;
        int consumed = (bitPos + 7) >> 3;
        if (consumed > src.Length)
        {
            ZstdThrow.Corrupt("FSE table description truncated");
        }

        return consumed;
    }

    private static uint PeekForward(ReadOnlySpan<byte> src, int bitPos, int count)
    {
        int byteIndex = bitPos >> 3;
        ulong v = 0;
        for (int i = 0; i < 4; i++)
        {
            int idx = byteIndex + i;
            if ((uint)idx < (uint)src.Length)
            {
                v |= (ulong)src[idx] << (8 * i);
            }
        }

        return (uint)(v >> (bitPos & 7)) & ((1u << count) - 1);
    }

    private static uint ReadForward(ReadOnlySpan<byte> src, ref int bitPos, int count)
    {
        uint v = PeekForward(src, bitPos, count);
        bitPos += count;
        return v;
    }

    /// <summary>
    /// Builds a decoding table of 2^<paramref name="tableLog"/> entries into <paramref name="table"/>. When <paramref name="baseValues"/>
    /// is given, each entry carries that symbol's base value and extra-bit count; otherwise BaseValue is the symbol.
    /// </summary>
    public static void Build(ReadOnlySpan<short> norm, int symbolCount, int tableLog, Span<FseEntry> table,
        ReadOnlySpan<uint> baseValues, ReadOnlySpan<byte> extraBits)
    {
        int tableSize = 1 << tableLog;
        Span<ushort> symbolNext = stackalloc ushort[64];
        Span<byte> symbols = stackalloc byte[512];
        int highThreshold = tableSize - 1;
        for (int s = 0; s < symbolCount; s++)
        {
            if (norm[s] == -1)
            {
                symbols[highThreshold--] = (byte)s;
                symbolNext[s] = 1;
            }
            else
            {
                symbolNext[s] = (ushort)norm[s];
            }
        }

        int mask = tableSize - 1;
        int step = (tableSize >> 1) + (tableSize >> 3) + 3;
        int pos = 0;
        for (int s = 0; s < symbolCount; s++)
        {
            int n = norm[s];
            for (int i = 0; i < n; i++)
            {
                symbols[pos] = (byte)s;
                do
                {
                    pos = (pos + step) & mask;
                }
                while (pos > highThreshold);
            }
        }

        if (pos != 0)
        {
            ZstdThrow.Corrupt("FSE table spread did not close");
        }

        for (int u = 0; u < tableSize; u++)
        {
            int s = symbols[u];
            int next = symbolNext[s]++;
            int nbBits = tableLog - (31 - BitOperations.LeadingZeroCount((uint)next));
            ref FseEntry e = ref table[u];
            e.NbBits = (byte)nbBits;
            e.NewState = (ushort)((next << nbBits) - tableSize);
            if (baseValues.IsEmpty)
            {
                e.BaseValue = (uint)s;
                e.NbAddBits = 0;
            }
            else
            {
                e.BaseValue = baseValues[s];
                e.NbAddBits = extraBits[s];
            }
        }
    }

    /// <summary>Builds the one-state table used by RLE mode.</summary>
    public static void BuildRle(int symbol, Span<FseEntry> table, ReadOnlySpan<uint> baseValues, ReadOnlySpan<byte> extraBits)
    {
        ref FseEntry e = ref table[0];
        e.NbBits = 0;
        e.NewState = 0;
        e.BaseValue = baseValues[symbol];
        e.NbAddBits = extraBits[symbol];
    }
}
