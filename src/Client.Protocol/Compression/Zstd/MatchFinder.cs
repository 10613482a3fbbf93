using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Compression.Zstd;

/// <summary>Match-finder effort for one compression level.</summary>
internal readonly record struct MatchParameters(int WindowLog, int HashLog, int ChainLog, int SearchDepth, int Lazy, int MinMatch, int StepShift, int TargetLength)
{
    /// <summary>Maps a zstd level (KIP-390 range) to match-finder effort.</summary>
    public static MatchParameters ForLevel(int level) => level switch
    {
        <= 1 => new(19, 15, 0, 0, 0, 6, 5, 16),
        2 => new(20, 17, 0, 0, 0, 5, 6, 24),
        3 => new(21, 17, 0, 0, 1, 5, 7, 32),
        4 => new(21, 17, 16, 4, 1, 5, 7, 32),
        5 => new(21, 18, 17, 8, 1, 4, 8, 48),
        6 => new(21, 18, 18, 16, 1, 4, 8, 64),
        <= 9 => new(22, 18, 18, 32, 2, 4, 9, 96),
        <= 12 => new(22, 19, 19, 64, 2, 4, 10, 128),
        <= 15 => new(22, 19, 20, 128, 2, 4, 10, 256),
        <= 18 => new(23, 20, 21, 256, 2, 4, 12, 512),
        _ => new(23, 20, 22, 1024, 2, 4, 12, 1024),
    };
}

/// <summary>
/// Greedy/lazy LZ77 match finder over a whole frame: a hash table of recent positions, optionally a hash chain for
/// deeper search, repeat-offset checks and skip acceleration on incompressible stretches. Emits into a <see cref="SequenceStore"/>.
/// </summary>
internal sealed unsafe partial class MatchFinder
{
    private int[] _hash = [];
    private int[] _chain = [];
    private MatchParameters _p;
    private int _hashLog;
    private int _chainMask;
    private int _maxDistance;
    private int _nextToIndex;

