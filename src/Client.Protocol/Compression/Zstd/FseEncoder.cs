using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>An FSE (tANS) compression table built from a normalized distribution; the encoder half of <see cref="FseDecoding"/>.</summary>
internal sealed class FseEncoder
{
    private readonly ushort[] _stateTable = new ushort[512];
    private readonly int[] _deltaFindState = new int[64];
    private readonly uint[] _deltaNbBits = new uint[64];

    /// <summary>Next-state table (indexed by <c>(state &gt;&gt; bits) + DeltaFindState[symbol]</c>).</summary>
    internal ushort[] StateTable => _stateTable;

    /// <summary>Per-symbol offset into <see cref="StateTable"/>.</summary>
    internal int[] DeltaFindState => _deltaFindState;

    /// <summary>Per-symbol bit-count delta: bits out = <c>(state + DeltaNbBits[symbol]) &gt;&gt; 16</c>.</summary>
    internal uint[] DeltaNbBits => _deltaNbBits;

    /// <summary>Builds the zero-bit table of RLE mode for <paramref name="symbol"/>.</summary>
    public void BuildRle(int symbol)
    {
        TableLog = 0;
        _stateTable[0] = 1;
        _deltaNbBits[symbol] = uint.MaxValue;
        _deltaFindState[symbol] = -1;
    }

    /// <summary>Accuracy log of the current table.</summary>
    public int TableLog { get; private set; }

    /// <summary>Builds the table for <paramref name="norm"/> (symbols 0..<paramref name="maxSymbol"/>).</summary>
    public void Build(ReadOnlySpan<short> norm, int maxSymbol, int tableLog)
    {
        TableLog = tableLog;
        int tableSize = 1 << tableLog;
        Span<byte> symbols = stackalloc byte[512];
        Span<int> cumul = stackalloc int[66];
        int highThreshold = tableSize - 1;
        cumul[0] = 0;
        for (int s = 1; s <= maxSymbol + 1; s++)
        {
            if (norm[s - 1] == -1)
            {
                cumul[s] = cumul[s - 1] + 1;
                symbols[highThreshold--] = (byte)(s - 1);
            }
            else
            {
                cumul[s] = cumul[s - 1] + norm[s - 1];
            }
        }

        int mask = tableSize - 1;
        int step = (tableSize >> 1) + (tableSize >> 3) + 3;
        int pos = 0;
        for (int s = 0; s <= maxSymbol; s++)
        {
            for (int i = 0; i < norm[s]; i++)
            {
                symbols[pos] = (byte)s;
                do
                {
                    pos = (pos + step) & mask;
                }
                while (pos > highThreshold);
            }
        }

        for (int u = 0; u < tableSize; u++)
        {
            int s = symbols[u];
            _stateTable[cumul[s]++] = (ushort)(tableSize + u);
        }

        int total = 0;
        for (int s = 0; s <= maxSymbol; s++)
        {
            int n = norm[s];
            if (n == 0)
            {
                _deltaNbBits[s] = (uint)(((tableLog + 1) << 16) - tableSize);
            }
            else if (n == -1 || n == 1)
            {
                _deltaNbBits[s] = (uint)((tableLog << 16) - tableSize);
                _deltaFindState[s] = total - 1;
                total++;
            }
            else
            {
                int maxBitsOut = tableLog - (31 - BitOperations.LeadingZeroCount((uint)(n - 1)));
                int minStatePlus = n << maxBitsOut;
                _deltaNbBits[s] = (uint)((maxBitsOut << 16) - minStatePlus);
                _deltaFindState[s] = total - n;
                total += n;
            }
        }
    }

    /// <summary>The initial state that encodes <paramref name="symbol"/> with the fewest bits.</summary>
    public uint InitState(int symbol)
    {
        uint nbBitsOut = (_deltaNbBits[symbol] + (1 << 15)) >> 16;
        uint value = (nbBitsOut << 16) - _deltaNbBits[symbol];
        return _stateTable[(int)(value >> (int)nbBitsOut) + _deltaFindState[symbol]];
    }

    /// <summary>Encodes <paramref name="symbol"/>: writes the low bits of the state and moves to the next state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Encode(ref BitWriter writer, ref uint state, int symbol)
    {
        int nbBitsOut = (int)((state + _deltaNbBits[symbol]) >> 16);
        writer.Add(state, nbBitsOut);
        state = _stateTable[(int)(state >> nbBitsOut) + _deltaFindState[symbol]];
    }

