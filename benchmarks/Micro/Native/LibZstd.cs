using System.Runtime.InteropServices;

namespace Samsa.Benchmarks.Micro.Native;

/// <summary>P/Invoke to the system libzstd, used only as a benchmark baseline.</summary>
internal static unsafe partial class LibZstd
{
    private const string Library = "libzstd.so.1";

    [LibraryImport(Library, EntryPoint = "ZSTD_compressBound")]
    public static partial nuint CompressBound(nuint srcSize);

    [LibraryImport(Library, EntryPoint = "ZSTD_compress")]
    public static partial nuint Compress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize, int level);

    [LibraryImport(Library, EntryPoint = "ZSTD_decompress")]
    public static partial nuint Decompress(byte* dst, nuint dstCapacity, byte* src, nuint srcSize);

    [LibraryImport(Library, EntryPoint = "ZSTD_isError")]
    public static partial uint IsError(nuint code);

    public static int Compress(ReadOnlySpan<byte> src, Span<byte> dst, int level)
    {
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            nuint r = Compress(d, (nuint)dst.Length, s, (nuint)src.Length, level);
            return IsError(r) != 0 ? throw new InvalidOperationException("ZSTD_compress failed") : (int)r;
        }
    }

    public static int Decompress(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        fixed (byte* s = src)
        fixed (byte* d = dst)
        {
            nuint r = Decompress(d, (nuint)dst.Length, s, (nuint)src.Length);
            return IsError(r) != 0 ? throw new InvalidOperationException("ZSTD_decompress failed") : (int)r;
        }
    }
}
