using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>The single-hash-table greedy parse of the fastest levels (no chain, no lazy matching).</summary>
internal sealed unsafe partial class MatchFinder
{
    /// <summary>
    /// Greedy parse with one hash table of <c>MinMatch</c>-byte hashes. Each step hashes two adjacent positions and
    /// checks both candidates plus the first repeat offset; the step grows with the distance from the last match.
    /// Every read stays below <c>src + end</c>: hashed positions are below <c>end - 8</c> and match lengths stop at <c>end</c>.
    /// </summary>
    private void ParseFast(byte* src, int start, int end, SequenceStore store)
    {
        store.Reset();
        byte* iend = src + end;
        store.ReadLimit = iend;
        byte* ilimit = iend - 8;
        byte* ip = src + start;
        byte* anchor = ip;
        int maxDistance = _maxDistance;
        int stepShift = _p.StepShift;
        int hashShift = 64 - _hashLog;
        int keyShift = 64 - 8 * Math.Clamp(_p.MinMatch, 5, 8);
        int minMatch = Math.Min(_p.MinMatch, 5);

        fixed (int* table = _hash)
        {
            while (ip + 1 < ilimit)
            {
                byte* ip1 = ip + 1;
                int pos0 = (int)(ip - src);
                ulong h0 = ((Unsafe.ReadUnaligned<ulong>(ip) << keyShift) * Prime) >> hashShift;
                ulong h1 = ((Unsafe.ReadUnaligned<ulong>(ip1) << keyShift) * Prime) >> hashShift;
                int c0 = table[h0];
                int c1 = table[h1];
                table[h0] = pos0;
                table[h1] = pos0 + 1;

                byte* matchStart;
                byte* candidate;
                uint rep0 = store.Rep0;
                uint current = Unsafe.ReadUnaligned<uint>(ip1);
                if ((uint)pos0 + 1 >= rep0 && current == Unsafe.ReadUnaligned<uint>(ip1 - rep0))
                {
                    // Repeat offset at ip + 1: no backward extension (ip itself did not match it).
                    int repLength = CommonPrefix.Length(ip1 + 4, ip1 + 4 - rep0, iend) + 4;
                    store.Add(anchor, (int)(ip1 - anchor), rep0, repLength);
                    ip = anchor = ip1 + repLength;
                    goto afterMatch;
                }

                int lowest = pos0 - maxDistance;
                if (c0 >= lowest && Unsafe.ReadUnaligned<uint>(src + c0) == Unsafe.ReadUnaligned<uint>(ip))
                {
                    matchStart = ip;
                    candidate = src + c0;
                }
                else if (c1 > lowest && Unsafe.ReadUnaligned<uint>(src + c1) == current)
                {
                    matchStart = ip1;
                    candidate = src + c1;
                }
                else
                {
                    ip += 2 + ((int)(ip - anchor) >> stepShift);
                    continue;
                }

                int length = CommonPrefix.Length(matchStart + 4, candidate + 4, iend) + 4;
                if (length < minMatch)
                {
                    ip += 2 + ((int)(ip - anchor) >> stepShift);
                    continue;
                }

                while (matchStart > anchor && candidate > src && matchStart[-1] == candidate[-1])
                {
                    matchStart--;
                    candidate--;
                    length++;
                }

                store.Add(anchor, (int)(matchStart - anchor), (uint)(matchStart - candidate), length);
                ip = anchor = matchStart + length;

            afterMatch:
                if (ip >= ilimit)
                {
                    break;
                }

                // Seed the table with a position inside the match for future searches.
                byte* seed = ip - 2;
                table[((Unsafe.ReadUnaligned<ulong>(seed) << keyShift) * Prime) >> hashShift] = (int)(seed - src);

                // Immediate repeat with the second offset and no literals.
                while (ip < ilimit)
                {
                    uint rep1 = store.Rep1;
                    if ((uint)(ip - src) < rep1 || Unsafe.ReadUnaligned<uint>(ip) != Unsafe.ReadUnaligned<uint>(ip - rep1))
                    {
                        break;
                    }

                    int len = CommonPrefix.Length(ip + 4, ip + 4 - rep1, iend) + 4;
                    store.Add(anchor, 0, rep1, len);
                    ip = anchor = ip + len;
                }
            }
        }

        store.AddLastLiterals(anchor, (int)(iend - anchor));
    }

    private const ulong Prime = 0xCF1BBCDCB7A56463UL;
}