    /// <summary>Writes the final state.</summary>
    public void FlushState(ref BitWriter writer, uint state) => writer.Add(state, TableLog);

    /// <summary>
    /// Normalizes <paramref name="counts"/> (summing to <paramref name="total"/>) to 2^<paramref name="tableLog"/>.
    /// Every present symbol gets at least 1.
    /// </summary>
    public static void Normalize(ReadOnlySpan<uint> counts, int maxSymbol, int total, int tableLog, Span<short> norm)
    {
        int scale = 1 << tableLog;
        int sum = 0;
        int largest = 0;
        uint largestCount = 0;
        for (int s = 0; s <= maxSymbol; s++)
        {
            uint c = counts[s];
            if (c == 0)
            {
                norm[s] = 0;
                continue;
            }

            int n = (int)(((long)c * scale + total / 2) / total);
            if (n < 1)
            {
                n = 1;
            }

            norm[s] = (short)n;
            sum += n;
            if (c > largestCount)
            {
                largestCount = c;
                largest = s;
            }
        }

        int diff = scale - sum;
        if (diff > 0 || norm[largest] + diff >= 1 + (norm[largest] >> 1))
        {
            norm[largest] = (short)(norm[largest] + diff);
            return;
        }

        // Too much to take from the largest alone: take one at a time from whichever symbol has the most.
        while (diff < 0)
        {
            int best = -1;
            for (int s = 0; s <= maxSymbol; s++)
            {
                if (norm[s] > 1 && (best < 0 || norm[s] > norm[best]))
                {
                    best = s;
                }
            }

            norm[best]--;
            diff++;
        }
    }

    /// <summary>Picks an accuracy log for <paramref name="sampleCount"/> samples of <paramref name="symbolCount"/> distinct symbols.</summary>
    public static int ChooseTableLog(int sampleCount, int symbolCount, int maxLog)
    {
        int log = 31 - BitOperations.LeadingZeroCount((uint)Math.Max(sampleCount, 1)) - 1;
        int minLog = 32 - BitOperations.LeadingZeroCount((uint)symbolCount) + 1;
        return Math.Clamp(log, Math.Max(5, minLog), maxLog);
    }

    /// <summary>Writes the table description of <paramref name="norm"/>; returns the bytes written (dst needs 64+ bytes).</summary>
    public static int WriteNCount(Span<byte> dst, ReadOnlySpan<short> norm, int maxSymbol, int tableLog)
    {
        ulong bits = 0;
        int count = 0;
        int outPos = 0;
        int remaining = (1 << tableLog) + 1;
        int threshold = 1 << tableLog;
        int nbBits = tableLog + 1;
        Put(dst, ref bits, ref count, ref outPos, tableLog - 5, 4);
        bool previousZero = false;
        int s = 0;
        while (remaining > 1 && s <= maxSymbol)
        {
            if (previousZero)
            {
                int start = s;
                while (norm[s] == 0)
                {
                    s++;
                }

                int run = s - start;
                while (run >= 3)
                {
                    Put(dst, ref bits, ref count, ref outPos, 3, 2);
                    run -= 3;
                }

                Put(dst, ref bits, ref count, ref outPos, run, 2);
            }

            int n = norm[s];
            int value = n + 1;
            int max = (2 * threshold - 1) - remaining;
            remaining -= n < 0 ? -n : n;
            if (value < max)
            {
                Put(dst, ref bits, ref count, ref outPos, value, nbBits - 1);
            }
            else if (value < threshold)
            {
                Put(dst, ref bits, ref count, ref outPos, value, nbBits);
            }
            else
            {
                Put(dst, ref bits, ref count, ref outPos, value + max, nbBits);
            }

            previousZero = n == 0;
            while (remaining < threshold)
            {
                nbBits--;
                threshold >>= 1;
            }

            s++;
        }

        while (count > 0)
        {
            dst[outPos++] = (byte)bits;
            bits >>= 8;
            count = Math.Max(count - 8, 0);
        }

        return outPos;

        static void Put(Span<byte> dst, ref ulong bits, ref int count, ref int outPos, int v, int n)
        {
            bits |= (ulong)(uint)v << count;
            count += n;
            while (count >= 8)
            {
                dst[outPos++] = (byte)bits;
                bits >>= 8;
                count -= 8;
            }
        }
    }
}