    /// <summary>Prepares tables for a frame of <paramref name="sourceSize"/> bytes.</summary>
    public void Reset(MatchParameters p, int sourceSize)
    {
        _p = p;
        int sizeLog = 32 - BitOperations.LeadingZeroCount((uint)Math.Max(sourceSize - 1, 1));
        _hashLog = Math.Clamp(sizeLog + 1, 8, p.HashLog);
        if (_hash.Length < (1 << _hashLog))
        {
            _hash = new int[1 << p.HashLog];
        }

        _hash.AsSpan(0, 1 << _hashLog).Fill(int.MinValue / 2);
        if (p.ChainLog > 0)
        {
            int chainLog = Math.Clamp(sizeLog, 8, p.ChainLog);
            if (_chain.Length < (1 << chainLog))
            {
                _chain = new int[1 << p.ChainLog];
            }

            _chainMask = (1 << chainLog) - 1;
        }

        _maxDistance = (1 << p.WindowLog) - 1;
        _nextToIndex = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Hash(byte* p)
    {
        ulong v = Unsafe.ReadUnaligned<ulong>(p);
        int mls = _p.MinMatch;
        if (mls >= 5)
        {
            return (uint)(((v << (64 - 8 * mls)) * 0xCF1BBCDCB7A56463UL) >> (64 - _hashLog));
        }

        return ((uint)v * 2654435761u) >> (32 - _hashLog);
    }

    /// <summary>Inserts positions up to (not including) <paramref name="target"/> into the chain (hash-chain levels only).</summary>
    private void InsertUpTo(byte* src, int target)
    {
        int[] hash = _hash;
        int[] chain = _chain;
        for (int i = _nextToIndex; i < target; i++)
        {
            uint h = Hash(src + i);
            chain[i & _chainMask] = hash[h];
            hash[h] = i;
        }

        if (target > _nextToIndex)
        {
            _nextToIndex = target;
        }
    }

    /// <summary>Best match at <paramref name="ip"/>: returns its length (0 if none) and its offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Search(byte* src, int ip, byte* blockEnd, out uint offset)
    {
        offset = 0;
        int best = 0;
        byte* p = src + ip;
        int lowest = Math.Max(ip - _maxDistance, 0);
        if (_p.ChainLog == 0)
        {
            uint h = Hash(p);
            int cand = _hash[h];
            _hash[h] = ip;
            if (cand >= lowest && Unsafe.ReadUnaligned<uint>(src + cand) == Unsafe.ReadUnaligned<uint>(p))
            {
                best = CommonPrefix.Length(p + 4, src + cand + 4, blockEnd) + 4;
                offset = (uint)(ip - cand);
            }

            return best;
        }

        InsertUpTo(src, ip);
        int chainLowest = Math.Max(lowest, ip - _chainMask);
        int candidate = _hash[Hash(p)];
        InsertUpTo(src, ip + 1);
        int depth = _p.SearchDepth;
        while (candidate >= chainLowest && depth-- > 0)
        {
            byte* c = src + candidate;
            if (c[best] == p[best] && Unsafe.ReadUnaligned<uint>(c) == Unsafe.ReadUnaligned<uint>(p))
            {
                int len = CommonPrefix.Length(p + 4, c + 4, blockEnd) + 4;
                if (len > best)
                {
                    best = len;
                    offset = (uint)(ip - candidate);
                    if (len >= _p.TargetLength || p + len >= blockEnd)
                    {
                        break;
                    }
                }
            }

            candidate = _chain[candidate & _chainMask];
        }

        return best;
    }

    /// <summary>Finds sequences for the block [<paramref name="start"/>, <paramref name="end"/>) of the frame at <paramref name="src"/>.</summary>
    public void ParseBlock(byte* src, int start, int end, SequenceStore store)
    {
        if (_p.ChainLog == 0 && _p.Lazy == 0)
        {
            ParseFast(src, start, end, store);
            return;
        }

        store.Reset();
        byte* blockEnd = src + end;
        store.ReadLimit = blockEnd;
        int ilimit = end - 8;
        int ip = start;
        int anchor = start;
        int minMatch = _p.MinMatch < 4 ? 4 : Math.Min(_p.MinMatch, 5);
        int stepShift = _p.StepShift;
        bool chained = _p.ChainLog != 0;

        while (ip < ilimit)
        {
            // Repeat offset first: cheap and very common in structured data.
            int matchLength = 0;
            uint offset = 0;
            uint rep0 = store.Rep0;
            int repPos = ip + 1;
            if (ip > anchor - 1 && repPos - (int)rep0 >= 0 && repPos < ilimit
                && Unsafe.ReadUnaligned<uint>(src + repPos) == Unsafe.ReadUnaligned<uint>(src + repPos - rep0))
            {
                int len = CommonPrefix.Length(src + repPos + 4, src + repPos + 4 - rep0, blockEnd) + 4;
                if (!chained)
                {
                    Search(src, ip, blockEnd, out _);
                }

                EmitAndAdvance(src, store, ref anchor, repPos, rep0, len);
                ip = anchor;
                continue;
            }

            matchLength = Search(src, ip, blockEnd, out offset);
            if (matchLength < minMatch)
            {
                int step = 1 + ((ip - anchor) >> stepShift);
                ip += step;
                if (step > 1 && chained && ip < ilimit)
                {
                    // Incompressible stretch: do not index the skipped positions.
                    _nextToIndex = Math.Max(_nextToIndex, ip);
                }

                continue;
            }

            // Lazy evaluation: a longer match one (or two) bytes later wins.
            int matchPos = ip;
            for (int step = 0; step < _p.Lazy && ip + 1 < ilimit; step++)
            {
                int len2 = Search(src, ip + 1, blockEnd, out uint off2);
                if (len2 > matchLength + 1 || (len2 == matchLength + 1 && BitOperations.Log2(off2) <= BitOperations.Log2(offset)))
                {
                    ip++;
                    matchPos = ip;
                    matchLength = len2;
                    offset = off2;
                }
                else
                {
                    break;
                }
            }

            // Extend backwards into pending literals.
            int candPos = matchPos - (int)offset;
            while (matchPos > anchor && candPos > 0 && src[matchPos - 1] == src[candPos - 1])
            {
                matchPos--;
                candPos--;
                matchLength++;
            }

            EmitAndAdvance(src, store, ref anchor, matchPos, offset, matchLength);
            ip = anchor;
            if (!chained && ip < ilimit)
            {
                // Seed the table with a position inside the match for future searches.
                _hash[Hash(src + ip - 2)] = ip - 2;
            }

            // Immediate repeat with the second offset and no literals.
            while (ip < ilimit && store.Rep1 <= (uint)ip
                && Unsafe.ReadUnaligned<uint>(src + ip) == Unsafe.ReadUnaligned<uint>(src + ip - store.Rep1))
            {
                uint rep1 = store.Rep1;
                int len = CommonPrefix.Length(src + ip + 4, src + ip + 4 - rep1, blockEnd) + 4;
                EmitAndAdvance(src, store, ref anchor, ip, rep1, len);
                ip = anchor;
            }
        }

        store.AddLastLiterals(src + anchor, end - anchor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EmitAndAdvance(byte* src, SequenceStore store, ref int anchor, int matchPos, uint offset, int length)
    {
        store.Add(src + anchor, matchPos - anchor, offset, length);
        anchor = matchPos + length;
    }
}
